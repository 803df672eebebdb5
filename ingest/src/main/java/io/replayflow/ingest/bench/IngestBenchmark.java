package io.replayflow.ingest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestJob;
import io.replayflow.ingest.IngestOptions;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.hadoop.ParquetFileReader;

/**
 * End-to-end ingest throughput: produce N CartPole-sized transitions to a fresh topic, time a plain
 * consumer reading them raw, then time the ingest job (exactly-once, bounded at the topic's end)
 * from submission until all N are in committed Parquet files, counted from the files' footers, then
 * the same for the job a user would write without ReplayFlow ({@link TextbookIngestJob}). All rates
 * come from the same records in the same run. Within a round the textbook job runs second, so it
 * finds the JVM's code (Kafka's client, Avro, Parquet's writer) compiled by the first: in round 1
 * the comparison favours it. {@link BenchmarkSettings#rounds()} &gt; 1 runs both again over the
 * same records (fresh consumer groups, transactional ids and directories), where both run on warm
 * code.
 *
 * <pre>{@code
 * BenchmarkResult r = IngestBenchmark.run(stack::executionEnvironment,
 *         stack.bootstrapServers(), stack.dataDir(), Optional.of(stack.flinkRestAddress()),
 *         BenchmarkSettings.defaults(), new PrintWriter(System.out, true));
 * }</pre>
 */
public final class IngestBenchmark {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(15);

    private IngestBenchmark() {}

    /**
     * Runs the benchmark on environments from {@code envs} (each a fresh environment of the target
     * cluster) against the broker at {@code bootstrap}, with topics and data under a fresh prefix
     * and directory.
     *
     * @param workDir where the benchmark's log goes ({@code <workDir>/bench-<time>/})
     * @param flinkRest the cluster's REST address, for checkpoint sizes; empty to skip them
     */
    public static BenchmarkResult run(
            Supplier<StreamExecutionEnvironment> envs,
            String bootstrap,
            Path workDir,
            Optional<URI> flinkRest,
            BenchmarkSettings settings,
            PrintWriter out)
            throws Exception {
        String name = "bench-" + System.currentTimeMillis();
        Topics topics = Topics.withPrefix(name + ".");
        createTopics(bootstrap, topics, settings.partitions());
        Path dataRoot = Files.createDirectories(workDir.resolve(name));
        out.printf(
                "Producing %,d transitions to %s...%n",
                settings.transitions(), topics.transitions());
        out.flush();

        long t0 = System.nanoTime();
        long bytes = produce(bootstrap, topics.transitions(), settings);
        double produceSeconds = seconds(t0);

        t0 = System.nanoTime();
        consumeRaw(bootstrap, topics.transitions(), settings.transitions());
        double rawSeconds = seconds(t0);
        out.printf("Raw consume done in %.2f s; running the ingest job...%n", rawSeconds);
        out.flush();

        BenchmarkResult result = null;
        for (int round = 1; round <= settings.rounds(); round++) {
            if (settings.rounds() > 1) {
                out.printf("Round %d of %d%n", round, settings.rounds());
                out.flush();
            }
            result =
                    round(
                            envs,
                            bootstrap,
                            flinkRest,
                            settings,
                            out,
                            name + (round == 1 ? "" : "-r" + round),
                            topics,
                            dataRoot.resolve(round == 1 ? "" : "round-" + round),
                            round,
                            bytes,
                            produceSeconds,
                            rawSeconds);
            result.render(out);
        }
        return result;
    }

    /**
     * One round: the ingest job, then the textbook job, over the records already in {@code topics}'
     * transitions topic, each with its own consumer group, transactional ids and output directory
     * ({@code name}, {@code dataRoot}).
     */
    private static BenchmarkResult round(
            Supplier<StreamExecutionEnvironment> envs,
            String bootstrap,
            Optional<URI> flinkRest,
            BenchmarkSettings settings,
            PrintWriter out,
            String name,
            Topics topics,
            Path dataRoot,
            int round,
            long bytes,
            double produceSeconds,
            double rawSeconds)
            throws Exception {
        IngestConfig config =
                IngestConfig.builder()
                        .bootstrapServers(bootstrap)
                        .topicPrefix(topics.prefix())
                        .dataRoot(dataRoot.toUri().toString())
                        .set(IngestOptions.GROUP_ID, name)
                        .set(IngestOptions.TRANSACTIONAL_ID_PREFIX, name)
                        .set(IngestOptions.STARTING_OFFSETS, IngestOptions.StartingOffsets.EARLIEST)
                        .set(IngestOptions.BOUNDED, true)
                        .set(IngestOptions.PARALLELISM, settings.parallelism())
                        .set(IngestOptions.CHECKPOINT_INTERVAL, settings.checkpointInterval())
                        .set(IngestOptions.COMPACTION_MAX_DELAY, settings.checkpointInterval())
                        .set(IngestOptions.LOG_COMPRESSION, settings.compression())
                        .set(IngestOptions.COMPACTION_ENABLED, settings.compaction())
                        .build();
        long t0 = System.nanoTime();
        JobClient job = IngestJob.start(envs.get(), config);
        long running = awaitRunning(job);
        List<long[]> progress = new ArrayList<>();
        long rows =
                awaitCommitted(
                        dataRoot.resolve(DatasetLayout.EXPERIENCE_DIR),
                        settings.transitions(),
                        job,
                        out,
                        progress);
        long done = System.nanoTime();
        job.getJobExecutionResult().get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        int files = visibleFiles(dataRoot.resolve(DatasetLayout.EXPERIENCE_DIR)).size();
        OptionalLong stateBytes =
                flinkRest.map(rest -> maxStateSize(rest, job)).orElse(OptionalLong.empty());

        out.printf("Ingest done; running the textbook job over the same records...%n");
        out.flush();
        Path textbookDir = dataRoot.resolve("textbook");
        long textbookStart = System.nanoTime();
        JobClient textbook =
                TextbookIngestJob.start(
                        envs.get(),
                        bootstrap,
                        topics.transitions(),
                        name + "-textbook",
                        settings.parallelism(),
                        settings.checkpointInterval(),
                        textbookDir);
        long textbookRunning = awaitRunning(textbook);
        List<long[]> textbookProgress = new ArrayList<>();
        long textbookRows =
                awaitCommitted(
                        textbookDir, settings.transitions(), textbook, out, textbookProgress);
        long textbookDone = System.nanoTime();
        textbook.getJobExecutionResult().get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        BenchmarkResult.TextbookResult textbookResult =
                new BenchmarkResult.TextbookResult(
                        (textbookDone - textbookStart) / 1e9,
                        (textbookDone - textbookRunning) / 1e9,
                        steadyRate(textbookProgress, settings.transitions()),
                        textbookRows,
                        visibleFiles(textbookDir).size());

        BenchmarkResult result =
                new BenchmarkResult(
                        settings,
                        round,
                        bytes,
                        produceSeconds,
                        rawSeconds,
                        (done - t0) / 1e9,
                        (done - running) / 1e9,
                        steadyRate(progress, settings.transitions()),
                        rows,
                        files,
                        stateBytes,
                        settings.transitions() / settings.meanEpisodeLength(),
                        textbookResult);
        return result;
    }

    private static void createTopics(String bootstrap, Topics topics, int partitions)
            throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(
                            topics.all().stream()
                                    .map(t -> new NewTopic(t, partitions, (short) 1))
                                    .toList())
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
    }

    private static long produce(String bootstrap, String topic, BenchmarkSettings settings) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        SingleObjectSerde<Transition> serde = SingleObjectSerde.forClass(Transition.class);
        SyntheticTransitions source =
                new SyntheticTransitions(
                        new SplittableRandom(settings.seed()),
                        64,
                        settings.meanEpisodeLength(),
                        1_795_244_400_000L);
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < settings.transitions(); i++) {
                Transition t = source.next();
                byte[] value = serde.encode(t);
                bytes += value.length;
                producer.send(
                        new ProducerRecord<>(
                                topic, t.getEpisodeId().getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
        return bytes;
    }

    private static void consumeRaw(String bootstrap, String topic, long expected) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    seen += r.value().length > 0 ? 1 : 0;
                }
            }
        }
        if (seen < expected) {
            throw new IllegalStateException(
                    "raw consumer saw " + seen + " of " + expected + " records");
        }
    }

    private static long awaitRunning(JobClient job) throws Exception {
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                break;
            }
            Thread.sleep(10);
        }
        return System.nanoTime();
    }

    /** Waits for {@code expected} committed rows, adding {@code [nanoTime, rows]} samples. */
    private static long awaitCommitted(
            Path experience, long expected, JobClient job, PrintWriter out, List<long[]> progress)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + JOB_TIMEOUT.toNanos();
        long nextReport = start + 1_000_000_000L;
        Map<Path, Long> counted = new HashMap<>();
        while (System.nanoTime() < deadline) {
            long rows = 0;
            for (Path file : visibleFiles(experience)) {
                Long n = counted.get(file);
                if (n == null) {
                    n = rowCount(file);
                    counted.put(file, n);
                }
                rows += n;
            }
            counted.keySet().retainAll(visibleFiles(experience));
            progress.add(new long[] {System.nanoTime(), rows});
            if (rows >= expected) {
                return rows;
            }
            if (System.nanoTime() > nextReport) {
                out.printf("  %5.1f s: %,d rows committed%n", seconds(start), rows);
                out.flush();
                nextReport += 1_000_000_000L;
            }
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState() && status != JobStatus.FINISHED) {
                throw new IllegalStateException("the job ended " + status);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("timed out waiting for " + expected + " committed rows");
    }

    private static List<Path> visibleFiles(Path experience) throws IOException {
        if (!Files.isDirectory(experience)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(experience)) {
            return files.filter(
                            p -> {
                                String n = p.getFileName().toString();
                                return n.endsWith(".parquet") && !n.startsWith(".");
                            })
                    .toList();
        } catch (java.io.UncheckedIOException e) {
            return List.of(); // a file vanished during the walk (compaction); look again
        }
    }

    private static long rowCount(Path file) throws IOException {
        try (ParquetFileReader reader =
                ParquetConf.open(
                        FlinkInputFile.of(new org.apache.flink.core.fs.Path(file.toUri())))) {
            return reader.getRecordCount();
        }
    }

    /**
     * Rows per second between the first samples at which 25% and 90% of {@code total} rows were
     * committed: the rate without job start-up, JIT warm-up and the last checkpoint's wait.
     */
    static double steadyRate(List<long[]> progress, long total) {
        long[] from = null;
        long[] to = null;
        for (long[] sample : progress) {
            if (from == null && sample[1] >= total / 4) {
                from = sample;
            }
            if (to == null && sample[1] >= total * 9 / 10) {
                to = sample;
            }
        }
        if (from == null || to == null || to[0] <= from[0]) {
            return Double.NaN;
        }
        return (to[1] - from[1]) / ((to[0] - from[0]) / 1e9);
    }

    private static OptionalLong maxStateSize(URI rest, JobClient job) {
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    rest.resolve(
                                                            "/jobs/"
                                                                    + job.getJobID()
                                                                    + "/checkpoints"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            JsonNode history = new ObjectMapper().readTree(response.body()).path("history");
            long max = 0;
            for (JsonNode checkpoint : history) {
                max = Math.max(max, checkpoint.path("state_size").asLong());
            }
            return max == 0 ? OptionalLong.empty() : OptionalLong.of(max);
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    private static double seconds(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1e9;
    }
}
