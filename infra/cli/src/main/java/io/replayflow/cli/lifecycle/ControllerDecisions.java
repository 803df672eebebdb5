package io.replayflow.cli.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyFailureKind;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the lifecycle controller decides for one policy from the state it reads: the published
 * versions with their {@code ope.json}, the current assignment and its history, the windows of
 * {@code rf.episodes.stats} and the failure reports of {@code rf.policy.failures}. A pure function
 * of that state, so a restarted controller that reads the same topics makes the same decision (and
 * none twice: a written decision changes the state it reads next).
 *
 * <ol>
 *   <li>No assignment yet: the controller takes the policy over with the newest version as the
 *       champion (what actors act with before any assignment), so later versions pass the gate.
 *   <li>{@code PAUSED}: nothing.
 *   <li>A canary with at least {@link ControllerConfig#failureReports()} failure reports since it
 *       became the canary ({@link PolicyFailures#against}): roll it back, naming the failure.
 *   <li>A canary otherwise: {@link CanaryRules#judge} on the live returns of canary and champion
 *       over the same period, the windows since the canary's assignment ({@link LiveReturns#pool}):
 *       promote it, roll it back, or wait. While it waits, a canary the controller put in that is
 *       still undecided after {@link ControllerConfig#supersedeEpisodes()} episodes a side gives
 *       its place to the newest candidate, newer than it, that passes the gate (step 5's gate; the
 *       champion stays).
 *   <li>No canary: the newest {@link Stage#CANDIDATE} with an OPE estimate (a newer one still
 *       waiting for its estimate does not hold it back) goes through {@link CanaryRules#gate}
 *       against the champion's estimate of the same method (its live mean return when it has none)
 *       and, when it passes and its artifact verifies, becomes the canary on {@link
 *       ControllerConfig#canaryShare()} of the episodes.
 * </ol>
 */
public final class ControllerDecisions {

    /** Who the controller's assignments name as their decider. */
    public static final String DECIDER = "controller";

    /** What a pass decided for one policy. */
    public enum Kind {
        TOOK_OVER,
        GATE_PASSED,
        GATE_REFUSED,
        PROMOTED,
        ROLLED_BACK,
        SUPERSEDED,
        WAITING,
        PAUSED,
        NOTHING;

        /** The label of the decisions metric. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether this kind writes a new assignment. */
        public boolean writes() {
            return this == TOOK_OVER
                    || this == GATE_PASSED
                    || this == PROMOTED
                    || this == ROLLED_BACK
                    || this == SUPERSEDED;
        }
    }

    /**
     * @param kind what was decided
     * @param next the assignment to write (null when {@code kind} writes none)
     * @param note the reason in words
     * @param version the version decided about (the candidate, the canary; 0 when none)
     */
    public record Outcome(Kind kind, PolicyAssignment next, String note, long version) {}

    private final ControllerConfig config;
    private final InstantSource clock;

    public ControllerDecisions(ControllerConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * The decision for one policy.
     *
     * @param latest the assignment with the highest sequence (current topic or history)
     * @param history every assignment of the policy, oldest first
     * @param windows the windows of the episode statistics
     * @param failures the failure reports (of every policy; those of this one are picked)
     */
    public Outcome decide(
            PolicyVersions versions,
            Optional<PolicyAssignment> latest,
            List<PolicyAssignment> history,
            List<EpisodeStats> windows,
            List<PolicyFailure> failures) {
        if (latest.isEmpty()) {
            PublishedVersion newest = versions.newest();
            return write(
                    Kind.TOOK_OVER,
                    versions.policyName(),
                    0,
                    newest.assigned(),
                    null,
                    String.format(
                            Locale.ROOT,
                            "controller took over: v%d, the newest version, is the champion; later"
                                    + " versions pass the OPE gate first",
                            newest.version()),
                    newest.version());
        }
        PolicyAssignment a = latest.get();
        if (a.getMode() == AssignmentMode.PAUSED) {
            return new Outcome(Kind.PAUSED, null, "paused: the CLI decides", 0);
        }
        if (a.getCanary() != null) {
            return judge(a, canaryStart(a, history), versions, history, windows, failures);
        }
        Gated g = gateNewest(versions, a, history, windows);
        if (g.passed() == null) {
            return g.notPassed();
        }
        PublishedVersion c = g.passed();
        return write(
                Kind.GATE_PASSED,
                versions.policyName(),
                a.getSequence(),
                a.getChampion(),
                c.assigned(),
                String.format(
                        Locale.ROOT,
                        "v%d passed the gate as a %.0f%% canary: %s (%s)",
                        c.version(),
                        config.canaryShare() * 100,
                        g.reason(),
                        config.opeMethod()),
                c.version());
    }

    /**
     * The newest candidate through the gate: {@code passed} (verified) with the gate's reason, or
     * the outcome that says why none passed (writing nothing).
     */
    private record Gated(PublishedVersion passed, String reason, Outcome notPassed) {
        /** None passed, for the reason {@code note} (an outcome that writes nothing). */
        static Gated not(Kind kind, String note, long version) {
            return new Gated(null, null, new Outcome(kind, null, note, version));
        }
    }

    /** Step 5: the newest candidate of {@code a}'s policy against {@code a}'s champion. */
    private Gated gateNewest(
            PolicyVersions versions,
            PolicyAssignment a,
            List<PolicyAssignment> history,
            List<EpisodeStats> windows) {
        long champion = a.getChampion().getVersion();
        String method = config.opeMethod();
        Optional<PublishedVersion> candidate = gateCandidate(versions, a, history, method);
        if (candidate.isEmpty()) {
            return Gated.not(Kind.NOTHING, "no candidate after v" + champion, 0);
        }
        PublishedVersion c = candidate.get();
        JsonNode estimate = c.estimate(method);
        if (!hasLowerBound(estimate)) {
            return Gated.not(
                    Kind.WAITING,
                    String.format(
                            Locale.ROOT,
                            "v%d waits for its %s estimate (run 'replayflow ope' on it)",
                            c.version(),
                            method),
                    c.version());
        }
        Map<Long, LiveReturn> live = LiveReturns.pool(windows, Long.MIN_VALUE);
        Double championEstimate = championEstimate(versions, champion, live);
        if (championEstimate == null) {
            return Gated.not(
                    Kind.WAITING,
                    String.format(
                            Locale.ROOT,
                            "v%d waits: champion v%d has neither a %s estimate nor live episodes",
                            c.version(),
                            champion,
                            method),
                    c.version());
        }
        CanaryRules.Decision gate =
                config.rules()
                        .gate(
                                c.version(),
                                estimate.path("low").asDouble(),
                                champion,
                                championEstimate);
        if (gate.verdict() != CanaryRules.Verdict.PROMOTE) {
            return Gated.not(
                    Kind.GATE_REFUSED,
                    "v"
                            + c.version()
                            + " stays a candidate: "
                            + gate.reason()
                            + " ("
                            + method
                            + ")",
                    c.version());
        }
        try {
            return new Gated(versions.verified(c.version()), gate.reason(), null);
        } catch (IllegalArgumentException e) {
            return Gated.not(Kind.GATE_REFUSED, e.getMessage(), c.version());
        }
    }

    /**
     * The assignment that began the current canary run: the earliest of the unbroken run of
     * assignments, ending at {@code a}, whose canary is {@code a}'s.
     */
    static PolicyAssignment canaryStart(PolicyAssignment a, List<PolicyAssignment> history) {
        long canary = a.getCanary().getVersion();
        PolicyAssignment start = a;
        for (int i = history.size() - 1; i >= 0; i--) {
            PolicyAssignment h = history.get(i);
            if (h.getSequence() >= start.getSequence()) {
                continue;
            }
            if (h.getCanary() == null || h.getCanary().getVersion() != canary) {
                break;
            }
            start = h;
        }
        return start;
    }

    private Outcome judge(
            PolicyAssignment a,
            PolicyAssignment start,
            PolicyVersions versions,
            List<PolicyAssignment> history,
            List<EpisodeStats> windows,
            List<PolicyFailure> failures) {
        long canary = a.getCanary().getVersion();
        long champion = a.getChampion().getVersion();
        List<PolicyFailure> against =
                PolicyFailures.against(failures, a.getPolicyName(), canary, start);
        if (against.size() >= config.failureReports()) {
            PolicyFailure first = against.get(0);
            return write(
                    Kind.ROLLED_BACK,
                    a.getPolicyName(),
                    a.getSequence(),
                    a.getChampion(),
                    null,
                    String.format(
                            Locale.ROOT,
                            "canary v%d rolled back, champion v%d acts alone, %d failure"
                                    + " report%s (at least %d roll back): %s %s from %s: %s",
                            canary,
                            champion,
                            against.size(),
                            against.size() == 1 ? "" : "s",
                            config.failureReports(),
                            first.getKind() == PolicyFailureKind.SWAP
                                    ? "could not load it"
                                    : "could not act with it",
                            "[" + first.getReason() + "]",
                            first.getReporter(),
                            first.getMessage()),
                    canary);
        }
        // The same period for both: the champion's episodes from before the canary would compare
        // the canary against another time (another load, another share of hard starts).
        Map<Long, LiveReturn> live = LiveReturns.pool(windows, start.getDecidedAtMs());
        CanaryRules.Decision d =
                config.rules().judge(canary, live.get(canary), champion, live.get(champion));
        return switch (d.verdict()) {
            case PROMOTE ->
                    write(
                            Kind.PROMOTED,
                            a.getPolicyName(),
                            a.getSequence(),
                            a.getCanary(),
                            null,
                            "canary v" + canary + " promoted over v" + champion + ", " + d.reason(),
                            canary);
            case ROLL_BACK ->
                    write(
                            Kind.ROLLED_BACK,
                            a.getPolicyName(),
                            a.getSequence(),
                            a.getChampion(),
                            null,
                            "canary v"
                                    + canary
                                    + " rolled back, champion v"
                                    + champion
                                    + " acts alone, "
                                    + d.reason(),
                            canary);
            case WAIT -> {
                Outcome waiting =
                        new Outcome(
                                Kind.WAITING,
                                null,
                                "canary v" + canary + ": " + d.reason(),
                                canary);
                yield supersede(a, start, live, versions, history, windows, d, waiting);
            }
        };
    }

    /**
     * A canary still undecided after {@link ControllerConfig#supersedeEpisodes()} episodes a side
     * gives its place to the newest candidate, newer than it, that passes the gate; the champion
     * stays. Never a canary a user put in, never a candidate older than the canary. Otherwise
     * {@code waiting} (or the candidate's refusal, so that it is heard).
     */
    private Outcome supersede(
            PolicyAssignment a,
            PolicyAssignment start,
            Map<Long, LiveReturn> live,
            PolicyVersions versions,
            List<PolicyAssignment> history,
            List<EpisodeStats> windows,
            CanaryRules.Decision undecided,
            Outcome waiting) {
        long after = config.supersedeEpisodes();
        long canary = a.getCanary().getVersion();
        if (after == 0 || !DECIDER.equals(start.getDecider())) {
            return waiting;
        }
        long n =
                Math.min(
                        episodes(live.get(canary)),
                        episodes(live.get(a.getChampion().getVersion())));
        if (n < after) {
            return waiting;
        }
        Gated g = gateNewest(versions, a, history, windows);
        if (g.passed() == null) {
            Outcome why = g.notPassed();
            return why.kind() == Kind.GATE_REFUSED && why.version() > canary ? why : waiting;
        }
        PublishedVersion c = g.passed();
        if (c.version() <= canary) {
            return waiting;
        }
        return write(
                Kind.SUPERSEDED,
                a.getPolicyName(),
                a.getSequence(),
                a.getChampion(),
                c.assigned(),
                String.format(
                        Locale.ROOT,
                        "canary v%d replaced by v%d as a %.0f%% canary, champion v%d stays: v%d"
                            + " undecided after %d episodes a side (at least %d replace it), %s; %s"
                            + " (%s)",
                        canary,
                        c.version(),
                        config.canaryShare() * 100,
                        a.getChampion().getVersion(),
                        canary,
                        n,
                        after,
                        undecided.reason(),
                        g.reason(),
                        config.opeMethod()),
                c.version());
    }

    private static long episodes(LiveReturn r) {
        return r == null ? 0 : r.episodes();
    }

    /**
     * The candidate that goes through the gate, in one walk from the newest version down: the
     * newest {@link Stage#CANDIDATE} (published after the champion, never assigned) with a {@code
     * method} estimate (a numeric lower bound), so that an older one already estimated is not held
     * back behind a newer one still waiting for its own; else the newest candidate, which then
     * waits for its estimate; empty when there is no candidate.
     */
    private static Optional<PublishedVersion> gateCandidate(
            PolicyVersions versions,
            PolicyAssignment latest,
            List<PolicyAssignment> history,
            String method) {
        long newest = versions.newest().version();
        List<PublishedVersion> all = versions.all();
        PublishedVersion newestCandidate = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            PublishedVersion v = all.get(i);
            if (Stage.of(v.version(), newest, Optional.of(latest), history) != Stage.CANDIDATE) {
                continue;
            }
            if (hasLowerBound(v.estimate(method))) {
                return Optional.of(v);
            }
            if (newestCandidate == null) {
                newestCandidate = v;
            }
        }
        return Optional.ofNullable(newestCandidate);
    }

    private static boolean hasLowerBound(JsonNode estimate) {
        return estimate != null && estimate.path("low").isNumber();
    }

    private Double championEstimate(
            PolicyVersions versions, long champion, Map<Long, LiveReturn> live) {
        JsonNode e = versions.find(champion).map(v -> v.estimate(config.opeMethod())).orElse(null);
        if (e != null) {
            return e.path("value").asDouble();
        }
        LiveReturn r = live.get(champion);
        return r == null ? null : r.mean();
    }

    private Outcome write(
            Kind kind,
            String policy,
            long sequence,
            AssignedVersion champion,
            AssignedVersion canary,
            String reason,
            long version) {
        PolicyAssignment next =
                PolicyAssignment.newBuilder()
                        .setPolicyName(policy)
                        .setSequence(sequence + 1)
                        .setChampion(champion)
                        .setCanary(canary)
                        .setCanaryShare(canary == null ? 0.0 : config.canaryShare())
                        .setMode(AssignmentMode.AUTOMATIC)
                        .setReason(reason)
                        .setDecider(DECIDER)
                        .setDecidedAtMs(clock.millis())
                        .build();
        return new Outcome(kind, next, reason, version);
    }
}
