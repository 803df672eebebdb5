package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ManualDecisionsTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(5_000));

    @TempDir Path data;
    private PolicyVersions versions;
    private final List<PolicyAssignment> history = new ArrayList<>();

    @BeforeEach
    void publishThreeVersions() throws Exception {
        for (long v = 1; v <= 3; v++) {
            FakeArtifacts.write(data.resolve("policies"), "cp", v, List.of(4), 2);
        }
        versions = PolicyVersions.read(data, "cp");
    }

    private ManualDecisions decisions() {
        Optional<PolicyAssignment> current =
                history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        return new ManualDecisions(versions, current, history, "alice", CLOCK);
    }

    private PolicyAssignment decide(
            java.util.function.Function<ManualDecisions, PolicyAssignment> f) {
        PolicyAssignment a = f.apply(decisions());
        history.add(a);
        return a;
    }

    @Test
    void withoutAnAssignmentTheNewestIsTheChampionAndACanaryRidesBesideIt() {
        PolicyAssignment a = decide(d -> d.canary(2, 0.2));

        assertThat(a.getSequence()).isEqualTo(1);
        assertThat(a.getChampion().getVersion()).isEqualTo(3);
        assertThat(a.getCanary().getVersion()).isEqualTo(2);
        assertThat(a.getCanaryShare()).isEqualTo(0.2);
        assertThat(a.getCanary().getSha256())
                .isEqualTo(FakeArtifacts.sha(data.resolve("policies/cp/2")));
        assertThat(a.getCanary().getUri()).endsWith("/policies/cp/2/");
        assertThat(a.getMode()).isEqualTo(AssignmentMode.AUTOMATIC);
        assertThat(a.getDecider()).isEqualTo("alice");
        assertThat(a.getDecidedAtMs()).isEqualTo(5_000);
        assertThat(a.getReason()).isEqualTo("v2 as a 20% canary beside champion v3, by hand");
    }

    @Test
    void rollbackDropsTheCanaryThenReturnsToThePreviousChampion() {
        decide(d -> d.promote(1));
        decide(d -> d.promote(3));
        decide(d -> d.canary(2, 0.5));

        PolicyAssignment noCanary = decide(d -> d.rollback(null));
        assertThat(noCanary.getCanary()).isNull();
        assertThat(noCanary.getChampion().getVersion()).isEqualTo(3);
        assertThat(noCanary.getSequence()).isEqualTo(4);

        PolicyAssignment back = decide(d -> d.rollback(null));
        assertThat(back.getChampion().getVersion()).as("the champion before v3").isEqualTo(1);
        assertThat(back.getReason()).isEqualTo("champion v3 rolled back to v1 by hand");

        assertThat(decide(d -> d.rollback(2L)).getChampion().getVersion()).isEqualTo(2);
    }

    @Test
    void pauseAndResumeKeepTheVersions() {
        decide(d -> d.canary(2, 0.3));
        PolicyAssignment paused = decide(d -> d.mode(AssignmentMode.PAUSED));

        assertThat(paused.getMode()).isEqualTo(AssignmentMode.PAUSED);
        assertThat(paused.getCanary().getVersion()).isEqualTo(2);
        assertThat(paused.getCanaryShare()).isEqualTo(0.3);
        assertThat(decide(d -> d.promote(1)).getMode())
                .as("a promotion keeps the mode")
                .isEqualTo(AssignmentMode.PAUSED);
        assertThat(decide(d -> d.mode(AssignmentMode.AUTOMATIC)).getMode())
                .isEqualTo(AssignmentMode.AUTOMATIC);
    }

    @Test
    void badInputIsNamed() throws Exception {
        assertThatThrownBy(() -> decisions().promote(9))
                .hasMessage("policy 'cp' has no version 9; published: [1, 2, 3]");
        assertThatThrownBy(() -> decisions().canary(2, 1.0))
                .hasMessageContaining("--canary 1.0 is outside (0, 1)");
        assertThatThrownBy(() -> decisions().canary(2, 0.0))
                .hasMessageContaining("--canary 0.0 is outside (0, 1)");
        assertThatThrownBy(() -> decisions().canary(3, 0.2))
                .hasMessageContaining("v3 is the champion already");
        Files.writeString(data.resolve("policies/cp/2/saved_model.pb"), "tampered");
        assertThatThrownBy(() -> decisions().promote(2))
                .hasMessageContaining("policy 'cp' v2 fails verification: checksum mismatch");
        assertThatThrownBy(() -> PolicyVersions.read(data, "other"))
                .hasMessageContaining("unknown policy 'other'");
    }

    @Test
    void anOpeResultBesideTheArtifactIsReadAndDoesNotFailVerification() throws Exception {
        Files.writeString(
                data.resolve("policies/cp/2/ope.json"),
                "{\"estimates\": {\"fqe\": {\"value\": 180.0, \"low\": 170.0, \"high\": 190.0}}}");
        PolicyVersions read = PolicyVersions.read(data, "cp");

        assertThat(read.verified(2).estimate("fqe").path("low").asDouble()).isEqualTo(170.0);
        assertThat(read.verified(1).estimate("fqe")).isNull();
    }
}
