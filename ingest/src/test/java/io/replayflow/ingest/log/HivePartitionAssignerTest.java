package io.replayflow.ingest.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.schemas.avro.Transition;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HivePartitionAssignerTest {

    @Test
    void theAssignerUsesTheEventTimeAndRemembersTheLastPartition() {
        HivePartitionAssigner assigner = new HivePartitionAssigner();
        Transition t = TestTransitions.cartPole("a", "e", 0);
        String first = assigner.getBucketId(t, null);
        assertThat(first).isEqualTo("env_id=CartPole-v1/date=2026-11-21/hour=07");
        assertThat(assigner.getBucketId(TestTransitions.cartPole("a", "e", 1), null))
                .isSameAs(first);
        Transition nextHour = TestTransitions.cartPole("a", "e", 2);
        nextHour.setEventTimeMs(TestTransitions.T0 + 3_600_000);
        assertThat(assigner.getBucketId(nextHour, null)).endsWith("hour=08");
        nextHour.setEnvId("Acrobot-v1");
        assertThat(assigner.getBucketId(nextHour, null)).startsWith("env_id=Acrobot-v1/");
    }
}
