package io.replayflow.cli.lifecycle;

import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The assignments the {@code policy} verbs write: each takes the current assignment (if any), the
 * published versions and the history, and returns the next assignment (sequence + 1) or refuses
 * with an {@link IllegalArgumentException} naming the problem and the fix.
 *
 * <p>Without an assignment the newest published version acts (actors' behaviour before
 * assignments), so it counts as the champion here.
 */
public final class ManualDecisions {
    private final PolicyVersions versions;
    private final Optional<PolicyAssignment> current;
    private final List<PolicyAssignment> history;
    private final String decider;
    private final InstantSource clock;

    public ManualDecisions(
            PolicyVersions versions,
            Optional<PolicyAssignment> current,
            List<PolicyAssignment> history,
            String decider,
            InstantSource clock) {
        this.versions = versions;
        this.current = current;
        this.history = List.copyOf(history);
        this.decider = decider;
        this.clock = clock;
    }

    /** The version acting every non-canary episode now. */
    public long champion() {
        return current.map(a -> a.getChampion().getVersion()).orElse(versions.newest().version());
    }

    /** {@code VERSION} becomes the champion, replacing any canary. */
    public PolicyAssignment promote(long version) {
        PublishedVersion v = versions.verified(version);
        return next(v, null, 0.0, mode(), "v" + version + " promoted to champion by hand");
    }

    /** {@code VERSION} acts {@code share} of the episodes beside the current champion. */
    public PolicyAssignment canary(long version, double share) {
        if (!(share > 0.0 && share < 1.0)) {
            throw new IllegalArgumentException(
                    "--canary "
                            + share
                            + " is outside (0, 1): give the canary's share of episodes, e.g. 0.2");
        }
        PublishedVersion v = versions.verified(version);
        long champion = champion();
        if (champion == version) {
            throw new IllegalArgumentException(
                    "v" + version + " is the champion already; a canary must be another version");
        }
        return next(
                versions.verified(champion),
                v,
                share,
                mode(),
                String.format(
                        Locale.ROOT,
                        "v%d as a %.0f%% canary beside champion v%d, by hand",
                        version,
                        share * 100,
                        champion));
    }

    /**
     * Without {@code to}: drops the canary if there is one, else returns to the previous champion
     * (the one before the current in the history, or the next older published version). With {@code
     * to}: that version becomes the champion alone.
     */
    public PolicyAssignment rollback(Long to) {
        if (to != null) {
            return next(
                    versions.verified(to), null, 0.0, mode(), "rolled back to v" + to + " by hand");
        }
        PolicyAssignment now = current.orElse(null);
        if (now != null && now.getCanary() != null) {
            long canary = now.getCanary().getVersion();
            return next(
                    versions.verified(champion()),
                    null,
                    0.0,
                    mode(),
                    "canary v"
                            + canary
                            + " rolled back by hand; champion v"
                            + champion()
                            + " acts");
        }
        long previous = previousChampion();
        return next(
                versions.verified(previous),
                null,
                0.0,
                mode(),
                "champion v" + champion() + " rolled back to v" + previous + " by hand");
    }

    /** Same versions, {@code mode} (PAUSED stops the controller, AUTOMATIC lets it decide). */
    public PolicyAssignment mode(AssignmentMode mode) {
        PolicyAssignment now = current.orElse(null);
        PublishedVersion champion = versions.verified(champion());
        PublishedVersion canary =
                now == null || now.getCanary() == null
                        ? null
                        : versions.verified(now.getCanary().getVersion());
        return next(
                champion,
                canary,
                canary == null ? 0.0 : now.getCanaryShare(),
                mode,
                mode == AssignmentMode.PAUSED
                        ? "automatic decisions paused by hand"
                        : "automatic decisions resumed by hand");
    }

    private long previousChampion() {
        long champion = champion();
        for (int i = history.size() - 1; i >= 0; i--) {
            long v = history.get(i).getChampion().getVersion();
            if (v != champion && versions.find(v).isPresent()) {
                return v;
            }
        }
        return versions.all().stream()
                .mapToLong(PublishedVersion::version)
                .filter(v -> v < champion)
                .max()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "policy '"
                                                + versions.policyName()
                                                + "' has no version before champion v"
                                                + champion
                                                + " to roll back to; promote another with"
                                                + " 'policy promote'"));
    }

    private AssignmentMode mode() {
        return current.map(PolicyAssignment::getMode).orElse(AssignmentMode.AUTOMATIC);
    }

    private PolicyAssignment next(
            PublishedVersion champion,
            PublishedVersion canary,
            double share,
            AssignmentMode mode,
            String reason) {
        return PolicyAssignment.newBuilder()
                .setPolicyName(versions.policyName())
                .setSequence(current.map(PolicyAssignment::getSequence).orElse(0L) + 1)
                .setChampion(champion.assigned())
                .setCanary(canary == null ? null : canary.assigned())
                .setCanaryShare(share)
                .setMode(mode)
                .setReason(reason)
                .setDecider(decider)
                .setDecidedAtMs(clock.millis())
                .build();
    }
}
