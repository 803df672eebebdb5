package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cli.lifecycle.ControllerDecisions.Kind;
import io.replayflow.cli.lifecycle.ControllerDecisions.Outcome;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyFailureKind;
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

    // The same, and a canary undecided after 10 episodes a side gives way to a newer candidate.
    private static final ControllerConfig SUPERSEDING =
            ControllerOptions.parse(
                    Map.of(
                            "controller.gate.margin", "10",
                            "controller.promote.min-episodes", "50",
                            "controller.rollback.min-episodes", "10",
                            "controller.canary.share", "0.2",
                            "controller.canary.supersede-after", "10"));

    @TempDir Path data;
    private final List<PolicyAssignment> history = new ArrayList<>();
    private final Map<Long, EpisodeStats> live = new HashMap<>();
    private final List<PolicyFailure> failures = new ArrayList<>();
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
        return decide(decisions);
    }

    private Outcome decide(ControllerDecisions decisions) {
        Optional<PolicyAssignment> latest =
                history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        Outcome o =
                decisions.decide(
                        PolicyVersions.read(data, "cp"),
                        latest,
                        history,
                        List.copyOf(live.values()),
                        failures);
        if (o.next() != null) {
            history.add(o.next());
        }
        return o;
    }

    /** {@code version}'s live episodes: one window after every decision of the fixed clock. */
    private void live(long version, long episodes, double mean, double std) {
        live.put(version, window(version, 10_000, 70_000, episodes, mean, std));
    }

    private static EpisodeStats window(
            long version, long startMs, long endMs, long episodes, double mean, double std) {
        return EpisodeStats.newBuilder()
                .setEnvId("CartPole-v1")
                .setPolicyVersion(version)
                .setWindowStartMs(startMs)
                .setWindowEndMs(endMs)
                .setEpisodes(episodes)
                .setMeanReturn(mean)
                .setStdReturn(std)
                .setMinReturn(mean - 2 * std)
                .setMaxReturn(mean + 2 * std)
                .setMeanLength(mean)
                .setTerminated(episodes)
                .build();
    }

    private static PolicyFailure failure(long version, long sequence, long atMs) {
        return PolicyFailure.newBuilder()
                .setPolicyName("cp")
                .setVersion(version)
                .setKind(PolicyFailureKind.SWAP)
                .setReason("CHECKSUM_MISMATCH")
                .setMessage("v" + version + "'s files do not match its sha256")
                .setReporter("actor-a")
                .setAssignmentSequence(sequence)
                .setReportedAtMs(atMs)
                .build();
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
        live(2, 40, 150, 10);
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
        live(2, 200, 480, 40);
        live(3, 9, 9.5, 1);
        assertThat(decide().kind()).isEqualTo(Kind.WAITING);

        // canary 10 episodes mean 9.5 sd 1.5 → se = 1.5/3 = 0.5; champion se = 40/√199 ≈ 2.836;
        // d = −470.5, d + 1.645·√(0.25 + 8.04) = −465.8 < 0 → roll back to v2 alone.
        live(3, 10, 9.5, 1.5);
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
        live(2, 60, 480, 40);
        live(4, 60, 495, 10);
        // d = 15, se = √(40²/59 + 10²/59) ≈ 5.37, 15 − 1.645·5.37 = 6.2 ≥ 0 → promote.
        Outcome promoted = decide();
        assertThat(promoted.kind()).isEqualTo(Kind.PROMOTED);
        assertThat(promoted.next().getChampion().getVersion()).isEqualTo(4);
        assertThat(promoted.next().getCanary()).isNull();
        assertThat(promoted.next().getSequence()).isEqualTo(5);
    }

    @Test
    void theCanaryIsComparedWithTheChampionsEpisodesFromTheSamePeriod() throws IOException {
        long[] now = {1_000};
        ControllerDecisions timed =
                new ControllerDecisions(CONFIG, () -> Instant.ofEpochMilli(now[0]));
        List<EpisodeStats> windows = new ArrayList<>();
        PolicyVersions versions = PolicyVersions.read(data, "cp");
        PolicyAssignment took =
                timed.decide(versions, Optional.empty(), history, windows, failures).next();
        history.add(took); // v2 champion at t = 1 s
        publish(3);
        ope(2, 200, 180);
        ope(3, 200, 195);
        now[0] = 100_000;
        PolicyAssignment canary =
                timed.decide(
                                PolicyVersions.read(data, "cp"),
                                Optional.of(took),
                                history,
                                windows,
                                failures)
                        .next();
        history.add(canary); // v3 a canary from t = 100 s
        assertThat(canary.getCanary().getVersion()).isEqualTo(3);

        // Before the canary: v2 at 480 over 200 episodes. Since: v2 at 200, v3 at 210, 60 each.
        windows.add(window(2, 0, 60_000, 200, 480, 40));
        windows.add(window(2, 120_000, 180_000, 60, 200, 40));
        windows.add(window(3, 120_000, 180_000, 60, 210, 10));
        // Pooled over all time v2 would be (200·480 + 60·200)/260 ≈ 415 and v3 rolled back. Over
        // the same period: d = 10, se = √(40²/59 + 10²/59) ≈ 5.37, 10 − 1.645·5.37 ≈ 1.2 ≥ 0 and
        // 60 ≥ N = 50 episodes a side → promote.
        now[0] = 200_000;
        Outcome o =
                timed.decide(
                        PolicyVersions.read(data, "cp"),
                        Optional.of(canary),
                        history,
                        windows,
                        failures);
        assertThat(o.kind()).isEqualTo(Kind.PROMOTED);
        assertThat(o.note())
                .contains("canary v3 210.0 over 60 episodes vs champion v2 200.0 over 60");
    }

    @Test
    void theCanaryRunStartsAtTheFirstAssignmentThatNamedIt() {
        decide(); // #1: v2 alone
        PolicyAssignment c2 =
                PolicyAssignment.newBuilder(history.get(0))
                        .setSequence(2)
                        .setCanary(history.get(0).getChampion())
                        .setCanaryShare(0.2)
                        .setDecidedAtMs(20_000)
                        .build();
        PolicyAssignment paused =
                PolicyAssignment.newBuilder(c2)
                        .setSequence(3)
                        .setMode(AssignmentMode.PAUSED)
                        .setDecidedAtMs(30_000)
                        .build();
        history.add(c2);
        history.add(paused);
        assertThat(ControllerDecisions.canaryStart(paused, history)).isEqualTo(c2);
    }

    @Test
    void aCanaryWithAFailureReportSinceItBecameTheCanaryIsRolledBackNamingTheFailure()
            throws IOException {
        decide(); // #1: v2 champion
        publish(3);
        ope(2, 200, 180);
        ope(3, 200, 195);
        assertThat(decide().kind()).isEqualTo(Kind.GATE_PASSED); // #2: v3 canary, t = 7 s
        live(2, 200, 480, 40);
        live(3, 15, 470, 40); // no verdict from the returns yet

        failures.add(failure(3, 1, 6_000)); // v3 refused under #1, before it was the canary
        failures.add(failure(3, 0, 6_999)); // a hot-swap refusal before the canary's decision
        failures.add(failure(2, 2, 8_000)); // the champion's, not the canary's
        assertThat(decide().kind()).as("no report against this canary run").isEqualTo(Kind.WAITING);

        failures.add(failure(3, 2, 8_000));
        Outcome back = decide();
        assertThat(back.kind()).isEqualTo(Kind.ROLLED_BACK);
        assertThat(back.next().getSequence()).isEqualTo(3);
        assertThat(back.next().getChampion().getVersion()).isEqualTo(2);
        assertThat(back.next().getCanary()).isNull();
        assertThat(back.next().getReason())
                .isEqualTo(
                        "canary v3 rolled back, champion v2 acts alone, 1 failure report (at least"
                                + " 1 roll back): could not load it [CHECKSUM_MISMATCH] from"
                                + " actor-a: v3's files do not match its sha256");
        assertThat(decide().kind()).as("v3 is retired now").isEqualTo(Kind.NOTHING);
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

    /**
     * v2 champion, v3 a canary the controller put in (#2), v4 published with a passing estimate.
     */
    private ControllerDecisions canaryThreeThenFourPublished() throws IOException {
        ControllerDecisions superseding = new ControllerDecisions(SUPERSEDING, CLOCK);
        decide(superseding); // #1: v2 champion
        publish(3);
        ope(2, 200, 180);
        ope(3, 200, 195);
        assertThat(decide(superseding).kind()).isEqualTo(Kind.GATE_PASSED); // #2: v3 canary
        publish(4);
        ope(4, 210, 200);
        return superseding;
    }

    @Test
    void aCanaryStillUndecidedAfterTheReplacementMinimumGivesWayToANewerCandidate()
            throws IOException {
        ControllerDecisions superseding = canaryThreeThenFourPublished();
        live(2, 200, 480, 40);
        live(3, 9, 478, 40);
        assertThat(decide(superseding).kind())
                .as("9 canary episodes: below the replacement minimum of 10")
                .isEqualTo(Kind.WAITING);

        // canary 12 episodes, mean 470, sd 40 → se = 40/√11 ≈ 12.06; champion se = 40/√199 ≈
        // 2.84; d = −10, z·se = 1.645·12.39 ≈ 20.4: d + 20.4 > 0 (no rollback), 12 < N = 50 (no
        // promotion): undecided after 12 ≥ 10 episodes a side → v4 (lower bound 200 ≥ v2's 200 −
        // 10) replaces v3; v2 stays the champion.
        live(3, 12, 470, 40);
        Outcome replaced = decide(superseding);
        assertThat(replaced.kind()).isEqualTo(Kind.SUPERSEDED);
        assertThat(replaced.version()).isEqualTo(4);
        PolicyAssignment a = replaced.next();
        assertThat(a.getSequence()).isEqualTo(3);
        assertThat(a.getChampion().getVersion()).isEqualTo(2);
        assertThat(a.getCanary().getVersion()).isEqualTo(4);
        assertThat(a.getCanary().getSha256())
                .isEqualTo(FakeArtifacts.sha(data.resolve("policies/cp/4")));
        assertThat(a.getCanaryShare()).isEqualTo(0.2);
        assertThat(a.getDecider()).isEqualTo("controller");
        assertThat(a.getReason())
                .startsWith(
                        "canary v3 replaced by v4 as a 20% canary, champion v2 stays: v3 undecided"
                                + " after 12 episodes a side (at least 10 replace it), not decided"
                                + " yet: canary v3 470.0 over 12 episodes vs champion v2 480.0 over"
                                + " 200")
                .endsWith(
                        "; v4's OPE lower bound 200.0 is no worse than v2's estimate 200.0 minus"
                                + " margin 10.0 (dr)");
        assertThat(Stage.of(3, 4, Optional.of(a), history)).isEqualTo(Stage.RETIRED);

        // The new canary run starts at #3: v4's own episodes decide it; none yet → wait.
        Outcome next = decide(superseding);
        assertThat(next.kind()).isEqualTo(Kind.WAITING);
        assertThat(next.note()).startsWith("canary v4: fewer than 10 episodes");
    }

    @Test
    void anUndecidedCanaryStaysWithoutANewerCandidateThatPassesTheGate() throws IOException {
        ControllerDecisions superseding = new ControllerDecisions(SUPERSEDING, CLOCK);
        decide(superseding);
        publish(3);
        ope(2, 200, 180);
        ope(3, 200, 195);
        decide(superseding); // v3 canary
        live(2, 200, 480, 40);
        live(3, 12, 470, 40); // undecided, as above
        assertThat(decide(superseding).kind()).as("no newer candidate").isEqualTo(Kind.WAITING);

        publish(4);
        Outcome noEstimate = decide(superseding);
        assertThat(noEstimate.kind()).as("v4 has no estimate yet").isEqualTo(Kind.WAITING);
        assertThat(noEstimate.note()).startsWith("canary v3: not decided yet");

        ope(4, 195, 189.9); // 189.9 < 200 − 10
        Outcome refused = decide(superseding);
        assertThat(refused.kind()).isEqualTo(Kind.GATE_REFUSED);
        assertThat(refused.version()).isEqualTo(4);
        assertThat(refused.next()).isNull();
        assertThat(history).hasSize(2);
    }

    @Test
    void aCanaryDecidedByItsReturnsIsRolledBackOrPromotedNotReplaced() throws IOException {
        ControllerDecisions superseding = canaryThreeThenFourPublished();
        // Worse with confidence at 12 episodes: d = −470, rolled back although v4 waits.
        live(2, 200, 480, 40);
        live(3, 12, 10, 5);
        assertThat(decide(superseding).kind()).isEqualTo(Kind.ROLLED_BACK);
    }

    @Test
    void noReplacementWhenTheSettingIsOffOrAUserPutTheCanaryIn() throws IOException {
        canaryThreeThenFourPublished();
        live(2, 200, 480, 40);
        live(3, 12, 470, 40); // undecided after 12 episodes a side
        assertThat(decide(decisions).kind())
                .as("controller.canary.supersede-after 0 (CONFIG): the canary runs on")
                .isEqualTo(Kind.WAITING);

        // alice forced v3 in by hand (#2): the canary run's first assignment is hers.
        history.clear();
        PolicyVersions versions = PolicyVersions.read(data, "cp");
        PolicyAssignment alone =
                PolicyAssignment.newBuilder()
                        .setPolicyName("cp")
                        .setSequence(1)
                        .setChampion(versions.verified(2).assigned())
                        .setCanary(null)
                        .setCanaryShare(0.0)
                        .setMode(AssignmentMode.AUTOMATIC)
                        .setReason("controller took over")
                        .setDecider("controller")
                        .setDecidedAtMs(1_000)
                        .build();
        PolicyAssignment byAlice =
                PolicyAssignment.newBuilder(alone)
                        .setSequence(2)
                        .setCanary(versions.verified(3).assigned())
                        .setCanaryShare(0.2)
                        .setReason("manual canary")
                        .setDecider("alice")
                        .setDecidedAtMs(7_000)
                        .build();
        history.add(alone);
        history.add(byAlice);
        assertThat(decide(new ControllerDecisions(SUPERSEDING, CLOCK)).kind())
                .as("a user's canary is judged, never replaced")
                .isEqualTo(Kind.WAITING);
    }

    @Test
    void aNewerCandidateWaitingForItsEstimateDoesNotHoldBackAnEstimatedOne() throws IOException {
        decide(); // v2 champion
        ope(2, 200, 180);
        publish(3);
        publish(4);
        publish(5);
        Outcome none = decide();
        assertThat(none.kind()).as("no candidate has an estimate").isEqualTo(Kind.WAITING);
        assertThat(none.note())
                .isEqualTo("v5 waits for its dr estimate (run 'replayflow ope' on it)");

        // v3 and v4 estimated, v5 not yet: the newest estimated one, v4, is gated now.
        ope(3, 200, 195);
        ope(4, 200, 195);
        Outcome passed = decide();
        assertThat(passed.kind()).isEqualTo(Kind.GATE_PASSED);
        assertThat(passed.next().getCanary().getVersion()).isEqualTo(4);
    }

    @Test
    void theNewestEstimatedCandidateIsGatedEvenWhenItFails() throws IOException {
        decide(); // v2 champion
        ope(2, 200, 180);
        publish(3);
        publish(4);
        ope(3, 200, 195); // would pass
        ope(4, 150, 100); // 100 < 200 − 10
        Outcome refused = decide();
        assertThat(refused.kind())
                .as("v4, the newest estimated, is judged; the older v3 does not jump in")
                .isEqualTo(Kind.GATE_REFUSED);
        assertThat(refused.version()).isEqualTo(4);
    }
}
