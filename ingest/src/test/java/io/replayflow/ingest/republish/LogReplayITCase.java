package io.replayflow.ingest.republish;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.infra.stack.testing.KafkaTestClients;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.ImageTransitions;
import io.replayflow.schemas.testing.TestTransitions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.fs.FileSystem;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LogReplay} against a real Kafka broker: a log of interleaved episodes over three hourly
 * partitions, each partition in two shuffled files (as compaction and several subtasks leave it),
 * is re-published; the topic holds exactly the transitions in range, keyed by episode id, stamped
 * with their event times, in event-time order in every partition and step order in every episode.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogReplayITCase {

    private static final String TOPIC = "replayed.transitions";
    private static final String IMAGE_TOPIC = "replayed.images";
    private static final long MINUTE = 60_000L;

    private static LocalStack stack;

    @TempDir static Path dataRoot;

    @BeforeAll
    static void startBroker() throws Exception {
        stack = LocalStack.builder().withFlink(false).partitions(1).start();
        KafkaTestClients.createTopics(stack.bootstrapServers(), List.of(TOPIC, IMAGE_TOPIC), 3);
    }

    @AfterAll
    static void stopBroker() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void replaysTheRangeInEventTimeOrderWithOriginalKeysAndIdentities() throws Exception {
        long t0 = TestTransitions.T0; // 07:00 UTC
        List<Transition> log = new ArrayList<>();
        for (int e = 0; e < 30; e++) {
            for (int step = 0; step < 40; step++) {
                Transition t = TestTransitions.cartPole("actor-" + (e % 4), "ep-" + e, step);
                t.setEventTimeMs(t0 + e * 4 * MINUTE + step * 10_000L + e);
                t.setTerminated(step == 39);
                log.add(t);
            }
        }
        Transition otherEnv = TestTransitions.cartPole("actor-9", "ep-other-env", 0);
        otherEnv.setEnvId("Acrobot-v1");
        log.add(otherEnv);
        writeLog(log);
        long from = t0 + 5 * MINUTE;
        long to = t0 + 150 * MINUTE;
        List<Transition> expected =
                log.stream()
                        .filter(t -> t.getEnvId().equals("CartPole-v1"))
                        .filter(t -> t.getEventTimeMs() >= from && t.getEventTimeMs() < to)
                        .toList();

        LogReplay.Progress done;
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(stack.bootstrapServers())) {
            done =
                    new LogReplay(
                                    new LogReplay.Settings(
                                            dataRoot.toUri(), "CartPole-v1", from, to, TOPIC, 0, 0),
                                    producer)
                            .run(p -> {});
        }

        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestClients.readAllBytes(stack.bootstrapServers(), TOPIC);
        assertThat(done.records()).isEqualTo(expected.size());
        assertThat(done.hoursTotal()).isEqualTo(3);
        assertThat(records).hasSize(expected.size());
        SingleObjectSerde<Transition> serde = SingleObjectSerde.forClass(Transition.class);
        Map<Integer, Long> lastTimeByPartition = new HashMap<>();
        Map<String, Long> lastStepByEpisode = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Transition t = serde.decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(t.getEpisodeId());
            assertThat(r.timestamp()).isEqualTo(t.getEventTimeMs());
            assertThat(t.getEventTimeMs())
                    .as("event-time order in partition %d", r.partition())
                    .isGreaterThanOrEqualTo(lastTimeByPartition.getOrDefault(r.partition(), 0L));
            lastTimeByPartition.put(r.partition(), t.getEventTimeMs());
            assertThat(t.getStep())
                    .as("step order in %s", t.getEpisodeId())
                    .isGreaterThan(lastStepByEpisode.getOrDefault(t.getEpisodeId(), -1L));
            lastStepByEpisode.put(t.getEpisodeId(), t.getStep());
            seen.add(identity(t));
        }
        assertThat(seen)
                .isEqualTo(
                        expected.stream()
                                .map(LogReplayITCase::identity)
                                .collect(Collectors.toSet()));
        assertThat(records.stream().map(ConsumerRecord::partition).distinct().count())
                .as("episodes spread over the topic's partitions")
                .isGreaterThan(1);
    }

    @Test
    void replaysImageRowsWhoseFramesTheLogStoresOnceWithTheirImagesWhole() throws Exception {
        // Stacks of 4 in shuffled rows (no step order in a file), two files of one hour.
        List<Transition> log =
                new ArrayList<>(
                        ImageTransitions.interleaved(4, 4, 600, 5).stream()
                                .peek(t -> t.setEventTimeMs(t.getEventTimeMs() + 2 * 3_600_000L))
                                .toList());
        writeLog(log);
        String env = ImageTransitions.envId(4);

        LogReplay.Progress done;
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(stack.bootstrapServers())) {
            done =
                    new LogReplay(
                                    new LogReplay.Settings(
                                            dataRoot.toUri(),
                                            env,
                                            0,
                                            Long.MAX_VALUE,
                                            IMAGE_TOPIC,
                                            0,
                                            0),
                                    producer)
                            .run(p -> {});
        }

        SingleObjectSerde<Transition> serde = SingleObjectSerde.forClass(Transition.class);
        Map<String, Transition> replayed = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readAllBytes(stack.bootstrapServers(), IMAGE_TOPIC)) {
            Transition t = serde.decode(r.value());
            replayed.put(identity(t), t);
        }
        assertThat(done.records()).isEqualTo(log.size());
        assertThat(replayed).hasSize(log.size());
        for (Transition t : log) {
            assertThat(replayed.get(identity(t))).as(identity(t)).isEqualTo(t);
        }
    }

    private static String identity(Transition t) {
        return t.getActorId() + "/" + t.getEpisodeId() + "/" + t.getStep();
    }

    /** Each hourly partition as two files, rows shuffled, written with the log's own writer. */
    private static void writeLog(List<Transition> log) throws Exception {
        Map<PartitionPath, List<Transition>> byPartition = new TreeMap<>();
        for (Transition t : log) {
            byPartition
                    .computeIfAbsent(
                            PartitionPath.of(t.getEnvId(), t.getEventTimeMs()),
                            p -> new ArrayList<>())
                    .add(t);
        }
        Path experience = Path.of(DatasetLayout.experienceLog(dataRoot.toUri()));
        Random random = new Random(7);
        for (var e : byPartition.entrySet()) {
            List<Transition> rows = new ArrayList<>(e.getValue());
            Collections.shuffle(rows, random);
            int half = rows.size() / 2;
            Path dir = experience.resolve(e.getKey().relativePath());
            Files.createDirectories(dir);
            write(dir.resolve("part-a.parquet"), rows.subList(0, half));
            write(dir.resolve("part-b.parquet"), rows.subList(half, rows.size()));
        }
    }

    private static void write(Path file, List<Transition> rows) throws Exception {
        var out =
                FileSystem.getLocalFileSystem()
                        .create(
                                new org.apache.flink.core.fs.Path(file.toUri()),
                                FileSystem.WriteMode.OVERWRITE);
        try (ParquetWriter<Transition> writer =
                TransitionParquet.writer(new FlinkOutputFile(out), LogCompression.ZSTD, 1 << 20)) {
            for (Transition t : rows) {
                writer.write(t);
            }
        }
    }
}
