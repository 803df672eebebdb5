package io.replayflow.actor.assign;

import io.replayflow.actor.follow.CompactedTopicFollower;
import io.replayflow.policy.AnnouncedPolicy;
import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicySpec;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.assign.PolicyRouter.Routing;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.PolicyAssignment;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code rf.policy.assignments} topic for one policy name and installs each
 * newer assignment (higher sequence) into a {@link PolicyRouter}: it loads the champion and the
 * canary through the {@link PolicyLoader} (the same verification as a hot-swap: the artifact's
 * digest must match the assignment's {@code sha256}), keeping one loaded model per version. The
 * versions of the assignment before the installed one stay loaded too, so the usual next steps —
 * rolling back to the champion a canary or promotion replaced, promoting a canary just dropped —
 * need no model load (loads were most of the time from a decision to every actor following it:
 * {@code bench assignments}); any other model is dropped (it closes when its last episode ends).
 *
 * <p>A refused champion keeps the previous routing; a refused canary installs the champion alone.
 * Both are reported to the {@link AssignmentListener}. An older version is loaded like any other:
 * rollback may return to it (version numbers themselves never go backwards; the trainer never
 * reuses one).
 *
 * <p>Threads: {@link #start()} runs the consumer on its own daemon thread, the only thread that
 * touches it and the loaded models map. {@link #close()} stops it and releases the models.
 */
public final class AssignmentFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentFollower.class);

    private final CompactedTopicFollower follower;
    private final String policyName;
    private final PolicyLoader loader;
    private final PolicySpec spec;
    private final PolicyRouter router;
    private final AssignmentListener listener;
    private final Map<Long, PolicyRef> loaded = new HashMap<>();
    private Set<Long> previous =
            Set.of(); // the versions of the assignment before the installed one
    private PolicyAssignment newest; // collected since the last apply; the follower's thread only
    private volatile long sequence;

    /**
     * @param consumer a consumer this follower owns and closes (assigned, no group, no commits)
     * @param loader verifies and loads each assigned version; its spec names the observation shape
     *     and number of actions the assigned artifacts must have
     */
    public AssignmentFollower(
            Consumer<byte[], byte[]> consumer,
            String topic,
            String policyName,
            PolicyLoader loader,
            PolicyRouter router,
            Duration pollInterval,
            AssignmentListener listener) {
        this.policyName = Objects.requireNonNull(policyName, "policyName");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.spec =
                loader.spec()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "an assignment follower's loader needs a reader"
                                                        + " spec (PolicyLoader.tensorFlow)"));
        this.router = Objects.requireNonNull(router, "router");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.follower =
                new CompactedTopicFollower(
                        consumer,
                        topic,
                        "assignment follower for '" + policyName + "'",
                        pollInterval,
                        new CompactedTopicFollower.Reader() {
                            @Override
                            public void collect(ConsumerRecords<byte[], byte[]> records) {
                                newest = newest(newest, records);
                            }

                            @Override
                            public void apply() {
                                PolicyAssignment latest = newest;
                                newest = null;
                                consider(latest);
                            }

                            @Override
                            public String state() {
                                return sequence == 0
                                        ? "actors act with the newest version (no assignment)"
                                        : "actors keep assignment #" + sequence;
                            }
                        },
                        true);
    }

    /**
     * A follower with its own {@link KafkaConsumer} ({@link CompactedTopicFollower}'s settings).
     */
    public static AssignmentFollower create(
            String bootstrapServers,
            Map<String, String> clientSettings,
            String clientId,
            String topic,
            String policyName,
            PolicyLoader loader,
            PolicyRouter router,
            Duration pollInterval,
            AssignmentListener listener) {
        return new AssignmentFollower(
                new KafkaConsumer<>(
                        CompactedTopicFollower.consumerProperties(
                                bootstrapServers, clientId, clientSettings)),
                topic,
                policyName,
                loader,
                router,
                pollInterval,
                listener);
    }

    /** Starts following on a daemon thread. */
    public void start() {
        follower.start("replayflow-assignment-follower-" + policyName);
    }

    /**
     * Waits until the topic was read to the end it had at start and the latest assignment found was
     * installed (or refused, or there was none).
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** The sequence of the assignment installed last (0 before any). */
    public long installedSequence() {
        return sequence;
    }

    private PolicyAssignment newest(
            PolicyAssignment best, Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PolicyAssignment a = AssignmentLog.decode(record, policyName).orElse(null);
            if (a != null && (best == null || a.getSequence() >= best.getSequence())) {
                best = a;
            }
        }
        return best;
    }

    /** Installs {@code assignment} if it is newer than the installed one. */
    void consider(PolicyAssignment assignment) {
        if (assignment == null || assignment.getSequence() <= sequence) {
            return;
        }
        long started = System.nanoTime();
        PolicyRef champion;
        try {
            champion = load(assignment.getChampion());
        } catch (PolicyRejectedException e) {
            refused(assignment, assignment.getChampion().getVersion(), e);
            return;
        }
        PolicyRef canary = null;
        double share = 0.0;
        if (assignment.getCanary() != null) {
            try {
                canary = load(assignment.getCanary());
                share = assignment.getCanaryShare();
            } catch (PolicyRejectedException e) {
                refused(assignment, assignment.getCanary().getVersion(), e);
            }
        }
        router.install(new Routing(champion, canary, share, assignment.getSequence()));
        sequence = assignment.getSequence();
        Set<Long> assigned =
                canary == null
                        ? Set.of(champion.version())
                        : Set.of(champion.version(), canary.version());
        Set<Long> keep = new HashSet<>(assigned);
        keep.addAll(previous);
        dropUnused(keep);
        previous = assigned;
        long nanos = System.nanoTime() - started;
        LOG.info(
                "policy '{}' assignment #{} installed: champion v{}{} ({}, by {})",
                policyName,
                sequence,
                champion.version(),
                canary == null ? "" : ", canary v" + canary.version() + " at " + share,
                assignment.getReason(),
                assignment.getDecider());
        listener.onAssigned(assignment, nanos);
    }

    private PolicyRef load(AssignedVersion assigned) throws PolicyRejectedException {
        PolicyRef ref = loaded.get(assigned.getVersion());
        if (ref != null) {
            return ref;
        }
        Policy policy =
                loader.load(
                        new AnnouncedPolicy(
                                policyName,
                                assigned.getVersion(),
                                assigned.getUri(),
                                assigned.getSha256(),
                                spec.observationShape(),
                                spec.numActions()));
        ref = PolicyRef.of(policy);
        loaded.put(assigned.getVersion(), ref);
        return ref;
    }

    private void dropUnused(Set<Long> used) {
        loaded.entrySet()
                .removeIf(
                        e -> {
                            if (used.contains(e.getKey())) {
                                return false;
                            }
                            e.getValue().release();
                            return true;
                        });
    }

    private void refused(PolicyAssignment assignment, long version, PolicyRejectedException e) {
        LOG.warn(
                "policy '{}' assignment #{}: v{} refused [{}]: {}",
                policyName,
                assignment.getSequence(),
                version,
                e.reason(),
                e.getMessage());
        listener.onRefused(assignment, version, e);
    }

    /** Stops following, waits for the consumer thread and releases the loaded models. */
    @Override
    public void close() {
        follower.close();
        dropUnused(Set.of());
    }
}
