package io.replayflow.actor.swap;

import io.replayflow.actor.follow.CompactedTopicFollower;
import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code rf.policies} topic for one policy name and hot-swaps every actor's
 * {@link PolicyHolder} to each newer version that passes the {@link PolicyLoader}'s checks.
 *
 * <p>At start it reads the topic from the beginning to its current end and loads only the newest
 * version found (then {@link #awaitCaughtUp} returns); afterwards it follows live. When several
 * newer versions arrive in one poll it tries the newest first and falls back to the next newest
 * only if that one is refused. A version not newer than the installed one is ignored: actors never
 * go back to an older version number (roll back by republishing an old artifact under a new
 * version). A refused version keeps the current one, logs one line with the reason and is reported
 * to the {@link SwapListener}.
 *
 * <p>One model is loaded per version and shared by all holders; it is closed when the last holder
 * and the last in-flight act let go of it ({@link PolicyRef}).
 *
 * <p>Threads: {@link #start()} runs the consumer on its own daemon thread, the only thread that
 * touches the consumer. {@link #close()} stops it (from any thread) and waits for it.
 */
public final class PolicyFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFollower.class);

    private final CompactedTopicFollower follower;
    private final String policyName;
    private final PolicyLoader loader;
    private final List<PolicyHolder> holders;
    private final SwapListener listener;
    private final SingleObjectSerde<PolicyVersion> serde =
            SingleObjectSerde.forClass(PolicyVersion.class);
    private final List<PolicyVersion> collected = new ArrayList<>(); // the follower's thread
    private volatile long installed;

    /**
     * @param consumer a consumer this follower owns and closes; it is assigned the topic's
     *     partitions (no consumer group, no commits)
     * @param holders every actor's holder; they must all hold the same version now
     * @param pollInterval the longest a poll waits for new records
     */
    public PolicyFollower(
            Consumer<byte[], byte[]> consumer,
            String topic,
            String policyName,
            PolicyLoader loader,
            List<PolicyHolder> holders,
            Duration pollInterval,
            SwapListener listener) {
        this.policyName = Objects.requireNonNull(policyName, "policyName");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.holders = List.copyOf(holders);
        this.listener = Objects.requireNonNull(listener, "listener");
        if (this.holders.isEmpty()) {
            throw new IllegalArgumentException("PolicyFollower needs at least one holder");
        }
        this.installed = this.holders.stream().mapToLong(PolicyHolder::version).max().orElse(0);
        this.follower =
                new CompactedTopicFollower(
                        consumer,
                        topic,
                        "policy follower for '" + policyName + "'",
                        pollInterval,
                        new CompactedTopicFollower.Reader() {
                            @Override
                            public void collect(ConsumerRecords<byte[], byte[]> records) {
                                collected.addAll(matching(records));
                            }

                            @Override
                            public void apply() {
                                if (!collected.isEmpty()) {
                                    install(List.copyOf(collected));
                                    collected.clear();
                                }
                            }

                            @Override
                            public String state() {
                                return "actors act with v" + installed;
                            }
                        },
                        false);
    }

    /**
     * A follower with its own {@link KafkaConsumer}.
     *
     * @param clientSettings further consumer settings (security...), see {@link
     *     CompactedTopicFollower#consumerProperties(String, String, Map)}
     */
    public static PolicyFollower create(
            String bootstrapServers,
            Map<String, String> clientSettings,
            String clientId,
            String topic,
            String policyName,
            PolicyLoader loader,
            List<PolicyHolder> holders,
            Duration pollInterval,
            SwapListener listener) {
        return new PolicyFollower(
                new KafkaConsumer<>(
                        CompactedTopicFollower.consumerProperties(
                                bootstrapServers, clientId, clientSettings)),
                topic,
                policyName,
                loader,
                holders,
                pollInterval,
                listener);
    }

    /** Starts following on a daemon thread. */
    public void start() {
        follower.start("replayflow-policy-follower-" + policyName);
    }

    /**
     * Waits until the topic has been read to the end it had at start and the newest version found
     * was loaded (or refused).
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** The newest version installed in the holders (0 before any). */
    public long installedVersion() {
        return installed;
    }

    private List<PolicyVersion> matching(ConsumerRecords<byte[], byte[]> records) {
        List<PolicyVersion> found = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() == null) {
                continue; // a tombstone: compaction deleting a policy name
            }
            try {
                PolicyVersion announced = serde.decode(record.value());
                if (policyName.equals(announced.getPolicyName())) {
                    found.add(announced);
                }
            } catch (DecodeException e) {
                LOG.warn(
                        "skipping undecodable record {}-{}@{}: {} ({})",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage(),
                        e.reason());
            }
        }
        return found;
    }

    /** Installs the newest acceptable version of {@code found}, newest first. */
    void install(List<PolicyVersion> found) {
        Map<Long, PolicyVersion> byVersion = new TreeMap<>(Comparator.reverseOrder());
        for (PolicyVersion announced : found) {
            byVersion.put(announced.getVersion(), announced); // the last announcement wins
        }
        for (PolicyVersion announced : byVersion.values()) {
            long version = announced.getVersion();
            if (version <= installed) {
                LOG.info(
                        "ignoring policy '{}' v{}: actors already act with v{} and never go back"
                                + " to an older version (republish an old artifact as a new"
                                + " version to roll back)",
                        policyName,
                        version,
                        installed);
                listener.onIgnored(version, installed);
                continue;
            }
            if (tryInstall(announced)) {
                return;
            }
        }
    }

    private boolean tryInstall(PolicyVersion announced) {
        long version = announced.getVersion();
        long started = System.nanoTime();
        Policy policy;
        try {
            policy = loader.load(announced);
        } catch (PolicyRejectedException e) {
            LOG.warn(
                    "policy swap refused: '{}' v{} [{}]: {}. Actors keep acting with v{}.",
                    policyName,
                    version,
                    e.reason(),
                    e.getMessage(),
                    installed);
            listener.onSwapFailed(version, installed, e);
            return false;
        }
        long loadNanos = System.nanoTime() - started;
        PolicyRef ref = PolicyRef.of(policy);
        try {
            for (PolicyHolder holder : holders) {
                holder.offer(ref);
            }
        } finally {
            ref.release(); // the holders keep their own references
        }
        installed = version;
        LOG.info(
                "policy '{}' v{} swapped in ({} ms to verify, load and warm up): {}",
                policyName,
                version,
                loadNanos / 1_000_000,
                policy);
        listener.onSwapped(version, loadNanos);
        return true;
    }

    /** Stops following and waits for the consumer thread to close the consumer. */
    @Override
    public void close() {
        follower.close();
    }
}
