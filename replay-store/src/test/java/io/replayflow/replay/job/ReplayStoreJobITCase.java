package io.replayflow.replay.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.nstep.EpisodeEnd;
import io.replayflow.replay.nstep.NStepTargets;
import io.replayflow.replay.read.ReplayBatch;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.replay.read.SamplerSpec;
import io.replayflow.replay.read.TransitionId;
import io.replayflow.replay.sample.BetaSchedule;
import io.replayflow.replay.testing.JobMetrics;
import io.replayflow.replay.testing.JobRuns;
import io.replayflow.replay.testing.TopicWriter;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.testing.Await;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay-store job against a real Kafka broker (KRaft) and a real Flink MiniCluster: clean
 * transitions in, trainer-style priority updates in, the dataset's rows and priorities checked
 * through the reader; then the job is cancelled and restarted from its retained checkpoint, more
 * updates arrive, and the dataset's priorities reflect every update under last-writer-wins.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplayStoreJobITCase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ENV = "CartPole-v1";

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

    private static ReplayStoreConfig config() {
        return ReplayStoreConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .dataRoot(dataRoot.toUri())
                .datasetName("it")
                .nStep(3)
                .gamma(0.9)
                .checkpointInterval(Duration.ofMillis(500))
                .priorityFlushInterval(Duration.ofMillis(300))
                .sourceIdleness(Duration.ofSeconds(1))
                .build();
    }

    private static JobClient start(String restoreFrom) throws Exception {
        return JobRuns.start(stack, config(), restoreFrom);
    }

    @Test
    void datasetPrioritiesReflectTrainerUpdatesAcrossARestartFromTheCheckpoint() throws Exception {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(30).toMillis());
        List<Transition> log = new ArrayList<>();
        Map<String, List<Transition>> episodes = new HashMap<>();
        for (int e = 0; e < 12; e++) {
            List<Transition> episode =
                    Transitions.episode(
                            ENV,
                            "actor-" + (e % 3),
                            "ep-" + e,
                            4 + e,
                            start + e * 1_000L,
                            10,
                            e % 2 == 0,
                            e % 2 == 1,
                            1,
                            4);
            episodes.put("ep-" + e, episode);
            log.addAll(episode);
        }
        URI dataset = config().datasetUri();
        JobClient job = start(null);
        try (TopicWriter kafka = new TopicWriter(stack.bootstrapServers())) {
            kafka.transitions(stack.topics().cleanTransitions(), log);
            kafka.raw(
                    stack.topics().cleanTransitions(),
                    null,
                    "not avro".getBytes(StandardCharsets.UTF_8));

            ReplayDataset reader = ReplayDataset.open(dataset, ReplayReadOptions.defaults());
            Await.until(
                    "all " + log.size() + " rows committed to " + dataset,
                    WAIT,
                    () -> reader.refresh().liveRows() == log.size());
            assertThat(reader.isEnriched()).isTrue();
            checkNStepColumns(reader, episodes);

            // trainer updates at step 100: rows of ep-0..ep-2, step 1, priority 10 + episode
            List<PriorityUpdate> first = new ArrayList<>();
            for (int e = 0; e < 3; e++) {
                first.add(update(reader, "ep-" + e, 1, 10 + e, 100));
            }
            PriorityUpdate nan = update(reader, "ep-3", 0, 1, 100);
            nan.setPriority(Double.NaN);
            PriorityUpdate negative = update(reader, "ep-3", 1, 1, 100);
            negative.setPriority(-2.0);
            PriorityUpdate unknown = update(reader, "ep-3", 2, 1, 100);
            unknown.setEpisodeId("no-such-episode");
            List<PriorityUpdate> batch1 = new ArrayList<>(first);
            batch1.addAll(List.of(nan, negative, unknown));
            kafka.updates(stack.topics().priorities(), batch1);

            Await.until(
                    "the first updates persisted",
                    WAIT,
                    () -> {
                        Map<String, Double> p = priorities(dataset);
                        return Double.valueOf(10.0).equals(p.get("ep-0/1"))
                                && Double.valueOf(12.0).equals(p.get("ep-2/1"));
                    });
            Map<String, Double> before = priorities(dataset);
            assertThat(before.get("ep-0/1")).isEqualTo(10.0);
            assertThat(before.get("ep-2/1")).isEqualTo(12.0);
            assertThat(before.get("ep-3/0")).isEqualTo(1.0); // NaN refused: initial priority
            assertThat(before.get("ep-3/1")).isEqualTo(1.0); // negative refused
            String jobId = job.getJobID().toString();
            Await.until(
                    "each refused update counted under its reason",
                    WAIT,
                    () ->
                            rejected(jobId, "nan") == 1
                                    && rejected(jobId, "negative") == 1
                                    && rejected(jobId, "unknown_transition") == 1
                                    && JobMetrics.sum(
                                                    stack.flinkRestAddress(),
                                                    jobId,
                                                    "replay.transitions_undecodable")
                                            == 1);

            // A checkpoint completes after that state, then the job goes away; its last
            // checkpoint is retained on cancellation.
            stack.miniCluster().triggerCheckpoint(job.getJobID()).get(60, TimeUnit.SECONDS);
            job.cancel().get(60, TimeUnit.SECONDS);
            Await.until(
                    "the job to be cancelled",
                    WAIT,
                    () -> job.getJobStatus().get().isGloballyTerminalState());
            String checkpoint = JobRuns.latestCheckpoint(stack, job.getJobID().toString());

            // While it is down: newer updates for ep-0, a stale one for ep-1, a first for ep-4.
            kafka.updates(
                    stack.topics().priorities(),
                    List.of(
                            update(reader, "ep-0", 1, 20, 200),
                            update(reader, "ep-1", 1, 99, 50),
                            update(reader, "ep-4", 2, 7, 150)));
            // and more experience
            List<Transition> more =
                    Transitions.episode(
                            ENV, "actor-9", "ep-late", 5, start + 60_000, 10, true, false, 2, 4);
            kafka.transitions(stack.topics().cleanTransitions(), more);
            reader.close();

            JobClient restarted = start(checkpoint);
            try {
                Await.until(
                        "the restarted job to apply the updates made while it was down",
                        WAIT,
                        () -> {
                            Map<String, Double> p = priorities(dataset);
                            return Double.valueOf(20.0).equals(p.get("ep-0/1"))
                                    && Double.valueOf(7.0).equals(p.get("ep-4/2"))
                                    && p.get("ep-late/0") != null;
                        });
                Map<String, Double> after = priorities(dataset);
                assertThat(after.get("ep-0/1")).isEqualTo(20.0); // newer trainer step wins
                assertThat(after.get("ep-1/1")).isEqualTo(11.0); // stale update (50 < 100) lost
                assertThat(after.get("ep-2/1")).isEqualTo(12.0); // from the restored state
                assertThat(after.get("ep-4/2")).isEqualTo(7.0);
                // rows written before the restart are neither lost nor duplicated
                assertThat(after).hasSize(log.size() + more.size());
                assertThat(countRowsWithDuckDb(dataset)).isEqualTo(log.size() + more.size());
                // new rows enter at the running max: at least 12, the max before the restart
                // (restored broadcast state; the initial priority is 1), 20 if that update
                // arrived first
                assertThat(after.get("ep-late/0")).isIn(12.0, 20.0);
            } finally {
                restarted.cancel().get(60, TimeUnit.SECONDS);
            }
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel();
            }
        }
    }

    /** The n-step columns the job wrote match the hand-checked pure function. */
    private static void checkNStepColumns(
            ReplayDataset reader, Map<String, List<Transition>> episodes) {
        ReplayBatch batch = reader.newBatch(512);
        reader.sample(batch);
        for (int j = 0; j < batch.size(); j++) {
            TransitionId id = reader.transitionId(batch.rowIds()[j]);
            List<Transition> episode = episodes.get(id.episodeId());
            float[] rewards = new float[episode.size()];
            for (int i = 0; i < rewards.length; i++) {
                rewards[i] = episode.get(i).getReward();
            }
            Transition last = episode.get(episode.size() - 1);
            EpisodeEnd end = last.getTerminated() ? EpisodeEnd.TERMINATED : EpisodeEnd.TRUNCATED;
            NStepTargets.Result expected = NStepTargets.compute(rewards, end, 3, 0.9);
            int t = (int) id.step();
            assertThat(batch.nStepReturn()[j]).isEqualTo(expected.nStepReturn()[t]);
            assertThat(batch.bootstrapDiscount()[j]).isEqualTo(expected.bootstrapDiscount()[t]);
            assertThat(batch.bootstrapCut()[j]).isEqualTo(expected.bootstrapCut()[t]);
            assertThat(batch.returnToGo()[j]).isEqualTo(expected.returnToGo()[t]);
            int b = expected.bootstrapIndex()[t];
            assertThat(batch.bootstrapObs()[j * 4]).isEqualTo((b + 1) * 10f);
        }
    }

    private static PriorityUpdate update(
            ReplayDataset reader, String episode, long step, double priority, long trainerStep) {
        String actor = "actor-" + (Integer.parseInt(episode.substring(3)) % 3);
        int row = reader.findRow(actor, episode, step);
        assertThat(row).as("row of %s step %d", episode, step).isNotNegative();
        return reader.priorityUpdate(row, priority, (float) priority, 1, trainerStep);
    }

    /** Opens the dataset afresh (as a restarted trainer would) and reads every row's priority. */
    private static Map<String, Double> priorities(URI dataset) throws Exception {
        ReplayReadOptions options =
                ReplayReadOptions.builder()
                        .sampler(SamplerSpec.prioritized(0.6, new BetaSchedule(0.4, 1000)))
                        .build();
        Map<String, Double> out = new HashMap<>();
        try (ReplayDataset fresh = ReplayDataset.open(dataset, options)) {
            Set<String> seen = new HashSet<>();
            for (int row : fresh.liveRowIds()) {
                TransitionId id = fresh.transitionId(row);
                String key = id.episodeId() + "/" + id.step();
                assertThat(seen.add(key)).as("duplicate row %s", key).isTrue();
                out.put(key, fresh.priority(row));
            }
        }
        return out;
    }

    private static double rejected(String jobId, String reason) throws Exception {
        return JobMetrics.sum(
                stack.flinkRestAddress(), jobId, "replay.priority_updates_rejected_" + reason);
    }

    private static long countRowsWithDuckDb(URI dataset) throws Exception {
        // data files only: env_id=*/date=*/hour=*/*.parquet (not _priorities/, not dot files)
        String glob = Path.of(dataset).resolve("env_id=*/*/*/*.parquet").toString();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        db.createStatement()
                                .executeQuery(
                                        "SELECT count(*), count(DISTINCT (actor_id, episode_id,"
                                                + " step)) FROM read_parquet('"
                                                + glob
                                                + "', hive_partitioning = true)")) {
            rs.next();
            assertThat(rs.getLong(2)).isEqualTo(rs.getLong(1));
            return rs.getLong(1);
        }
    }
}
