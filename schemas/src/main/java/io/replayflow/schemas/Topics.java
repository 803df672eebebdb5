package io.replayflow.schemas;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Kafka topic names of one ReplayFlow deployment. The defaults ({@code rf.transitions}, ...)
 * are a fixed contract; a prefix replaces {@code rf.} so several deployments can share a cluster.
 *
 * <pre>{@code
 * Topics topics = Topics.withPrefix("team-a.");   // team-a.transitions, team-a.policies, ...
 * }</pre>
 *
 * @param prefix prepended to every base name, e.g. {@code "rf."}
 */
public record Topics(String prefix) {

    /** The prefix of the fixed default names. */
    public static final String DEFAULT_PREFIX = "rf.";

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "topic prefix '"
                            + prefix
                            + "' has characters Kafka does not allow in topic names: use only"
                            + " letters, digits, '.', '_' and '-' (e.g. 'rf.' or 'team-a.')");
        }
        if (prefix.length() > 200) {
            throw new IllegalArgumentException(
                    "topic prefix is "
                            + prefix.length()
                            + " characters long; Kafka topic names stop at 249, keep the prefix"
                            + " under 200");
        }
    }

    /** The fixed defaults: {@code rf.transitions}, {@code rf.policies}, ... */
    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public static Topics withPrefix(String prefix) {
        return new Topics(prefix);
    }

    /** Raw transitions from actors (Transition, single-object encoded). */
    public String transitions() {
        return prefix + "transitions";
    }

    /** Records ingest could not accept (DeadLetter with a reason). */
    public String deadLetters() {
        return prefix + "transitions.dlq";
    }

    /** Valid, deduplicated transitions for the replay-store job. */
    public String cleanTransitions() {
        return prefix + "transitions.clean";
    }

    /** One EpisodeSummary per finished episode. */
    public String episodes() {
        return prefix + "episodes";
    }

    /**
     * EpisodeStats: per env and policy version, the episodes that ended in one event-time window.
     * Its own topic, so every topic carries one record type.
     */
    public String episodeStats() {
        return prefix + "episodes.stats";
    }

    /** PriorityUpdates from trainers. */
    public String priorities() {
        return prefix + "priorities";
    }

    /** PolicyVersions; compacted, keyed by policy name. */
    public String policies() {
        return prefix + "policies";
    }

    /**
     * PolicyAssignments: what acts for each policy name now. Compacted, keyed by policy name, one
     * partition (the latest assignment per name survives).
     */
    public String assignments() {
        return prefix + "policy.assignments";
    }

    /**
     * Every PolicyAssignment ever written, keyed by policy name and never compacted: the audit
     * trail of who promoted or rolled back what, when and why.
     */
    public String assignmentHistory() {
        return prefix + "policy.assignments.history";
    }

    /**
     * PolicyFailures: versions actors or decision services could not load, verify or act with,
     * keyed by policy name. The lifecycle controller rolls back a canary with failure reports.
     */
    public String policyFailures() {
        return prefix + "policy.failures";
    }

    /** Decisions of the decision service (Decision, keyed by session id). */
    public String decisions() {
        return prefix + "decisions";
    }

    /** Rewards and session ends received by the decision service (Outcome, keyed by session id). */
    public String outcomes() {
        return prefix + "outcomes";
    }

    /**
     * Whether {@code name} is one of the compacted, single-partition topics keyed by policy name
     * ({@link #policies()}, {@link #assignments()}): the latest record per name is the state.
     */
    public boolean compacted(String name) {
        return policies().equals(name) || assignments().equals(name);
    }

    /** Every topic, in a stable order. */
    public List<String> all() {
        return List.of(
                transitions(),
                deadLetters(),
                cleanTransitions(),
                episodes(),
                episodeStats(),
                priorities(),
                policies(),
                decisions(),
                outcomes(),
                assignments(),
                assignmentHistory(),
                policyFailures());
    }
}
