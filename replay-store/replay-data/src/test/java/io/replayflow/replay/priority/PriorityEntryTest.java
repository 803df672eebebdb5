package io.replayflow.replay.priority;

import static io.replayflow.replay.data.testing.PriorityUpdates.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.avro.PriorityUpdate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PriorityEntryTest {

    @Test
    void lastWriterWinsByTrainerStepAndTiesGoToTheLaterArrival() {
        PriorityEntry at10 = PriorityEntry.of(update(1.0, 10));
        PriorityEntry at5 = PriorityEntry.of(update(9.0, 5));
        PriorityEntry at10again = PriorityEntry.of(update(2.0, 10));
        assertThat(PriorityEntry.supersedes(at10, null)).isTrue();
        assertThat(PriorityEntry.supersedes(at5, at10)).isFalse();
        assertThat(PriorityEntry.supersedes(at10again, at10)).isTrue();
        assertThat(at10.transitionKey()).isEqualTo(PriorityEntry.transitionKey("a", "e", 3));
    }

    @Test
    void rejectsInvalidPrioritiesWithAReason() {
        assertThat(PriorityRejection.check(update(Double.NaN, 1))).isEqualTo(PriorityRejection.NAN);
        assertThat(PriorityRejection.check(update(-0.5, 1))).isEqualTo(PriorityRejection.NEGATIVE);
        assertThat(PriorityRejection.check(update(Double.POSITIVE_INFINITY, 1)))
                .isEqualTo(PriorityRejection.INFINITE);
        assertThat(PriorityRejection.check(update(0.0, 1))).isNull();
        PriorityUpdate noActor = update(1.0, 1);
        noActor.setActorId("");
        assertThat(PriorityRejection.check(noActor)).isEqualTo(PriorityRejection.BAD_IDENTITY);
        assertThat(PriorityRejection.NAN.metricName()).isEqualTo("priority_updates_rejected_nan");
    }
}
