package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StageTest {

    private static PolicyAssignment assignment(long seq, long champion, Long canary) {
        return PolicyAssignment.newBuilder()
                .setPolicyName("cp")
                .setSequence(seq)
                .setChampion(v(champion))
                .setCanary(canary == null ? null : v(canary))
                .setCanaryShare(canary == null ? 0.0 : 0.2)
                .setMode(AssignmentMode.AUTOMATIC)
                .setReason("r")
                .setDecider("d")
                .setDecidedAtMs(0)
                .build();
    }

    private static AssignedVersion v(long n) {
        return AssignedVersion.newBuilder().setVersion(n).setUri("u").setSha256("s").build();
    }

    @Test
    void withoutAnAssignmentTheNewestIsChampionAndTheRestRetired() {
        assertThat(Stage.of(5, 5, Optional.empty(), List.of())).isEqualTo(Stage.CHAMPION);
        assertThat(Stage.of(4, 5, Optional.empty(), List.of())).isEqualTo(Stage.RETIRED);
    }

    @Test
    void stagesFollowTheAssignmentAndItsHistory() {
        List<PolicyAssignment> history =
                List.of(assignment(1, 2, 4L), assignment(2, 2, null), assignment(3, 3, 5L));
        Optional<PolicyAssignment> now = Optional.of(history.get(2));

        assertThat(Stage.of(3, 7, now, history)).isEqualTo(Stage.CHAMPION);
        assertThat(Stage.of(5, 7, now, history)).isEqualTo(Stage.CANARY);
        assertThat(Stage.of(4, 7, now, history))
                .as("a rolled-back canary")
                .isEqualTo(Stage.RETIRED);
        assertThat(Stage.of(2, 7, now, history)).as("a former champion").isEqualTo(Stage.RETIRED);
        assertThat(Stage.of(1, 7, now, history))
                .as("older than the champion")
                .isEqualTo(Stage.RETIRED);
        assertThat(Stage.of(6, 7, now, history)).isEqualTo(Stage.CANDIDATE);
        assertThat(Stage.of(7, 7, now, history)).isEqualTo(Stage.CANDIDATE);
    }
}
