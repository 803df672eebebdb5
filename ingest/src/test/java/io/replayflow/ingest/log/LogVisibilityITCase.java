package io.replayflow.ingest.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.infra.stack.testing.KafkaTestClients;
import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestJob;
import io.replayflow.ingest.inspect.DatasetInspector;
import io.replayflow.ingest.inspect.DatasetReport;
import io.replayflow.ingest.testing.ParquetLogReader;
import io.replayflow.ingest.testing.TestKafka;
import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's bulk-load visibility case with the log's default compaction settings: 100k transitions
 * with event times over 30 hourly partitions all become visible to DuckDB and {@code dataset
 * inspect} soon after the checkpoint that commits the last of them (within {@link #MAX_LAG}; the
 * previous default, compaction every 5 min, fails it), and a reader polling the log while files are
 * compacted never sees a row twice or a row disappear.
 *
 * <p>"Committed" is measured on the clean topic: the job commits its Kafka transaction and its log
 * files on the same checkpoint, so the moment a {@code read_committed} consumer has read every
 * record is when the last checkpoint that holds them completed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LogVisibilityITCase {

    private static final int EPISODES = 1_000;
    private static final int STEPS = 100; // 100k transitions
    private static final int HOURS = 30;
    private static final Duration CHECKPOINT = Duration.ofSeconds(2);
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    /**
     * The bound asserted here: far below the 5 min that compaction used to hide a bulk load, but
     * with room for this shared 2-core machine, whose checkpoints and compactions run late under
     * load. The target itself, two checkpoint intervals, is a measured figure (docs/BENCHMARKS.md),
     * not a timed assertion.
     */
    private static final Duration MAX_LAG = Duration.ofSeconds(45);

    private static final SingleObjectSerde<Transition> SERDE =
            SingleObjectSerde.forClass(Transition.class);

    private static LocalStack stack;

    @TempDir Path dataRoot;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startStack() {
        stack = LocalStack.builder().partitions(2).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aBulkLoadOverThirtyHoursIsVisibleSoonAfterItsCommitAndNeverSeenTwice() throws Exception {
        Topics topics = Topics.withPrefix("vis.");
        TestKafka.createTopics(stack.bootstrapServers(), topics.all(), 2);
        Configuration noRestart = new Configuration();
        noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient job = IngestJob.start(stack.executionEnvironment(noRestart), config(topics));
        long total = (long) EPISODES * STEPS;
        CleanTopicWatch committed = new CleanTopicWatch(topics.cleanTransitions(), total);
        Thread watcher = new Thread(committed, "clean-topic-watch");
        watcher.start();
        ParquetLogReader log = new ParquetLogReader(dataRoot);
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            produceBulkLoad(kafka, topics);

            long lastSeen = 0;
            long visibleAt = 0;
            int polls = 0;
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (visibleAt == 0 && System.nanoTime() < deadline) {
                long started = System.nanoTime();
                List<List<Object>> rows =
                        log.query(
                                "SELECT count(*), count(DISTINCT (actor_id, episode_id, step))"
                                        + " FROM LOG");
                long rowsSeen = rows.isEmpty() ? 0 : ((Number) rows.get(0).get(0)).longValue();
                long distinct = rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
                polls++;
                assertThat(rowsSeen).as("rows seen once each, poll %d", polls).isEqualTo(distinct);
                assertThat(rowsSeen)
                        .as("no row disappears between polls, poll %d", polls)
                        .isGreaterThanOrEqualTo(lastSeen);
                lastSeen = rowsSeen;
                if (rowsSeen == total) {
                    visibleAt = started;
                } else {
                    Thread.sleep(50);
                }
            }
            assertThat(lastSeen).as("rows visible to DuckDB by the deadline").isEqualTo(total);
            watcher.join(DEADLINE.toMillis());
            assertThat(committed.doneAt.get()).as("clean topic complete").isPositive();
            Duration lag = Duration.ofNanos(visibleAt - committed.doneAt.get());
            System.out.printf(
                    "LogVisibilityITCase: all %d rows visible to DuckDB %d ms after the commit of"
                            + " the last one (checkpoint interval %d ms, %d polls)%n",
                    total, lag.toMillis(), CHECKPOINT.toMillis(), polls);
            assertThat(lag)
                    .as("from the commit of the last record to DuckDB seeing it")
                    .isLessThanOrEqualTo(MAX_LAG);

            DatasetReport report =
                    DatasetInspector.inspect(dataRoot, Optional.empty(), Topics.defaults());
            assertThat(report.transitions()).isEqualTo(total);
            assertThat(report.partitions()).hasSize(HOURS);
        } finally {
            committed.stop.set(true);
            watcher.join(10_000);
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /** Episode e runs in hour e mod 30 (of event time), so every hour gets ~3,333 rows. */
    private static void produceBulkLoad(TestKafka kafka, Topics topics) {
        for (int e = 0; e < EPISODES; e++) {
            long hourStart = TestTransitions.T0 + (long) (e % HOURS) * PartitionPath.HOUR_MS;
            for (Transition t : TestTransitions.episode("bulk", "ep-" + e, STEPS)) {
                t.setEventTimeMs(hourStart + t.getStep() * 10);
                kafka.sendAsync(
                        topics.transitions(),
                        t.getEpisodeId().getBytes(StandardCharsets.UTF_8),
                        SERDE.encode(t));
            }
        }
        kafka.flush();
    }

    private IngestConfig config(Topics topics) {
        return IngestConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .topicPrefix(topics.prefix())
                .dataRoot(dataRoot.toUri().toString())
                .setAll(
                        Map.of(
                                "kafka.group-id", "it-visibility",
                                "kafka.transactional-id-prefix", "it-visibility",
                                "kafka.starting-offsets", "EARLIEST",
                                "ingest.checkpoint.interval", CHECKPOINT.toMillis() + " ms"))
                .build();
    }

    /** Counts the clean topic under read_committed and notes when it holds every record. */
    private static final class CleanTopicWatch implements Runnable {
        final AtomicLong doneAt = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        private final String topic;
        private final long expected;

        CleanTopicWatch(String topic, long expected) {
            this.topic = topic;
            this.expected = expected;
        }

        @Override
        public void run() {
            Map<String, Object> props =
                    new java.util.HashMap<>(
                            KafkaTestClients.consumerProperties(
                                    stack.bootstrapServers(), "read_committed"));
            props.put("key.deserializer", ByteArrayDeserializer.class);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(topic)
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long seen = 0;
                while (!stop.get() && seen < expected) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(20));
                    seen += records.count();
                }
                if (seen >= expected) {
                    doneAt.set(System.nanoTime());
                }
            }
        }
    }
}
