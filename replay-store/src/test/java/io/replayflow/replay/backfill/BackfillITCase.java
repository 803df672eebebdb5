package io.replayflow.replay.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.replay.data.testing.ExperienceFiles;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.job.internal.EpisodeHashKey;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.replay.scoring.PolicyAnnouncement;
import io.replayflow.replay.testing.JobRuns;
import io.replayflow.replay.testing.TopicWriter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.testing.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfill against a real Flink MiniCluster in BATCH mode, over experience-log Parquet files
 * written the way ingest writes them: the backfilled dataset equals the streaming job's dataset
 * over the same transitions (DuckDB {@code EXCEPT} both ways, priorities aside), and a reader
 * concurrent with a backfill that replaces a dataset sees the old version or the new, never a mix.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BackfillITCase {

    private static final String ENV = "CartPole-v1";
    private static final long HOUR = 3_600_000L;

    private static LocalStack stack;

    @TempDir static Path dataRoot;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().partitions(2).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static ReplayStoreConfig.Builder config(String dataset) {
        return ReplayStoreConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .dataRoot(dataRoot.toUri())
                .datasetName(dataset)
                .checkpointInterval(Duration.ofMillis(500))
                .episodeIdleTimeout(Duration.ofSeconds(2))
                .sourceIdleness(Duration.ofSeconds(1));
    }

    private static StreamExecutionEnvironment batchEnv() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return stack.executionEnvironment(conf);
    }

    /** Episodes ending every way (terminated, truncated, still open), across an hour boundary. */
    private static List<Transition> log(String prefix, long startMs, int episodes) {
        List<Transition> log = new ArrayList<>();
        for (int e = 0; e < episodes; e++) {
            log.addAll(
                    Transitions.episode(
                            ENV,
                            "actor-" + (e % 3),
                            prefix + e,
                            3 + (e * 7) % 40,
                            startMs + e * 20_000L,
                            1_000,
                            e % 3 == 0,
                            e % 3 == 1,
                            e % 4,
                            4));
        }
        return log;
    }

    @Test
    void backfillHoldsTheStreamingJobsRowsTargetsAndReturns() throws Exception {
        long start = (System.currentTimeMillis() / HOUR) * HOUR - 10 * 60_000L;
        List<Transition> log = log("eq-", start, 60);
        Path experience = Path.of(DatasetLayout.experienceLog(dataRoot.toUri()));
        ExperienceFiles.writePartitioned(experience, log);

        JobClient streaming = JobRuns.start(stack, config("default").build(), null);
        try (TopicWriter kafka = new TopicWriter(stack.bootstrapServers())) {
            kafka.transitions(stack.topics().cleanTransitions(), log);
            ReplayDataset reader =
                    ReplayDataset.open(
                            config("default").build().datasetUri(), ReplayReadOptions.defaults());
            Await.until(
                    "the streaming job commits all " + log.size() + " rows",
                    Duration.ofSeconds(90),
                    () -> reader.refresh().liveRows() == log.size());
        } finally {
            streaming.cancel().get(30, TimeUnit.SECONDS);
        }

        List<Backfill.Progress> progress = new ArrayList<>();
        Backfill.Result result =
                Backfill.run(
                        batchEnv(),
                        config("backfilled").build(),
                        BackfillRange.all(),
                        progress::add,
                        Duration.ofMillis(200));

        assertThat(result.rowsRead()).isEqualTo(log.size());
        assertThat(result.rowsWritten()).isEqualTo(log.size());
        assertThat(result.partitions()).isEqualTo(2);
        String streamed = glob("default");
        String backfilled = glob("backfilled");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(count(duck, "SELECT count(*) FROM " + backfilled)).isEqualTo(log.size());
            assertThat(columns(duck, backfilled)).isEqualTo(columns(duck, streamed));
            assertThat(count(duck, except(backfilled, streamed))).isZero();
            assertThat(count(duck, except(streamed, backfilled))).isZero();
            assertThat(
                            count(
                                    duck,
                                    "SELECT count(*) FROM "
                                            + backfilled
                                            + " WHERE n_step_count = 3 AND NOT bootstrap_cut"))
                    .as("the default n-step targets are there, not just equal")
                    .isPositive();
        }

        // A 64-bit key on which every episode ties (no bits kept): the enrichment's check fails
        // the first run and the backfill reruns with the exact key, to the same rows.
        Backfill.Result collided =
                Backfill.run(
                        batchEnv(),
                        config("collided").build(),
                        BackfillRange.all(),
                        null,
                        p -> {},
                        Duration.ofMillis(200),
                        new EpisodeHashKey(0L));
        assertThat(collided.rowsWritten()).isEqualTo(log.size());
        String rerun = glob("collided");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(count(duck, except(rerun, streamed))).isZero();
            assertThat(count(duck, except(streamed, rerun))).isZero();
        }
    }

    /**
     * An actor can take several steps in one millisecond (`collect` does), so an episode's steps
     * may share their event time; BATCH mode hands a key's rows over in timestamp order, and an
     * episode must still come out whole, its last step last: one complete run per episode, each
     * row's n-step window as long as the steps left allow.
     */
    @Test
    void stepsThatShareAnEventTimeStillMakeOneWholeEpisode() throws Exception {
        long start = (System.currentTimeMillis() / HOUR - 70) * HOUR;
        List<Transition> log = new ArrayList<>();
        for (int e = 0; e < 20; e++) {
            // every step of the episode in the same millisecond
            log.addAll(
                    Transitions.episode(
                            ENV,
                            "actor-t",
                            "tie-" + e,
                            5 + e,
                            start + e * 1_000L,
                            0,
                            true,
                            false,
                            0,
                            4));
        }
        Path root = dataRoot.resolve("ties");
        ExperienceFiles.writePartitioned(root.resolve(DatasetLayout.EXPERIENCE_DIR), log);
        Backfill.run(
                batchEnv(),
                config("ties").dataRoot(root.toUri()).build(),
                BackfillRange.all(),
                p -> {},
                Duration.ofMillis(200));

        String rows =
                "read_parquet('"
                        + root.resolve("replay").resolve("ties")
                        + "/**/*.parquet', hive_partitioning = false)";
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(count(duck, "SELECT count(*) FROM " + rows)).isEqualTo(log.size());
            assertThat(
                            count(
                                    duck,
                                    "SELECT count(*) FROM "
                                            + rows
                                            + " WHERE NOT episode_complete OR return_to_go IS"
                                            + " NULL"))
                    .as("every row belongs to its episode's one complete run")
                    .isZero();
            assertThat(
                            count(
                                    duck,
                                    "SELECT count(*) FROM (SELECT step, n_step_count, count(*)"
                                            + " OVER (PARTITION BY episode_id) AS len FROM "
                                            + rows
                                            + ") WHERE n_step_count <> least(3, len - step)"))
                    .as("n-step windows run to the episode's last step, in step order")
                    .isZero();
        }
    }

    @Test
    void aConcurrentReaderSeesTheOldDatasetOrTheNewNeverAMix() throws Exception {
        long start = (System.currentTimeMillis() / HOUR - 30) * HOUR;
        List<Transition> log = new ArrayList<>();
        for (int h = 0; h < 6; h++) {
            log.addAll(log("h" + h + "-", start + h * HOUR, 20));
        }
        Path root = dataRoot.resolve("atomic");
        ExperienceFiles.writePartitioned(root.resolve(DatasetLayout.EXPERIENCE_DIR), log);
        long half = start + 3 * HOUR;
        long oldRows = log.stream().filter(t -> t.getEventTimeMs() < half).count();
        ReplayStoreConfig config = config("swap").dataRoot(root.toUri()).build();
        Backfill.run(
                batchEnv(),
                config,
                new BackfillRange(null, Long.MIN_VALUE, half, Set.of()),
                p -> {},
                Duration.ofSeconds(1));
        URI dataset = config.datasetUri();

        Set<Integer> seen = new ConcurrentSkipListSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                while (!stop.get()) {
                                    seen.add(
                                            ReplayDataset.open(
                                                            dataset, ReplayReadOptions.defaults())
                                                    .liveRows());
                                }
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        },
                        "concurrent-reader");
        reader.start();
        Await.until(
                "the reader reads the old dataset", Duration.ofSeconds(30), () -> !seen.isEmpty());
        Backfill.run(batchEnv(), config, BackfillRange.all(), p -> {}, Duration.ofSeconds(1));
        Await.until(
                "the reader reads the new dataset",
                Duration.ofSeconds(30),
                () -> seen.contains(log.size()) || failure.get() != null);
        stop.set(true);
        reader.join(10_000);

        assertThat(failure.get()).isNull();
        assertThat(seen).containsOnly((int) oldRows, log.size());
        try (var versions = Files.list(root.resolve("replay/.backfill/swap"))) {
            assertThat(versions.count()).as("current and previous version kept").isEqualTo(2);
        }
        Files.createDirectories(root.resolve("replay/streamed"));
        assertThatThrownBy(
                        () ->
                                DatasetSwap.prepare(
                                        root.toUri(), "streamed", java.time.Instant.now()))
                .hasMessageContaining("was not written by a backfill");
    }

    /**
     * {@code --score-with}: every backfilled row's initial priority is |r_n + γ^n (1 - cut) max_a
     * Q(s_n, a) - Q(s, a)| + ε under the given policy, as the streaming job's scorer gives it,
     * recomputed here in plain Java from the written columns (none left at the initial 1.0).
     */
    @Test
    void scoreWithGivesEveryRowItsTdPriorityUnderThePolicy() throws Exception {
        long start = (System.currentTimeMillis() / HOUR - 50) * HOUR;
        List<Transition> log = log("sc-", start, 30);
        Path root = dataRoot.resolve("scored");
        ExperienceFiles.writePartitioned(root.resolve(DatasetLayout.EXPERIENCE_DIR), log);
        MlpPolicy network = MlpPolicy.random(4, new int[] {16}, 2, 7);
        Path artifact = root.resolve("policies/scorer/3");
        PolicyManifest manifest = network.write(artifact, "scorer", 3);
        ReplayStoreConfig config = config("scored").dataRoot(root.toUri()).build();

        Backfill.Result result =
                Backfill.run(
                        batchEnv(),
                        config,
                        BackfillRange.all(),
                        PolicyAnnouncement.of(manifest, artifact),
                        p -> {},
                        Duration.ofSeconds(1));

        assertThat(result.rowsWritten()).isEqualTo(log.size());
        String rows =
                "SELECT obs, action, n_step_return, bootstrap_discount, bootstrap_cut,"
                        + " bootstrap_obs, priority FROM read_parquet('"
                        + root.resolve("replay/scored")
                        + "/**/*.parquet', hive_partitioning = false)";
        int checked = 0;
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs = duck.createStatement().executeQuery(rows)) {
            while (rs.next()) {
                double target = rs.getFloat(3);
                if (!rs.getBoolean(5)) {
                    double[] next = network.q(floats(rs.getArray(6)));
                    target += rs.getFloat(4) * Math.max(next[0], next[1]);
                }
                double td =
                        Math.abs(target - network.q(floats(rs.getArray(1)))[rs.getInt(2)]) + 1e-6;
                assertThat(rs.getDouble(7))
                        .as("priority of row %d", checked)
                        .isCloseTo(td, within(1e-4 * Math.max(1.0, td)));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(log.size());
    }

    private static float[] floats(java.sql.Array array) throws Exception {
        Object[] values = (Object[]) array.getArray();
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values[i]).floatValue();
        }
        return out;
    }

    private static String glob(String dataset) {
        return "read_parquet('"
                + dataRoot.resolve("replay").resolve(dataset)
                + "/**/*.parquet', hive_partitioning = false)";
    }

    private static String except(String a, String b) {
        return "SELECT count(*) FROM (SELECT * EXCLUDE (priority) FROM "
                + a
                + " EXCEPT SELECT * EXCLUDE (priority) FROM "
                + b
                + ")";
    }

    private static long count(Connection duck, String sql) throws Exception {
        try (ResultSet rs = duck.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> columns(Connection duck, String relation) throws Exception {
        List<String> names = new ArrayList<>();
        try (ResultSet rs =
                duck.createStatement().executeQuery("DESCRIBE SELECT * FROM " + relation)) {
            while (rs.next()) {
                names.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return names;
    }
}
