package io.replayflow.actor.assign;

import io.replayflow.actor.swap.PolicyFollower;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(2);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final String policyName;
    private final PolicyLoader loader;
    private final PolicySpec spec;
    private final PolicyRouter router;
    private final Duration pollInterval;
    private final AssignmentListener listener;
    private final Map<Long, PolicyRef> loaded = new HashMap<>();
    private Set<Long> previous =
            Set.of(); // the versions of the assignment before the installed one
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long sequence;
    private Thread thread;

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
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
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
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** A follower with its own {@link KafkaConsumer} (settings as {@link PolicyFollower}'s). */
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
                        PolicyFollower.consumerProperties(
                                bootstrapServers, clientId, clientSettings)),
                topic,
                policyName,
                loader,
                router,
                pollInterval,
                listener);
    }

    /** Starts following on a daemon thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("AssignmentFollower already started");
        }
        thread = new Thread(this::run, "replayflow-assignment-follower-" + policyName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until the topic was read to the end it had at start and the latest assignment found was
     * installed (or refused, or there was none).
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The sequence of the assignment installed last (0 before any). */
    public long installedSequence() {
        return sequence;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = assign();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            PolicyAssignment latest = null;
            while (running && !reached(end)) {
                latest = newest(latest, consumer.poll(pollInterval));
            }
            consider(latest);
            caughtUp.countDown();
            LOG.info(
                    "assignment follower caught up with {} for '{}': {}",
                    topic,
                    policyName,
                    sequence == 0 ? "no assignment (newest version acts)" : "#" + sequence);
            while (running) {
                consider(newest(null, consumer.poll(pollInterval)));
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("assignment follower for '{}' woken up unexpectedly", policyName, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error(
                    "assignment follower for '{}' on {} stopped: {}; actors keep assignment #{}",
                    policyName,
                    topic,
                    e.toString(),
                    sequence,
                    e);
        } finally {
            caughtUp.countDown();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private List<TopicPartition> assign() throws InterruptedException {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return partitions;
            }
            LOG.warn(
                    "assignment topic {} does not exist yet; actors act with the newest version"
                            + " until it does (create it, compacted, keyed by policy name)",
                    topic);
            caughtUp.countDown();
            Thread.sleep(TOPIC_RETRY.toMillis());
        }
        throw new WakeupException();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
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
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        } else {
            consumer.wakeup();
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dropUnused(Set.of());
    }
}
