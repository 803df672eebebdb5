package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cli.lifecycle.ControllerDecisions.Kind;
import io.replayflow.cli.lifecycle.ControllerDecisions.Outcome;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ControllerDecisionsTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(7_000));

    // margin 10, tolerance 0, z 1.645, N = 50 to promote, 10 to roll back, 20% canaries.
    private static final ControllerConfig CONFIG =
            ControllerOptions.parse(
                    Map.of(
                            "controller.gate.margin", "10",
                            "controller.promote.min-episodes", "50",
                            "controller.rollback.min-episodes", "10",
                            "controller.canary.share", "0.2"));

    @TempDir Path data;
    private final List<PolicyAssignment> history = new ArrayList<>();
    private final Map<Long, LiveReturn> live = new HashMap<>();
    private final ControllerDecisions decisions = new ControllerDecisions(CONFIG, CLOCK);

    @BeforeEach
    void publishTwoVersions() throws IOException {
        publish(1);
        publish(2);
    }

    private void publish(long v) throws IOException {
        FakeArtifacts.write(data.resolve("policies"), "cp", v, List.of(4), 2);
    }

    private void ope(long v, double value, double low) throws IOException {
        Files.writeString(
                data.resolve("policies/cp/" + v + "/ope.json"),
                String.format(
                        "{\"estimates\": {\"dr\": {\"value\": %s, \"low\": %s, \"high\": %s}}}",
                        value, low, value + (value - low)));
    }

    /** Decides from the state so far; a writing decision joins the history, as on the topics. */
    private Outcome decide() {
        Optional<PolicyAssignment> latest =
                history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        Outcome o = decisions.decide(PolicyVersions.read(data, "cp"), latest, history, live);
        if (o.next() != null) {
            history.add(o.next());
        }
        return o;
    }

    @Test
    void takesAPolicyOverWithTheNewestAsChampionThenGatesTheNextCandidate() throws IOException {
        Outcome first = decide();
        assertThat(first.kind()).isEqualTo(Kind.TOOK_OVER);
        assertThat(first.next().getSequence()).isEqualTo(1);
        assertThat(first.next().getChampion().getVersion()).isEqualTo(2);
        assertThat(first.next().getCanary()).isNull();
        assertThat(first.next().getDecider()).isEqualTo("controller");
        assertThat(first.next().getMode()).isEqualTo(AssignmentMode.AUTOMATIC);
        assertThat(first.next().getDecidedAtMs()).isEqualTo(7_000);

        assertThat(decide().kind()).as("v1 is retired, nothing new").isEqualTo(Kind.NOTHING);

        publish(3);
        Outcome waiting = decide();
        assertThat(waiting.kind()).isEqualTo(Kind.WAITING);
        assertThat(waiting.note())
                .isEqualTo("v3 waits for its dr estimate (run 'replayflow ope' on it)");

        // Champion v2 estimates 200; v3's lower bound 189 < 200 − 10 = 190: refused.
        ope(2, 200, 180);
        ope(3, 195, 189);
        Outcome refused = decide();
        assertThat(refused.kind()).isEqualTo(Kind.GATE_REFUSED);
        assertThat(refused.next()).isNull();
        assertThat(refused.note())
                .isEqualTo(
                        "v3 stays a candidate: v3's OPE lower bound 189.0 is below v2's estimate"
                                + " 200.0 minus margin 10.0 (dr)");

        // A lower bound of exactly 190 passes: v3 becomes a 20% canary beside v2.
        ope(3, 195, 190);
        Outcome passed = decide();
        assertThat(passed.kind()).isEqualTo(Kind.GATE_PASSED);
        PolicyAssignment a = passed.next();
        assertThat(a.getSequence()).isEqualTo(2);
        assertThat(a.getChampion().getVersion()).isEqualTo(2);
        assertThat(a.getCanary().getVersion()).isEqualTo(3);
        assertThat(a.getCanary().getSha256())
                .isEqualTo(FakeArtifacts.sha(data.resolve("policies/cp/3")));
        assertThat(a.getCanaryShare()).isEqualTo(0.2);
        assertThat(a.getReason())
                .isEqualTo(
                        "v3 passed the gate as a 20% canary: v3's OPE lower bound 190.0 is no"
                                + " worse than v2's estimate 200.0 minus margin 10.0 (dr)");
    }

    @Test
    void withoutAnOpeEstimateOfTheChampionTheGateUsesItsLiveMean() throws IOException {
        decide(); // v2 champion
        publish(3);
        ope(3, 150, 141);
        // v2 lives at 150 over 40 episodes: 141 ≥ 150 − 10 → pass.
        live.put(2L, new LiveReturn(40, 150, 10));
        assertThat(decide().kind()).isEqualTo(Kind.GATE_PASSED);
    }

    @Test
    void aCanaryWorseWithConfidenceIsRolledBackOnceAndOneAsGoodIsPromoted() throws IOException {
        decide();
        publish(3);
        ope(2, 200, 180);
        ope(3, 200, 195);
        assertThat(decide().kind()).isEqualTo(Kind.GATE_PASSED);

        // 9 canary episodes: too few for a rollback (10).
        live.put(2L, new LiveReturn(200, 480, 40));
        live.put(3L, new LiveReturn(9, 9.5, 1));
        assertThat(decide().kind()).isEqualTo(Kind.WAITING);

        // canary 10 episodes mean 9.5 sd 1.5 → se = 1.5/3 = 0.5; champion se = 40/√199 ≈ 2.836;
        // d = −470.5, d + 1.645·√(0.25 + 8.04) = −465.8 < 0 → roll back to v2 alone.
        live.put(3L, new LiveReturn(10, 9.5, 1.5));
        Outcome back = decide();
        assertThat(back.kind()).isEqualTo(Kind.ROLLED_BACK);
        assertThat(back.next().getSequence()).isEqualTo(3);
        assertThat(back.next().getChampion().getVersion()).isEqualTo(2);
        assertThat(back.next().getCanary()).isNull();
        assertThat(back.next().getCanaryShare()).isEqualTo(0.0);
        assertThat(back.next().getReason())
                .startsWith(
                        "canary v3 rolled back, champion v2 acts alone, worse with confidence:");
        assertThat(decide().kind()).as("v3 is retired now").isEqualTo(Kind.NOTHING);

        // v4 passes the gate and lives as well as v2 over 60 episodes each: promoted.
        publish(4);
        ope(4, 210, 200);
        assertThat(decide().kind()).isEqualTo(Kind.GATE_PASSED);
        live.put(2L, new LiveReturn(60, 480, 40));
        live.put(4L, new LiveReturn(60, 495, 10));
        // d = 15, se = √(40²/59 + 10²/59) ≈ 5.37, 15 − 1.645·5.37 = 6.2 ≥ 0 → promote.
        Outcome promoted = decide();
        assertThat(promoted.kind()).isEqualTo(Kind.PROMOTED);
        assertThat(promoted.next().getChampion().getVersion()).isEqualTo(4);
        assertThat(promoted.next().getCanary()).isNull();
        assertThat(promoted.next().getSequence()).isEqualTo(5);
    }

    @Test
    void aPausedPolicyIsLeftAlone() throws IOException {
        decide();
        PolicyAssignment paused =
                PolicyAssignment.newBuilder(history.get(0))
                        .setSequence(2)
                        .setMode(AssignmentMode.PAUSED)
                        .setDecider("alice")
                        .build();
        history.add(paused);
        publish(3);
        ope(2, 100, 90);
        ope(3, 300, 290);
        Outcome o = decide();
        assertThat(o.kind()).isEqualTo(Kind.PAUSED);
        assertThat(o.next()).isNull();
    }

    @Test
    void aCandidateWhoseArtifactFailsVerificationStaysACandidate() throws IOException {
        decide();
        publish(3);
        ope(2, 200, 180);
        ope(3, 200, 195);
        Files.writeString(data.resolve("policies/cp/3/saved_model.pb"), "tampered");
        Outcome o = decide();
        assertThat(o.kind()).isEqualTo(Kind.GATE_REFUSED);
        assertThat(o.note()).contains("v3 fails verification");
    }
}
