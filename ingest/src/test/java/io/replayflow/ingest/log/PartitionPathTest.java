package io.replayflow.ingest.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.schemas.avro.Transition;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartitionPathTest {

    @Test
    void envDateAndHourOfTheEventTimeInUtc() {
        long t = Instant.parse("2026-11-21T07:59:59.999Z").toEpochMilli();
        assertThat(PartitionPath.of("CartPole-v1", t))
                .isEqualTo("env_id=CartPole-v1/date=2026-11-21/hour=07");
        assertThat(PartitionPath.of("CartPole-v1", t + 1))
                .isEqualTo("env_id=CartPole-v1/date=2026-11-21/hour=08");
        assertThat(
                        PartitionPath.of(
                                "CartPole-v1",
                                Instant.parse("2026-12-31T23:00:00Z").toEpochMilli()))
                .isEqualTo("env_id=CartPole-v1/date=2026-12-31/hour=23");
    }

    @Test
    void timesBeforeTheEpochFloorToTheirHour() {
        assertThat(PartitionPath.of("e", -1)).isEqualTo("env_id=e/date=1969-12-31/hour=23");
    }

    @Test
    void unsafeCharactersAreEscapedAsHiveDoes() {
        assertThat(PartitionPath.escape("ALE/Pong-v5")).isEqualTo("ALE%2FPong-v5");
        assertThat(PartitionPath.escape("a=b:c%d")).isEqualTo("a%3Db%3Ac%25d");
        assertThat(PartitionPath.escape("tab\there")).isEqualTo("tab%09here");
        assertThat(PartitionPath.escape("MountainCar-v0_x.y")).isEqualTo("MountainCar-v0_x.y");
    }

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
