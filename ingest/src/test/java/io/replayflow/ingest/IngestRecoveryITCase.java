package io.replayflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.ingest.testing.FlinkRestMetrics;
import io.replayflow.ingest.testing.ParquetLogReader;
import io.replayflow.ingest.testing.TestKafka;
import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job fails mid-stream or is stopped with a savepoint, and resumes: afterwards the Parquet log
 * (read by DuckDB) and the clean topic hold exactly the produced set, nothing lost, nothing twice.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class IngestRecoveryITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final SingleObjectSerde<Transition> TRANSITIONS =
            SingleObjectSerde.forClass(Transition.class);

    /** Records left before {@link FailOnce} throws; 0 when disarmed. */
    private static final AtomicInteger COUNTDOWN = new AtomicInteger();

    private static final AtomicInteger FAILURES = new AtomicInteger();

    private static LocalStack stack;

    @TempDir Path dataRoot;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startStack() {
        Configuration flink = new Configuration();
        flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        stack = LocalStack.builder().partitions(2).flinkConfiguration(flink).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void afterAnInjectedFailureTheLogHoldsEveryRecordExactlyOnce() throws Exception {
        Topics topics = createTopics("fail.");
        IngestConfig config = config(topics, "it-fail");
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restarts.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = stack.executionEnvironment(restarts);
        IngestJob.configure(env, config);
        IngestSinks.attach(
                IngestPipeline.build(
                        IngestJob.readTransitions(env, config)
                                .map(new FailOnce())
                                .returns(RawRecord.TYPE)
                                .uid("it-fail-once"),
                        config),
                config);
        COUNTDOWN.set(0);
        FAILURES.set(0);
        JobClient job = env.executeAsync("it-fail");
        ParquetLogReader log = new ParquetLogReader(dataRoot);
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            List<Transition> first = episodes("a", 20, 100);
            produce(kafka, topics, first);
            Await.until("the first records committed", DEADLINE, () -> log.count() > 0);

            COUNTDOWN.set(1_500);
            List<Transition> second = episodes("b", 20, 100);
            produce(kafka, topics, second);
            Await.until("the injected failure", DEADLINE, () -> FAILURES.get() == 1);

            List<Transition> all = new ArrayList<>(first);
            all.addAll(second);
            assertExactlyOnce(topics, log, all, job);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        assertThat(FAILURES).hasValue(1);
    }

    @Test
    void stopWithSavepointAndRestartKeepsEveryRecordOnceAndRemembersDuplicates() throws Exception {
        Topics topics = createTopics("savepoint.");
        IngestConfig config = config(topics, "it-savepoint");
        Configuration noRestart = new Configuration();
        noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        ParquetLogReader log = new ParquetLogReader(dataRoot);
        List<Transition> before = episodes("a", 10, 50);
        List<Transition> after = episodes("b", 10, 50);
        String savepoint;
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            JobClient job = IngestJob.start(stack.executionEnvironment(noRestart), config);
            produce(kafka, topics, before);
            Await.until(
                    "the first records in the log", DEADLINE, () -> log.count() == before.size());
            savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    stack.dataDir().resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);

            produce(kafka, topics, after);
            produce(kafka, topics, before.subList(0, 100)); // resent by a client: duplicates
        }
        Configuration restore = new Configuration(noRestart);
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient restarted = IngestJob.start(stack.executionEnvironment(restore), config);
        try {
            List<Transition> all = new ArrayList<>(before);
            all.addAll(after);
            assertExactlyOnce(topics, log, all, restarted);
            FlinkRestMetrics metrics =
                    new FlinkRestMetrics(stack.flinkRestAddress(), restarted.getJobID());
            Await.until(
                    "the resent records counted as duplicates",
                    DEADLINE,
                    () -> metrics.sum("ingest.duplicates_dropped") == 100,
                    () -> "duplicates_dropped=" + metrics.sum("ingest.duplicates_dropped"));
        } finally {
            restarted.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static void assertExactlyOnce(
            Topics topics, ParquetLogReader log, List<Transition> expected, JobClient job)
            throws Exception {
        Await.until(
                "every record in the log",
                DEADLINE,
                () -> log.count() >= expected.size(),
                () ->
                        "log rows "
                                + log.count()
                                + " of "
                                + expected.size()
                                + ", job "
                                + job.getJobStatus().get());
        List<String> ids = expected.stream().map(IngestRecoveryITCase::identity).sorted().toList();
        assertThat(log.identities())
                .hasSize(expected.size())
                .containsExactlyInAnyOrderElementsOf(ids);
        Await.until(
                "every record on the clean topic",
                DEADLINE,
                () -> cleanIdentities(topics).size() >= expected.size());
        assertThat(cleanIdentities(topics)).containsExactlyInAnyOrderElementsOf(ids);
    }

    private static List<String> cleanIdentities(Topics topics) throws Exception {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TestKafka.readAll(stack.bootstrapServers(), topics.cleanTransitions())) {
            ids.add(identity(TRANSITIONS.decode(r.value())));
        }
        return ids;
    }

    private IngestConfig config(Topics topics, String name) {
        return IngestConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .topicPrefix(topics.prefix())
                .dataRoot(dataRoot.toUri().toString())
                .setAll(
                        Map.of(
                                "kafka.group-id", name,
                                "kafka.transactional-id-prefix", name,
                                "kafka.starting-offsets", "EARLIEST",
                                "ingest.checkpoint.interval", "1 s",
                                "ingest.log.compaction.max-delay", "2 s"))
                .build();
    }

    private static Topics createTopics(String prefix) throws Exception {
        Topics topics = Topics.withPrefix(prefix);
        TestKafka.createTopics(stack.bootstrapServers(), topics.all(), 2);
        return topics;
    }

    private static List<Transition> episodes(String actor, int count, int length) {
        List<Transition> all = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            all.addAll(TestTransitions.episode(actor, "ep-" + actor + e, length));
        }
        return all;
    }

    private static void produce(TestKafka kafka, Topics topics, List<Transition> transitions)
            throws Exception {
        for (Transition t : transitions) {
            kafka.sendAsync(
                    topics.transitions(),
                    t.getEpisodeId().getBytes(StandardCharsets.UTF_8),
                    TRANSITIONS.encode(t));
        }
        kafka.flush();
    }

    private static String identity(Transition t) {
        return t.getActorId() + "/" + t.getEpisodeId() + "/" + t.getStep();
    }

    /** Throws once, when {@link #COUNTDOWN} reaches zero. */
    private static final class FailOnce implements MapFunction<RawRecord, RawRecord> {
        @Override
        public RawRecord map(RawRecord record) {
            if (COUNTDOWN.get() > 0 && COUNTDOWN.decrementAndGet() == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure mid-stream");
            }
            return record;
        }
    }
}
