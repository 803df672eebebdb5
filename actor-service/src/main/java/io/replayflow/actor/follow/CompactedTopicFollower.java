package io.replayflow.actor.follow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one compacted control topic ({@code rf.policies}, {@code rf.policy.assignments}) on a
 * daemon thread of its own: assigned every partition (no consumer group, nothing committed), read
 * from the beginning to the end offsets it had at start, then live. What the records mean is the
 * {@link Reader}'s: during the catch-up it collects every poll and applies once at the end (so only
 * the newest state found is installed, not each one in turn); live, it applies after each poll.
 *
 * <p>Until the topic exists the follower retries every two seconds and says so; a failure while
 * following live is logged and retried after a second, and the actors keep what they have (the
 * {@link Reader#state()} the log lines name). {@link #close()} stops the thread from any thread,
 * waits for it and closes the consumer.
 */
public final class CompactedTopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicFollower.class);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(2);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    /**
     * The fetch wait of followers and topic readers, in ms, unless a client setting says otherwise.
     */
    public static final int FETCH_MAX_WAIT_MS = 50;

    /** What a follower makes of its topic's records; called on the follower's thread only. */
    public interface Reader {

        /** Keeps what matters of {@code records} until the next {@link #apply()}. */
        void collect(ConsumerRecords<byte[], byte[]> records);

        /** Installs what was collected since the last call (if anything) and forgets it. */
        void apply();

        /** What the actors act with now, for log lines ("actors act with v3"). */
        String state();
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final String name;
    private final Duration pollInterval;
    private final Reader reader;
    private final boolean releaseWhileTopicMissing;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param consumer a consumer this follower owns and closes
     * @param name what follows, for thread and log names (e.g. {@code policy follower for 'x'})
     * @param pollInterval the longest a poll waits for new records
     * @param releaseWhileTopicMissing whether {@link #awaitCaughtUp} returns while the topic does
     *     not exist yet (there is nothing to catch up with), rather than once it exists and was
     *     read
     */
    public CompactedTopicFollower(
            Consumer<byte[], byte[]> consumer,
            String topic,
            String name,
            Duration pollInterval,
            Reader reader,
            boolean releaseWhileTopicMissing) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.name = Objects.requireNonNull(name, "name");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.releaseWhileTopicMissing = releaseWhileTopicMissing;
    }

    /** Consumer settings for following a control topic (no group, nothing committed). */
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
        // Readers of these small topics read to their end (AssignmentLog, TopicTail): with the
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
        // Never create a control topic by asking for it: it must be compacted.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }

    /** Starts following on a daemon thread named {@code threadName}. */
    public synchronized void start(String threadName) {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until the topic was read to the end it had at start and what was found was applied (or,
     * with {@code releaseWhileTopicMissing}, the topic was found missing).
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = assign();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running && !reached(end)) {
                reader.collect(consumer.poll(pollInterval));
            }
            reader.apply();
            caughtUp.countDown();
            LOG.info("{} caught up with {}: {}", name, topic, reader.state());
            while (running) {
                try {
                    reader.collect(consumer.poll(pollInterval));
                    reader.apply();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.error(
                            "{} on {} failed ({}); {}, retrying in {}",
                            name,
                            topic,
                            e.toString(),
                            reader.state(),
                            ERROR_BACKOFF,
                            e);
                    Thread.sleep(ERROR_BACKOFF.toMillis());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("{} woken up unexpectedly", name, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error(
                    "{} on {} stopped: {}; {} and will not follow {} any more",
                    name,
                    topic,
                    e.toString(),
                    reader.state(),
                    topic,
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
                    "{} does not exist yet; {} until it does (create it, compacted, keyed by"
                            + " policy name)",
                    topic,
                    reader.state());
            if (releaseWhileTopicMissing) {
                caughtUp.countDown();
            }
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

    /** Stops following and waits for the follower's thread to close the consumer. */
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
