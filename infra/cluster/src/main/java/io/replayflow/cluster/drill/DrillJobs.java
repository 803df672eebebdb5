package io.replayflow.cluster.drill;

import io.replayflow.cluster.ClusterConfig;
import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.flink.JobSubmitter;
import io.replayflow.cluster.internal.Classpaths;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.cluster.kafka.ClusterTopics;
import io.replayflow.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.admin.Admin;

/**
 * One drill run on the cluster: its id {@code drill-<name>-<epoch s>}, its own topics ({@code
 * <run>.transitions}, ...), its data root {@code <cluster dir>/drills/<run>/}, and its ingest and
 * replay-store jobs, submitted as their shaded job jars through the REST API with 2 s exactly-once
 * checkpoints.
 *
 * @param run the run id, also the topic prefix without its dot
 * @param root the run's data root
 * @param ingest the ingest job's id
 * @param replayStore the replay-store job's id
 */
record DrillJobs(String run, Path root, String ingest, String replayStore) {

    static final String INGEST_MAIN = "io.replayflow.ingest.IngestJob";
    static final String REPLAY_STORE_MAIN = "io.replayflow.replay.job.ReplayStoreJob";
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

    /**
     * Creates a fresh run's topics and submits its jobs (without waiting for them to run); {@code
     * dedupTtl} bounds ingest's state (the soak sets it short).
     */
    static DrillJobs start(LocalCluster cluster, String drill, Duration dedupTtl)
            throws IOException, InterruptedException {
        ClusterConfig config = cluster.config();
        String run = "drill-" + drill + "-" + System.currentTimeMillis() / 1000;
        try (Admin admin = cluster.kafka().admin()) {
            ClusterTopics.ensure(
                    admin,
                    Topics.withPrefix(run + "."),
                    config.partitions(),
                    Duration.ofMinutes(1));
        }
        Path root = config.dir().resolve("drills").resolve(run);
        JobSubmitter jobs = cluster.jobs();
        String prefix = run + ".";
        String rootUri = root.toUri().toString();
        String interval = CHECKPOINT_INTERVAL.toMillis() + " ms";
        String ingest =
                jobs.run(
                        jobs.upload(snapshot(config, "ingest", INGEST_MAIN)),
                        INGEST_MAIN,
                        List.of(
                                "--kafka.bootstrap.servers",
                                config.bootstrapServers(),
                                "--kafka.topic-prefix",
                                prefix,
                                "--kafka.group-id",
                                run + "-ingest",
                                "--kafka.transactional-id-prefix",
                                run + "-ingest",
                                "--data.root",
                                rootUri,
                                "--ingest.parallelism",
                                "1",
                                "--ingest.checkpoint.interval",
                                interval,
                                "--ingest.dedup.ttl",
                                dedupTtl.toMillis() + " ms",
                                "--ingest.log.row-group-size",
                                "8 mb",
                                "--ingest.log.compaction.max-delay",
                                "10 s"));
        String replay =
                jobs.run(
                        jobs.upload(snapshot(config, "replay-store", REPLAY_STORE_MAIN)),
                        REPLAY_STORE_MAIN,
                        List.of(
                                "--kafka.bootstrap.servers", config.bootstrapServers(),
                                "--kafka.topic-prefix", prefix,
                                "--replay.kafka.group-id", run + "-replay",
                                "--data.root", rootUri,
                                "--replay.checkpoint.interval", interval));
        return new DrillJobs(run, root, ingest, replay);
    }

    /** The run's topic names. */
    Topics topics() {
        return Topics.withPrefix(run + ".");
    }

    /** Waits until both jobs run every task and each has completed a checkpoint since. */
    void awaitHealthy(JobSubmitter jobs, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.in(timeout);
        for (String job : List.of(ingest, replayStore)) {
            long before = completedCheckpoints(jobs, job);
            boolean ok =
                    deadline.await(
                            () ->
                                    fullyRunning(jobs, job)
                                            && completedCheckpoints(jobs, job) > before,
                            Duration.ofSeconds(1));
            if (!ok) {
                throw new ClusterException(
                        "job " + job + " is not running with fresh checkpoints after " + timeout);
            }
        }
    }

    /** Cancels both jobs, ignoring a job that is gone already. */
    void cancel(JobSubmitter jobs) {
        for (String job : List.of(ingest, replayStore)) {
            try {
                jobs.cancel(job);
            } catch (IOException | RuntimeException e) {
                // already finished or failed: nothing to cancel
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static long completedCheckpoints(JobSubmitter jobs, String job) {
        try {
            return jobs.checkpoints(job).completed();
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static boolean fullyRunning(JobSubmitter jobs, String job) {
        try {
            return jobs.fullyRunning(job);
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A private copy of a module's job jar under {@code <dir>/jobs/}, read through once (every
     * entry's local header and CRC) and checked to hold its entry class: a build that rewrites the
     * jar in place while it is copied would otherwise hand the cluster a torn file. A torn copy is
     * retried a few times, 5 s apart.
     */
    static Path snapshot(ClusterConfig config, String module, String mainClass)
            throws IOException, InterruptedException {
        Path source = Classpaths.jobJar(module);
        Path copy = config.dir().resolve("jobs").resolve(source.getFileName());
        Files.createDirectories(copy.getParent());
        String entry = mainClass.replace('.', '/') + ".class";
        for (int attempt = 1; ; attempt++) {
            Path tmp = Files.createTempFile(copy.getParent(), module, ".tmp");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            if (complete(tmp, entry)) {
                Files.move(
                        tmp,
                        copy,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                return copy;
            }
            Files.deleteIfExists(tmp);
            if (attempt == 5) {
                throw new ClusterException(
                        source
                                + " is not a complete jar with "
                                + entry
                                + " (being rebuilt?): rebuild "
                                + module
                                + " and retry");
            }
            Thread.sleep(5_000);
        }
    }

    private static boolean complete(Path jar, String entry) {
        boolean found = false;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            byte[] buffer = new byte[64 * 1024];
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                found |= e.getName().equals(entry);
                while (zip.read(buffer) >= 0) {
                    // reading verifies the entry's CRC
                }
            }
            return found;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
