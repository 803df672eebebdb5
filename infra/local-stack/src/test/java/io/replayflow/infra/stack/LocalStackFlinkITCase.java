package io.replayflow.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Jobs on the stack's MiniCluster at parallelism 2, submitted over its REST endpoint. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalStackFlinkITCase {

    private static final int PARALLELISM = 2;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** Filled by the job's subtasks: proves they run in this JVM, on this class. */
    private static final Set<Integer> SUBTASKS_SEEN = ConcurrentHashMap.newKeySet();

    private static LocalStack stack;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startStack() {
        stack = LocalStack.builder().start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @SuppressWarnings("try") // CloseableIterator.close() may throw InterruptedException
    void keyedSumAtParallelismTwoIsExact() throws Exception {
        SUBTASKS_SEEN.clear();
        StreamExecutionEnvironment env = stack.executionEnvironment();
        env.setParallelism(PARALLELISM);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);

        Map<Integer, Long> sums = new HashMap<>();
        try (CloseableIterator<Tuple2<Integer, Long>> results =
                env.fromSequence(1, 10_000)
                        .map(new ByResidue(5))
                        .keyBy(t -> t.f0)
                        .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1))
                        .executeAndCollect("keyed-sum")) {
            results.forEachRemaining(t -> sums.put(t.f0, t.f1));
        }

        // The n in 1..10000 with n % 5 == r are 2000 terms from r to r + 9995 (5 to 10000 for
        // r = 0), so their sum is 1000 * (first + last): 1000 * (2r + 9995), 1000 * 10005 for 0.
        assertThat(sums)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                0, 10_005_000L,
                                1, 9_997_000L,
                                2, 9_999_000L,
                                3, 10_001_000L,
                                4, 10_003_000L));
        assertThat(SUBTASKS_SEEN).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void runningJobCheckpointsUnderTheDataDirAndCanBeCancelled() throws Exception {
        StreamExecutionEnvironment env = stack.executionEnvironment();
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> endless =
                new DataGeneratorSource<>(
                        index -> index,
                        Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(200),
                        Types.LONG);
        env.fromSource(endless, WatermarkStrategy.noWatermarks(), "endless")
                .sinkTo(new DiscardingSink<>());

        JobClient job = env.executeAsync("endless");
        JobID id = job.getJobID();
        Path checkpoints = stack.dataDir().resolve("checkpoints").resolve(id.toHexString());
        awaitTrue("a completed checkpoint under " + checkpoints, () -> hasCheckpoint(checkpoints));
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        job.cancel().get();

        awaitTrue(
                "job " + id + " cancelled",
                () -> stack.miniCluster().getJobStatus(id).join() == JobStatus.CANCELED);
    }

    @Test
    void failingJobFailsInsteadOfRestartingForever() {
        StreamExecutionEnvironment env = stack.executionEnvironment();
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(100);
        env.fromSequence(1, 10).map(new AlwaysFails()).sinkTo(new DiscardingSink<>());

        assertThatThrownBy(() -> env.execute("always-fails"))
                .hasStackTraceContaining("poison record");
    }

    @Test
    @SuppressWarnings("try") // CloseableIterator.close() may throw InterruptedException
    void readsRecordsFromTheEmbeddedBroker() throws Exception {
        String topic = stack.topics().cleanTransitions();
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 200; i++) {
                String value = "transition-" + i;
                sent.add(value);
                producer.send(new ProducerRecord<>(topic, "episode-" + (i % 7), value));
            }
        }
        KafkaSource<String> source =
                KafkaSource.<String>builder()
                        .setBootstrapServers(stack.bootstrapServers())
                        .setTopics(topic)
                        .setGroupId("it-flink")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setValueOnlyDeserializer(new SimpleStringSchema(StandardCharsets.UTF_8))
                        .build();
        StreamExecutionEnvironment env = stack.executionEnvironment();
        env.setParallelism(PARALLELISM);

        List<String> received = new ArrayList<>();
        try (CloseableIterator<String> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
                        .executeAndCollect("kafka-read")) {
            results.forEachRemaining(received::add);
        }

        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class));
    }

    private static boolean hasCheckpoint(Path jobCheckpoints) {
        if (!Files.isDirectory(jobCheckpoints)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(jobCheckpoints)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("_metadata"));
        } catch (java.io.IOException e) {
            return false; // a checkpoint directory was removed while walking; look again
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws Exception {
        Await.until(what, DEADLINE, condition::getAsBoolean);
    }

    /** (n % modulus, n), recording which subtask saw it. */
    private static final class ByResidue extends RichMapFunction<Long, Tuple2<Integer, Long>> {
        private final int modulus;

        ByResidue(int modulus) {
            this.modulus = modulus;
        }

        @Override
        public Tuple2<Integer, Long> map(Long n) {
            SUBTASKS_SEEN.add(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
            return Tuple2.of((int) (n % modulus), n);
        }
    }

    private static final class AlwaysFails implements MapFunction<Long, Long> {
        @Override
        public Long map(Long n) {
            throw new IllegalStateException("poison record " + n);
        }
    }
}
