package io.replayflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.ingest.inspect.DatasetInspector;
import io.replayflow.ingest.inspect.DatasetReport;
import io.replayflow.ingest.testing.FlinkRestMetrics;
import io.replayflow.ingest.testing.MalformedRecords;
import io.replayflow.ingest.testing.MalformedRecords.Bad;
import io.replayflow.ingest.testing.ParquetLogReader;
import io.replayflow.ingest.testing.TestKafka;
import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.EpisodeSummary;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed kind next to good records, duplicates, a late record and records from foreign
 * clients, through the real job on a real broker and MiniCluster: the dead-letter topic holds
 * exactly the bad ones with their reason codes, the Parquet log (read by DuckDB) and the clean
 * topic every good one exactly once, the metrics count them all. Also: {@code IngestJob.main} runs
 * a bounded job from {@code flink run}-style arguments.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IngestValidationITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final SingleObjectSerde<Transition> TRANSITIONS =
            SingleObjectSerde.forClass(Transition.class);

    private static LocalStack stack;

    @TempDir static Path dataRoot;

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
    void deadLettersHoldExactlyTheBadRecordsAndTheLogEveryGoodRecordOnce() throws Exception {
        Topics topics = stack.topics();
        List<Transition> good = new ArrayList<>();
        good.addAll(TestTransitions.episode("actor-0", "ep-a", 5));
        good.addAll(TestTransitions.episode("actor-0", "ep-b", 3));
        List<Transition> open = TestTransitions.episode("actor-1", "ep-c", 4);
        open.get(3).setTerminated(false); // no terminal step: no summary
        good.addAll(open);
        List<Transition> pixels =
                List.of(
                        TestTransitions.pixels("Pixels-v0", "actor-3", "ep-p", 0),
                        TestTransitions.pixels("Pixels-v0", "actor-3", "ep-p", 1));
        good.addAll(pixels);
        List<Transition> foreign = TestTransitions.episode("actor-2", "ep-d", 2);
        good.addAll(foreign);

        // Dead letters are matched to what was sent by source partition and offset.
        Map<String, Bad> badByKey = new HashMap<>();
        int sent = 0;
        int duplicates = 0;
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            for (Transition t : good.subList(0, 8)) {
                send(kafka, topics, t, TRANSITIONS.encode(t));
                sent++;
            }
            for (Bad bad : MalformedRecords.all("actor-9")) {
                RecordMetadata at =
                        kafka.send(topics.transitions(), bytes("bad-" + bad.name()), bad.payload());
                badByKey.put(source(at.partition(), at.offset()), bad);
                sent++;
            }
            for (Transition t : good.subList(8, good.size() - 2)) {
                send(kafka, topics, t, TRANSITIONS.encode(t));
                sent++;
            }
            send(
                    kafka,
                    topics,
                    foreign.get(0),
                    MalformedRecords.viaAvroMessageEncoder(foreign.get(0)));
            send(kafka, topics, foreign.get(1), MalformedRecords.byHand(foreign.get(1)));
            sent += 2;

            Transition squashed = TestTransitions.pixels("Pixels-v0", "actor-3", "ep-p", 2);
            squashed.getObsImage().setShape(List.of(1, 4, 1));
            squashed.getNextObsImage().setShape(List.of(1, 4, 1));
            // Same episode key, so the same partition, after the steps that fixed the shape.
            byte[] reshaped = TRANSITIONS.encode(squashed);
            RecordMetadata at = send(kafka, topics, squashed, reshaped);
            badByKey.put(
                    source(at.partition(), at.offset()),
                    new Bad("pixels-reshaped", "SPEC_MISMATCH", reshaped));
            sent++;

            // A MinAtar frame one byte short of its [10, 10, 4] shape: dead-lettered
            Transition shortFrame =
                    io.replayflow.schemas.testing.TestTransitions.image(
                            "MinAtar/Breakout-v1", "actor-5", "ep-m", 0, List.of(10, 10, 4));
            shortFrame.getObsImage().setData(ByteBuffer.wrap(new byte[399]));
            byte[] shortBytes = TRANSITIONS.encode(shortFrame);
            RecordMetadata shortAt = send(kafka, topics, shortFrame, shortBytes);
            badByKey.put(
                    source(shortAt.partition(), shortAt.offset()),
                    new Bad("minatar-short-frame", "SHAPE_MISMATCH", shortBytes));
            sent++;
            // Space Invaders' [10, 10, 6] frames under Breakout's id: the env table's shape wins
            Transition otherGame =
                    io.replayflow.schemas.testing.TestTransitions.image(
                            "MinAtar/Breakout-v1", "actor-5", "ep-n", 0, List.of(10, 10, 6));
            byte[] otherBytes = TRANSITIONS.encode(otherGame);
            RecordMetadata otherAt = send(kafka, topics, otherGame, otherBytes);
            badByKey.put(
                    source(otherAt.partition(), otherAt.offset()),
                    new Bad("minatar-wrong-shape", "SPEC_MISMATCH", otherBytes));
            sent++;

            for (Transition t : List.of(good.get(1), good.get(2), good.get(3))) {
                send(kafka, topics, t, TRANSITIONS.encode(t));
                sent++;
                duplicates++;
            }
            send(kafka, topics, foreign.get(0), MalformedRecords.byHand(foreign.get(0)));
            sent++;
            duplicates++;
        }

        IngestConfig config =
                IngestConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .dataRoot(dataRoot.toUri().toString())
                        .setAll(
                                Map.of(
                                        "kafka.group-id", "it-validation",
                                        "kafka.transactional-id-prefix", "it-validation",
                                        "kafka.starting-offsets", "EARLIEST",
                                        "ingest.checkpoint.interval", "1 s",
                                        "ingest.log.compaction.max-delay", "1 s",
                                        "ingest.watermark.idleness", "1 s"))
                        .build();
        Configuration job = new Configuration();
        job.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient client = IngestJob.start(stack.executionEnvironment(job), config);
        try {
            ParquetLogReader log = new ParquetLogReader(dataRoot);
            int expectedBad = badByKey.size();
            Await.until(
                    "every good record in the log and every bad one in the dead-letter topic",
                    DEADLINE,
                    () -> log.count() >= good.size() && deadLetterCount(topics) >= expectedBad,
                    () ->
                            "log rows "
                                    + log.count()
                                    + " of "
                                    + good.size()
                                    + ", dead letters "
                                    + deadLetterCount(topics)
                                    + " of "
                                    + expectedBad
                                    + ", files "
                                    + log.files());

            assertThat(log.identities())
                    .containsExactlyElementsOf(
                            good.stream().map(IngestValidationITCase::identity).sorted().toList());
            assertDeadLetters(topics, badByKey);
            assertThat(identities(topics.cleanTransitions()))
                    .containsExactlyInAnyOrderElementsOf(
                            good.stream().map(IngestValidationITCase::identity).toList());
            assertCleanRecordsAreCanonical(topics.cleanTransitions());
            assertEpisodes(topics);
            assertThat(
                            log.query(
                                            "SELECT typeof(obs), typeof(date), hour FROM LOG WHERE"
                                                    + " env_id = 'CartPole-v1' LIMIT 1")
                                    .get(0))
                    .containsExactly("FLOAT[]", "DATE", "07");

            DatasetReport report =
                    DatasetInspector.inspect(
                            dataRoot, Optional.of(stack.bootstrapServers()), topics);
            assertThat(report.transitions()).isEqualTo(good.size());
            assertThat(report.episodes()).isEqualTo(5);
            Map<String, Long> reasons = new TreeMap<>();
            badByKey.values().forEach(bad -> reasons.merge(bad.reason(), 1L, Long::sum));
            assertThat(report.deadLetters().orElseThrow().byReason()).isEqualTo(reasons);

            // A record an hour older than the watermark: late, counted, and still logged.
            Transition late = TestTransitions.cartPole("actor-4", "ep-late", 0);
            late.setEventTimeMs(TestTransitions.T0 - 3_600_000);
            try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
                send(kafka, topics, late, TRANSITIONS.encode(late));
                sent++;
            }
            Await.until(
                    "the late record in the log",
                    DEADLINE,
                    () -> log.count() == good.size() + 1,
                    () -> "log rows " + log.count());
            assertThat(log.query("SELECT date, hour FROM LOG WHERE episode_id = 'ep-late'").get(0))
                    .containsExactly(java.time.LocalDate.of(2026, 11, 21), "06");

            FlinkRestMetrics metrics =
                    new FlinkRestMetrics(stack.flinkRestAddress(), client.getJobID());
            int totalSent = sent;
            int totalDuplicates = duplicates;
            Await.until(
                    "the metrics to count every record",
                    DEADLINE,
                    () ->
                            metrics.sum("ingest.records_in") == totalSent
                                    && metrics.sum("ingest.duplicates_dropped") == totalDuplicates
                                    && metrics.sum(".records_dead_lettered") == expectedBad
                                    && metrics.sum("ingest.episodes_completed") == 3
                                    && metrics.sum("ingest.late_records") == 1,
                    () ->
                            "records_in="
                                    + metrics.sum("ingest.records_in")
                                    + " (sent "
                                    + totalSent
                                    + "), duplicates_dropped="
                                    + metrics.sum("ingest.duplicates_dropped")
                                    + " ("
                                    + totalDuplicates
                                    + "), records_dead_lettered="
                                    + metrics.sum(".records_dead_lettered")
                                    + " ("
                                    + expectedBad
                                    + "), episodes_completed="
                                    + metrics.sum("ingest.episodes_completed")
                                    + " (3), late_records="
                                    + metrics.sum("ingest.late_records")
                                    + " (1)");
        } finally {
            client.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void mainRunsABoundedJobFromProgramArguments(@TempDir Path root) throws Exception {
        Topics topics = Topics.withPrefix("main.");
        TestKafka.createTopics(stack.bootstrapServers(), topics.all(), 2);
        List<Transition> episode = TestTransitions.episode("actor-m", "ep-m", 50);
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            for (Transition t : episode) {
                send(kafka, topics, t, TRANSITIONS.encode(t));
            }
            kafka.send(topics.transitions(), bytes("bad"), new byte[] {1, 2, 3});
        }

        // As `flink run ... -job.jar --key value ...` would; the job stops at the topic's end.
        IngestJob.main(
                new String[] {
                    "--kafka.bootstrap.servers",
                    stack.bootstrapServers(),
                    "--kafka.topic-prefix",
                    topics.prefix(),
                    "--kafka.starting-offsets",
                    "EARLIEST",
                    "--kafka.transactional-id-prefix",
                    "it-main",
                    "--kafka.bounded",
                    "--data.root",
                    root.toUri().toString(),
                    "--ingest.checkpoint.interval=1 s",
                    "--ingest.log.compaction.max-delay=1 s"
                });

        assertThat(new ParquetLogReader(root).count()).isEqualTo(episode.size());
        assertThat(deadLetterCount(topics)).isEqualTo(1);

        // The end of the bounded input closes the statistics window of the one episode.
        SingleObjectSerde<EpisodeStats> statsSerde = SingleObjectSerde.forClass(EpisodeStats.class);
        List<ConsumerRecord<byte[], byte[]>> stats =
                TestKafka.readAll(stack.bootstrapServers(), topics.episodeStats());
        assertThat(stats).hasSize(1);
        EpisodeStats window = statsSerde.decode(stats.get(0).value());
        Transition first = episode.get(0);
        assertThat(new String(stats.get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo(first.getEnvId() + "/" + first.getPolicyVersion());
        assertThat(window.getEnvId()).isEqualTo(first.getEnvId());
        assertThat(window.getEpisodes()).isEqualTo(1);
        assertThat(window.getMeanReturn()).isEqualTo(episode.size());
        assertThat(window.getStdReturn()).isZero();
        assertThat(window.getMeanLength()).isEqualTo(episode.size());
        assertThat(window.getWindowEndMs() - window.getWindowStartMs()).isEqualTo(60_000);
        assertThat(episode.get(episode.size() - 1).getEventTimeMs())
                .isBetween(window.getWindowStartMs(), window.getWindowEndMs() - 1);
    }

    private static int deadLetterCount(Topics topics) {
        return TestKafka.readAll(stack.bootstrapServers(), topics.deadLetters()).size();
    }

    private static void assertDeadLetters(Topics topics, Map<String, Bad> badByKey) {
        SingleObjectSerde<DeadLetter> serde = SingleObjectSerde.forClass(DeadLetter.class);
        Map<String, String> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TestKafka.readAll(stack.bootstrapServers(), topics.deadLetters())) {
            DeadLetter dl;
            try {
                dl = serde.decode(record.value());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            String source = source(dl.getSourcePartition(), dl.getSourceOffset());
            Bad bad = badByKey.get(source);
            assertThat(bad).as("the record dead-lettered from " + source).isNotNull();
            assertThat(reasons.put(source, dl.getReason()))
                    .as("dead letters of " + source)
                    .isNull();
            assertThat(dl.getSourceTopic()).isEqualTo(topics.transitions());
            assertThat(dl.getMessage()).isNotBlank();
            assertThat(record.key()).isEqualTo(toBytes(dl.getKey()));
            assertThat(toBytes(dl.getPayload()))
                    .isEqualTo(bad.payload() == null ? new byte[0] : bad.payload());
        }
        Map<String, String> expected = new TreeMap<>();
        badByKey.forEach((key, bad) -> expected.put(key, bad.reason()));
        assertThat(reasons).isEqualTo(expected);
    }

    private static void assertEpisodes(Topics topics) throws Exception {
        SingleObjectSerde<EpisodeSummary> serde = SingleObjectSerde.forClass(EpisodeSummary.class);
        Map<String, EpisodeSummary> byEpisode = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TestKafka.readAll(stack.bootstrapServers(), topics.episodes())) {
            EpisodeSummary s = serde.decode(record.value());
            byEpisode.put(s.getEpisodeId(), s);
        }
        assertThat(byEpisode).containsOnlyKeys("ep-a", "ep-b", "ep-d");
        EpisodeSummary a = byEpisode.get("ep-a");
        assertThat(a.getLength()).isEqualTo(5);
        assertThat(a.getEpisodeReturn()).isEqualTo(5.0);
        assertThat(a.getTerminated()).isTrue();
        assertThat(a.getStartTimeMs()).isEqualTo(TestTransitions.T0);
        assertThat(a.getEndTimeMs()).isEqualTo(TestTransitions.T0 + 4 * 20);
        assertThat(byEpisode.get("ep-d").getLength()).isEqualTo(2);
    }

    private static List<String> identities(String topic) throws Exception {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TestKafka.readAll(stack.bootstrapServers(), topic)) {
            ids.add(identity(TRANSITIONS.decode(record.value())));
        }
        return ids;
    }

    /**
     * The clean topic carries each transition in the current schema, byte for byte what encoding it
     * afresh gives (the producer's bytes are forwarded, not re-encoded), keyed by episode id.
     */
    private static void assertCleanRecordsAreCanonical(String topic) throws Exception {
        for (ConsumerRecord<byte[], byte[]> record :
                TestKafka.readAll(stack.bootstrapServers(), topic)) {
            Transition t = TRANSITIONS.decode(record.value());
            assertThat(record.value()).isEqualTo(TRANSITIONS.encode(t));
            assertThat(record.key()).isEqualTo(bytes(t.getEpisodeId()));
        }
    }

    private static RecordMetadata send(TestKafka kafka, Topics topics, Transition t, byte[] payload)
            throws Exception {
        return kafka.send(topics.transitions(), bytes(t.getEpisodeId()), payload);
    }

    private static String source(int partition, long offset) {
        return partition + "@" + offset;
    }

    private static String identity(Transition t) {
        return t.getActorId() + "/" + t.getEpisodeId() + "/" + t.getStep();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
