package io.replayflow.cluster.drill;

import io.replayflow.cluster.ClusterConfig;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.flink.JobSubmitter;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The streaming drills ({@code taskmanager-kill}, {@code broker-kill}, {@code soak}): transitions
 * flow from drill actors through the ingest and replay-store jobs while a {@link Fault} strikes,
 * then the experience log (read by DuckDB) and the clean topic (read committed) must hold every
 * acknowledged transition exactly once.
 *
 * <p>Each run is isolated: its own topics ({@code drill-<name>-<epoch>.transitions}, ...), its own
 * jobs and data root ({@code <cluster dir>/drills/<run>/}); the jobs are cancelled at the end.
 *
 * @param name the drill's name, used in the run id
 * @param duration how long the actors publish
 * @param ratePerSecond transitions per second
 * @param fault what strikes
 * @param firstFaultAt when the first fault strikes, from the start of publishing
 * @param faultEvery period of further faults; zero for one fault only
 * @param dedupTtl ingest's dedup TTL (bounds its state)
 * @param boundedChecks whether to sample lag and state size and check they stay bounded
 */
public record StreamDrill(
        String name,
        Duration duration,
        int ratePerSecond,
        Fault fault,
        Duration firstFaultAt,
        Duration faultEvery,
        Duration dedupTtl,
        boolean boundedChecks) {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(15);

    public StreamDrill {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fault, "fault");
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("--rate must be at least 1, was " + ratePerSecond);
        }
        if (duration.compareTo(firstFaultAt) <= 0) {
            throw new IllegalArgumentException(
                    "--duration "
                            + duration.toSeconds()
                            + " s leaves no time for the fault at "
                            + firstFaultAt.toSeconds()
                            + " s: make it longer");
        }
    }

    /** {@code taskmanager-kill}: one TaskManager kill half-way through {@code duration}. */
    public static StreamDrill taskManagerKill(Duration duration, int rate) {
        return new StreamDrill(
                "taskmanager-kill",
                duration,
                rate,
                new TaskManagerKill(),
                duration.dividedBy(2),
                Duration.ZERO,
                Duration.ofMinutes(10),
                false);
    }

    /** {@code broker-kill}: one broker down for 15 s, a third into {@code duration}. */
    public static StreamDrill brokerKill(Duration duration, int rate) {
        return new StreamDrill(
                "broker-kill",
                duration,
                rate,
                new BrokerKill(Duration.ofSeconds(15)),
                duration.dividedBy(3),
                Duration.ZERO,
                Duration.ofMinutes(10),
                false);
    }

    /** {@code soak}: a TaskManager kill every {@code killEvery}, lag and state sampled. */
    public static StreamDrill soak(Duration duration, int rate, Duration killEvery) {
        return new StreamDrill(
                "soak",
                duration,
                rate,
                new TaskManagerKill(),
                killEvery,
                killEvery,
                Duration.ofMinutes(2),
                true);
    }

    /** Runs the drill against {@code cluster}; the report holds the verdict. */
    public DrillReport run(LocalCluster cluster, DrillReport report) throws Exception {
        ClusterConfig config = cluster.config();
        JobSubmitter jobs = cluster.jobs();
        DrillJobs submitted = DrillJobs.start(cluster, name, dedupTtl);
        String run = submitted.run();
        Topics topics = submitted.topics();
        Path root = submitted.root();
        report.line(
                "run %s: topics %s*, data root %s; submitted ingest %s and replay-store %s",
                run, topics.prefix(), root, submitted.ingest(), submitted.replayStore());
        try (TransitionLoad load =
                new TransitionLoad(
                        config.bootstrapServers(), topics.transitions(), run, ratePerSecond)) {
            submitted.awaitHealthy(jobs, JOB_TIMEOUT);
            report.line(
                    "both jobs running and checkpointing; publishing %d transitions/s for %d s",
                    ratePerSecond, duration.toSeconds());
            List<Sample> samples = publish(cluster, run, load, submitted, report);
            Set<String> sent = load.acknowledged();
            report.line(
                    "SENT: %d transitions acknowledged by Kafka (%d handed to the producer, %d"
                            + " failed%s)",
                    sent.size(),
                    load.attempted(),
                    load.failed(),
                    load.firstError() == null ? "" : ", first error: " + load.firstError());
            submitted.awaitHealthy(jobs, JOB_TIMEOUT);
            DeliveryCheck log = awaitLog(root, sent, report);
            DeliveryCheck clean =
                    DeliveryCheck.of(
                            "clean topic " + topics.cleanTransitions() + " (read_committed)",
                            sent,
                            TopicReader.transitionCounts(
                                    config.bootstrapServers(),
                                    topics.cleanTransitions(),
                                    Duration.ofMinutes(1)));
            long deadLetters =
                    TopicReader.count(
                            config.bootstrapServers(), topics.deadLetters(), Duration.ofMinutes(1));
            report.line("ARRIVED: %s", log.line());
            report.line("ARRIVED: %s", clean.line());
            report.line("ARRIVED: %d dead letters in %s", deadLetters, topics.deadLetters());
            verdict(jobs, submitted, load, log, clean, deadLetters, samples, report);
        } finally {
            submitted.cancel(jobs);
        }
        return report;
    }

    /** One reading of the ingest job's consumer lag and checkpointed state size. */
    record Sample(long atMs, long lag, long stateBytes) {}

    /**
     * Publishes for {@code duration}, injecting faults on their own thread (a broker restart takes
     * longer than a fault period on a loaded machine, and must not stretch the publishing); after
     * publishing, waits for the last fault's recovery to finish.
     */
    private List<Sample> publish(
            LocalCluster cluster,
            String run,
            TransitionLoad load,
            DrillJobs submitted,
            DrillReport report)
            throws Exception {
        List<Sample> samples = new ArrayList<>();
        ExecutorService faults = Executors.newSingleThreadExecutor();
        List<Future<?>> injected = new ArrayList<>();
        long start = System.nanoTime();
        long nextFault = firstFaultAt.toMillis();
        long nextSample = 0;
        load.start();
        try {
            while (true) {
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                if (elapsed >= duration.toMillis()) {
                    break;
                }
                if (elapsed >= nextFault) {
                    injected.add(
                            faults.submit(
                                    () -> {
                                        fault.inject(cluster, run, report);
                                        return null;
                                    }));
                    nextFault =
                            faultEvery.isZero()
                                    ? Long.MAX_VALUE
                                    : nextFault + faultEvery.toMillis();
                }
                if (boundedChecks && elapsed >= nextSample) {
                    Sample s = sample(cluster, run, submitted, elapsed);
                    samples.add(s);
                    report.line(
                            "sample: ingest lag %d records, checkpointed state %d bytes, %d"
                                    + " acknowledged",
                            s.lag(), s.stateBytes(), load.acknowledged().size());
                    nextSample = elapsed + SAMPLE_EVERY.toMillis();
                }
                Thread.sleep(250);
            }
            load.stop();
            report.line("stopped publishing after %.1f s", (System.nanoTime() - start) / 1e9);
            for (Future<?> f : injected) {
                f.get(5, TimeUnit.MINUTES);
            }
            return samples;
        } finally {
            faults.shutdownNow();
        }
    }

    private static Sample sample(
            LocalCluster cluster, String run, DrillJobs submitted, long elapsed) {
        long state = -1;
        try {
            state = cluster.jobs().checkpoints(submitted.ingest()).latestStateSizeBytes();
        } catch (Exception e) {
            // JobManager busy restarting the job: no reading this time
        }
        return new Sample(elapsed, lag(cluster, run), state);
    }

    /** Records in the run's transitions topic not yet committed by ingest's consumer group. */
    private static long lag(LocalCluster cluster, String run) {
        try (Admin admin = cluster.kafka().admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(run + "-ingest")
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
            String topic = Topics.withPrefix(run + ".").transitions();
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < cluster.config().partitions(); p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
                    admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Polls the log until every sent identity is visible, or the settle timeout passes. */
    private static DeliveryCheck awaitLog(Path root, Set<String> sent, DrillReport report)
            throws Exception {
        ExperienceLogReader reader = new ExperienceLogReader(root);
        Deadline deadline = Deadline.in(SETTLE_TIMEOUT);
        DeliveryCheck check =
                DeliveryCheck.of("experience log (DuckDB)", sent, reader.identityCounts());
        while (check.missing() > 0 && !deadline.passed()) {
            Thread.sleep(3_000);
            check = DeliveryCheck.of("experience log (DuckDB)", sent, reader.identityCounts());
        }
        report.line("experience log settled: %d of %d visible", check.distinct(), sent.size());
        return check;
    }

    private void verdict(
            JobSubmitter jobs,
            DrillJobs submitted,
            TransitionLoad load,
            DeliveryCheck log,
            DeliveryCheck clean,
            long deadLetters,
            List<Sample> samples,
            DrillReport report)
            throws Exception {
        long ingestRestarts = jobs.restarts(submitted.ingest());
        long replayRestarts = jobs.restarts(submitted.replayStore());
        JobSubmitter.CheckpointStats ingest = jobs.checkpoints(submitted.ingest());
        report.line(
                "ingest restarted %d time(s), last restored checkpoint %s; replay-store restarted"
                        + " %d time(s)",
                ingestRestarts,
                ingest.latestRestoredId().map(String::valueOf).orElse("none"),
                replayRestarts);
        report.check(
                "every publish acknowledged (acks=all, min.insync.replicas 2)", load.failed() == 0);
        report.check("experience log holds every sent transition exactly once", log.exactlyOnce());
        report.check("clean topic holds every sent transition exactly once", clean.exactlyOnce());
        report.check("no dead letters", deadLetters == 0);
        if (fault.restartsJobs()) {
            report.check(
                    "ingest restored from a checkpoint after the kill",
                    ingestRestarts >= 1 && ingest.latestRestoredId().isPresent());
        }
        if (boundedChecks) {
            boundedChecks(samples, report);
        }
    }

    private void boundedChecks(List<Sample> samples, DrillReport report) {
        long lagBound = ratePerSecond * 90L;
        long maxLag = samples.stream().mapToLong(Sample::lag).max().orElse(-1);
        report.check(
                "ingest lag stayed under " + lagBound + " records (90 s of input); max " + maxLag,
                maxLag >= 0 && maxLag <= lagBound);
        int half = samples.size() / 2;
        long firstHalf =
                samples.subList(0, half).stream().mapToLong(Sample::stateBytes).max().orElse(0);
        long secondHalf =
                samples.subList(half, samples.size()).stream()
                        .mapToLong(Sample::stateBytes)
                        .max()
                        .orElse(0);
        report.check(
                String.format(
                        "checkpointed state bounded: max %d bytes in the 2nd half vs %d in the 1st",
                        secondHalf, firstHalf),
                half > 0 && secondHalf <= firstHalf * 3 / 2 + (1 << 20));
    }
}
