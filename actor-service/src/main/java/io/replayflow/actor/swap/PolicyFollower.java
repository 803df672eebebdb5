package io.replayflow.actor.swap;

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
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(2);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final String policyName;
    private final PolicyLoader loader;
    private final List<PolicyHolder> holders;
    private final Duration pollInterval;
    private final SwapListener listener;
    private final SingleObjectSerde<PolicyVersion> serde =
            SingleObjectSerde.forClass(PolicyVersion.class);
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long installed;
    private Thread thread;

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
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.policyName = Objects.requireNonNull(policyName, "policyName");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.holders = List.copyOf(holders);
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (this.holders.isEmpty()) {
            throw new IllegalArgumentException("PolicyFollower needs at least one holder");
        }
        this.installed = this.holders.stream().mapToLong(PolicyHolder::version).max().orElse(0);
    }

    /**
     * The fetch wait of followers and topic readers, in ms, unless a client setting says otherwise.
     */
    static final int FETCH_MAX_WAIT_MS = 50;

    /** Consumer settings for following {@code rf.policies} (no group, nothing committed). */
    public static Properties consumerProperties(String bootstrapServers, String clientId) {
        return consumerProperties(bootstrapServers, clientId, Map.of());
    }

    /**
     * As {@link #consumerProperties(String, String)}, over {@code clientSettings} (security and
     * other client settings); the follower's own settings above win.
     */
    public static Properties consumerProperties(
            String bootstrapServers, String clientId, Map<String, String> clientSettings) {
        Properties props = new Properties();
        // Readers of these small topics read to their end (AssignmentLog, TopicSnapshot): with the
        // consumer's default 500 ms fetch wait, each such read waited about that long for its last
        // fetch, and a lifecycle decision (two reads) took ~1.2 s instead of ~0.35 s (bench
        // assignments). An idle follower pays 20 small fetches a second. A client setting may
        // still override it.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(FETCH_MAX_WAIT_MS));
        props.putAll(clientSettings);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Never create the policies topic by asking for it: it must be compacted.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }

    /**
     * A follower with its own {@link KafkaConsumer}.
     *
     * @param clientSettings further consumer settings (security...), see {@link
     *     #consumerProperties(String, String, Map)}
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
                new KafkaConsumer<>(consumerProperties(bootstrapServers, clientId, clientSettings)),
                topic,
                policyName,
                loader,
                holders,
                pollInterval,
                listener);
    }

    /** Starts following on a daemon thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("PolicyFollower already started");
        }
        thread = new Thread(this::run, "replayflow-policy-follower-" + policyName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until the topic has been read to the end it had at start and the newest version found
     * was loaded (or refused).
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The newest version installed in the holders (0 before any). */
    public long installedVersion() {
        return installed;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = assign();
            catchUp(partitions);
            while (running) {
                try {
                    consider(consumer.poll(pollInterval));
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.error(
                            "policy follower for '{}' on {} failed ({}); actors keep acting with"
                                    + " v{}, retrying in {}",
                            policyName,
                            topic,
                            e.toString(),
                            installed,
                            ERROR_BACKOFF,
                            e);
                    Thread.sleep(ERROR_BACKOFF.toMillis());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("policy follower for '{}' woken up unexpectedly", policyName, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error(
                    "policy follower for '{}' on {} stopped: {}; actors keep acting with v{} and"
                            + " will not see newer versions",
                    policyName,
                    topic,
                    e.toString(),
                    installed,
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
                    "policy topic {} does not exist yet; actors act with v{} until it does"
                            + " (create it, compacted, keyed by policy name)",
                    topic,
                    installed);
            Thread.sleep(TOPIC_RETRY.toMillis());
        }
        throw new WakeupException();
    }

    private void catchUp(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        List<PolicyVersion> found = new ArrayList<>();
        while (running && !reached(end)) {
            found.addAll(matching(consumer.poll(pollInterval)));
        }
        install(found);
        caughtUp.countDown();
        LOG.info(
                "policy follower caught up with {} for '{}': acting with v{}",
                topic,
                policyName,
                installed);
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void consider(ConsumerRecords<byte[], byte[]> records) {
        List<PolicyVersion> found = matching(records);
        if (!found.isEmpty()) {
            install(found);
        }
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
                        "skipping undecodable record {}-{}@{} on {}: {} ({})",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        topic,
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
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            return;
        }
        consumer.wakeup();
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
