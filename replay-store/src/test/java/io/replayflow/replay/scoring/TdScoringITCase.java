package io.replayflow.replay.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.testing.JobMetrics;
import io.replayflow.replay.testing.JobRuns;
import io.replayflow.replay.testing.TopicWriter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Initial priorities from the latest policy, with a real broker, a real MiniCluster (parallelism
 * 2), real Parquet and real TensorFlow: rows before any policy enter at the running max; a tampered
 * artifact is refused and counted; rows after a good version get |TD| priorities equal to an
 * independent computation (DuckDB reads the written columns, plain Java evaluates the network);
 * after a restart from the checkpoint the policy comes back from broadcast state and keeps scoring.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TdScoringITCase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ENV = "CartPole-v1";
    private static final String POLICY = "cartpole";
    private static final double GAMMA = 0.9;
    private static final double EPSILON = 1e-6;
    private static final MlpPolicy NETWORK = MlpPolicy.random(4, new int[] {16}, 2, 11);

    private static LocalStack stack;

    @TempDir static Path dataRoot;

    @BeforeAll
    static void startStack() {
        Configuration flink = new Configuration();
        // the metric checks below read Flink's REST API, which caches for 10 s by default
        flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        stack = LocalStack.builder().partitions(2).flinkConfiguration(flink).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static ReplayStoreConfig config() {
        return ReplayStoreConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .dataRoot(dataRoot.toUri())
                .datasetName("scored")
                .nStep(3)
                .gamma(GAMMA)
                .checkpointInterval(Duration.ofMillis(500))
                .sourceIdleness(Duration.ofSeconds(1))
                .scoringBatchSize(8)
                .scoringMaxWait(Duration.ofMillis(200))
                .scoringPolicyName(POLICY)
                .build();
    }

    private static JobClient start(String restoreFrom) throws Exception {
        return JobRuns.start(stack, config(), restoreFrom);
    }

    @Test
    void scoresNewRowsWithTheLatestVerifiedPolicyAcrossARestart() throws Exception {
        long start = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
        Path policies = dataRoot.resolve("policies").resolve(POLICY);
        JobClient job = start(null);
        try (TopicWriter kafka = new TopicWriter(stack.bootstrapServers())) {
            String jobId = job.getJobID().toString();
            List<Transition> before = episodes("a", 3, start);
            kafka.transitions(stack.topics().cleanTransitions(), before);
            Map<String, Row> rows = awaitRows(before.size());
            assertThat(rows.values())
                    .as("no policy yet: the running max (the initial priority, 1)")
                    .allSatisfy(r -> assertThat(r.priority).isEqualTo(1.0));

            Path tampered = policies.resolve("1");
            PolicyManifest bad = NETWORK.write(tampered, POLICY, 1);
            Files.writeString(tampered.resolve("saved_model.pb"), "tampered");
            kafka.policy(stack.topics().policies(), MlpPolicy.announcement(bad, tampered));
            Await.until(
                    "both subtasks to refuse the tampered v1",
                    WAIT,
                    () -> metric(jobId, "policies_rejected_checksum_mismatch") == 2);

            Path good = policies.resolve("2");
            PolicyManifest v2 = NETWORK.write(good, POLICY, 2);
            kafka.policy(stack.topics().policies(), MlpPolicy.announcement(v2, good));
            Await.until("both subtasks to load v2", WAIT, () -> metric(jobId, "policy_loads") == 2);

            List<Transition> after = episodes("b", 4, start + 10_000);
            kafka.transitions(stack.topics().cleanTransitions(), after);
            rows = awaitRows(before.size() + after.size());
            checkScored(rows, "b-", after.size());
            assertThat(rows.get("a-0/0").priority)
                    .as("rows written earlier keep theirs")
                    .isEqualTo(1.0);
            Await.until(
                    "the scored rows counted",
                    WAIT,
                    () -> metric(jobId, "transitions_scored") == after.size());

            stack.miniCluster().triggerCheckpoint(job.getJobID()).get(60, TimeUnit.SECONDS);
            job.cancel().get(60, TimeUnit.SECONDS);
            Await.until(
                    "the job to stop",
                    WAIT,
                    () -> job.getJobStatus().get().isGloballyTerminalState());

            JobClient restarted = start(JobRuns.latestCheckpoint(stack, jobId));
            try {
                String restartedId = restarted.getJobID().toString();
                List<Transition> later = episodes("c", 3, start + 20_000);
                kafka.transitions(stack.topics().cleanTransitions(), later);
                rows = awaitRows(before.size() + after.size() + later.size());
                checkScored(rows, "c-", later.size());
                Await.until(
                        "v2 reloaded from broadcast state by each subtask",
                        WAIT,
                        () -> metric(restartedId, "policy_loads") == 2);
                assertThat(metric(restartedId, "policies_rejected_checksum_mismatch"))
                        .as("the policies topic resumes after v2: v1 is not seen again")
                        .isZero();
            } finally {
                restarted.cancel().get(60, TimeUnit.SECONDS);
            }
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel();
            }
        }
    }

    /** Episodes of CartPole-shaped transitions; the first of each prefix terminates. */
    private static List<Transition> episodes(String prefix, int count, long startMs) {
        List<Transition> out = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            out.addAll(
                    Transitions.episode(
                            ENV,
                            "actor-" + e,
                            prefix + "-" + e,
                            5 + e,
                            startMs + e * 1_000L,
                            10,
                            e % 2 == 0,
                            e % 2 == 1,
                            1,
                            4));
        }
        return out;
    }

    /**
     * Each row of the episodes with {@code prefix} has priority |G + D (1 - cut) max_a Q(s_n, a) -
     * Q(s, a)| + epsilon under the network, evaluated here in plain Java from the written columns.
     */
    private static void checkScored(Map<String, Row> rows, String prefix, int expected) {
        int checked = 0;
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            Row r = e.getValue();
            double target = r.nStepReturn;
            if (!r.cut) {
                double[] next = NETWORK.q(r.bootstrapObs);
                target += r.discount * Math.max(next[0], next[1]);
            }
            double td = Math.abs(target - NETWORK.q(r.obs)[r.action]) + EPSILON;
            assertThat(r.priority)
                    .as("priority of %s", e.getKey())
                    .isCloseTo(td, within(1e-4 * Math.max(1.0, td)));
            checked++;
        }
        assertThat(checked).isEqualTo(expected);
    }

    private record Row(
            float[] obs,
            int action,
            double nStepReturn,
            double discount,
            boolean cut,
            float[] bootstrapObs,
            double priority) {}

    /** Waits until the dataset holds {@code count} committed rows, then reads them with DuckDB. */
    private static Map<String, Row> awaitRows(int count) throws Exception {
        Await.until("all " + count + " rows committed", WAIT, () -> readRows().size() == count);
        return readRows();
    }

    private static Map<String, Row> readRows() throws Exception {
        Path dataset = Path.of(config().datasetUri());
        if (!Files.isDirectory(dataset)) {
            return Map.of();
        }
        try (var files = Files.walk(dataset)) {
            if (files.noneMatch(p -> p.toString().endsWith(".parquet") && !hidden(p))) {
                return Map.of();
            }
        }
        String glob = dataset.resolve("env_id=*/*/*/*.parquet").toString();
        Map<String, Row> out = new HashMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        db.createStatement()
                                .executeQuery(
                                        "SELECT episode_id, step, obs, action, n_step_return,"
                                                + " bootstrap_discount, bootstrap_cut,"
                                                + " bootstrap_obs, priority FROM read_parquet('"
                                                + glob
                                                + "', hive_partitioning = true)")) {
            while (rs.next()) {
                out.put(
                        rs.getString(1) + "/" + rs.getLong(2),
                        new Row(
                                floats(rs.getArray(3)),
                                rs.getInt(4),
                                rs.getFloat(5),
                                rs.getFloat(6),
                                rs.getBoolean(7),
                                floats(rs.getArray(8)),
                                rs.getDouble(9)));
            }
        }
        return out;
    }

    private static boolean hidden(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(".") || name.startsWith("_");
    }

    private static float[] floats(java.sql.Array array) throws Exception {
        Object[] values = (Object[]) array.getArray();
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values[i]).floatValue();
        }
        return out;
    }

    private static double metric(String jobId, String name) throws Exception {
        return JobMetrics.sum(stack.flinkRestAddress(), jobId, "replay." + name);
    }
}
