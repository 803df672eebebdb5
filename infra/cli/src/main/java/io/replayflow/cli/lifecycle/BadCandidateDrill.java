package io.replayflow.cli.lifecycle;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorProgressListener;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.cli.lifecycle.ControllerDecisions.Kind;
import io.replayflow.cli.lifecycle.ControllerDecisions.Outcome;
import io.replayflow.cluster.drill.DrillReport;
import io.replayflow.cluster.drill.ExperienceLogReader;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestJob;
import io.replayflow.ingest.IngestOptions;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.publish.PolicyPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * {@code drill bad-candidate}, embedded (one JVM: a real KRaft broker and a Flink MiniCluster from
 * {@link LocalStack}, the real ingest job writing the experience log and {@code rf.episodes.stats},
 * real actors acting with real SavedModels, the {@link LifecycleController}).
 *
 * <ol>
 *   <li>v1, a good CartPole controller ({@code q1 − q0 = θ + 0.5·θ̇}, the hand-written policy as a
 *       linear Q-network), and v2, a deliberately poor one (always pushes left, return ≈ 9), are
 *       exported with the trainer's own exporter and announced; v1 is made the champion.
 *   <li>Actors act with v1 until its live statistics hold enough episodes to judge against.
 *   <li>v2 is forced in by hand as a canary on {@code share} of the episodes (no OPE gate), in
 *       automatic mode; the controller, running throughout, must roll it back by itself.
 *   <li>The actors act a while longer, stop, the ingest job drains with a savepoint, and the
 *       experience log is read back with DuckDB: canary episodes before the rollback (goal ≤ 200),
 *       v2's share of the episodes and of the acted transitions while it was the canary and after
 *       the rollback (0), one version per episode, and steps sent against steps logged (each once).
 * </ol>
 *
 * @param dir an empty working directory (broker data, experience log, artifacts)
 * @param share the canary's share of episodes
 * @param envs environments stepped together by the actor
 * @param stepsPerSecond the actor's step rate
 * @param timeout the longest any phase may wait
 */
public record BadCandidateDrill(
        Path dir, double share, int envs, double stepsPerSecond, Duration timeout) {

    private static final String NAME = "drill-cartpole";
    private static final String ENV = "CartPole-v1";
    private static final long CANARY_EPISODE_GOAL = 200;
    private static final Duration AFTER_ROLLBACK = Duration.ofSeconds(15);
    private static final Duration SLACK = Duration.ofMillis(500);

    /** The drill's defaults: a 20% canary, 16 environments at 2000 steps/s. */
    public static BadCandidateDrill defaults(Path dir) {
        return new BadCandidateDrill(dir, 0.2, 16, 2_000, Duration.ofMinutes(5));
    }

    /** The controller's settings: the documented defaults, passes every second. */
    static ControllerConfig controllerConfig() {
        return ControllerOptions.parse(Map.of("controller.poll-interval", "1s"));
    }

    public DrillReport run(DrillReport report) throws Exception {
        ControllerConfig config = controllerConfig();
        Path root = dir.toAbsolutePath();
        report.line("working directory %s", root);
        try (LocalStack stack =
                LocalStack.builder()
                        .dataDir(root.resolve("stack"))
                        .partitions(2)
                        .slotsPerTaskManager(2)
                        .start()) {
            JobClient ingest = startIngest(stack, root);
            List<PolicyArtifact> artifacts = DrillPolicies.goodAndPoor(root, NAME);
            try (PolicyPublisher publisher =
                    PolicyPublisher.create(stack.bootstrapServers(), stack.topics())) {
                for (PolicyArtifact a : artifacts) {
                    publisher.publish(a.toPolicyVersion(Map.of()));
                }
            }
            report.line(
                    "v1 (good: push toward theta + 0.5 theta_dot) and v2 (poor: always left)"
                            + " exported to %s and announced",
                    root.resolve("policies").resolve(NAME));
            AssignmentLog log =
                    new AssignmentLog(
                            stack.bootstrapServers(),
                            Map.of(),
                            stack.topics(),
                            Duration.ofSeconds(30));
            log.publish(manual(root, log).promote(1));
            report.line("assignment #1: v1 champion (by hand)");

            List<Outcome> decisions = new CopyOnWriteArrayList<>();
            Timeline t = new Timeline();
            ActorStatus done;
            try (LifecycleController controller =
                            LifecycleController.onKafka(
                                    config,
                                    root,
                                    List.of(NAME),
                                    stack.bootstrapServers(),
                                    Map.of(),
                                    stack.topics(),
                                    ENV,
                                    new ControllerMetrics(new PrometheusRegistry()),
                                    decisions::add);
                    ActorRunner actors = ActorRunner.start(actorConfig(stack, root))) {
                controller.start();
                await("the actors act with assignment #1", () -> actors.assignmentSequence() == 1);
                long needed = config.rules().rollbackEpisodes();
                awaitSlowly(
                        "v1's live statistics hold " + needed + " episodes",
                        () -> episodes(stack, 1) >= needed);
                report.line("v1 lives: %s", describe(live(stack).get(1L)));

                PolicyAssignment canary = manual(root, log).canary(2, share);
                log.publish(canary);
                t.canaryWritten = System.currentTimeMillis();
                await("the actors follow the canary", () -> actors.assignmentSequence() == 2);
                t.canarySeen = System.currentTimeMillis();
                report.line(
                        "assignment #2: v2 forced in as a %.0f%% canary (by hand, no OPE gate);"
                                + " the actors follow it %d ms after it was written",
                        share * 100, t.canarySeen - t.canaryWritten);

                await(
                        "the controller rolls v2 back",
                        () -> decisions.stream().anyMatch(o -> o.kind() == Kind.ROLLED_BACK));
                t.rollbackWritten = System.currentTimeMillis();
                PolicyAssignment back = log.current(NAME).orElseThrow();
                await(
                        "the actors follow the rollback",
                        () -> actors.assignmentSequence() == back.getSequence());
                t.rollbackSeen = System.currentTimeMillis();
                report.line(
                        "assignment #%d by %s after %.1f s of canary: %s",
                        back.getSequence(),
                        back.getDecider(),
                        (t.rollbackWritten - t.canarySeen) / 1000.0,
                        back.getReason());
                report.line(
                        "the actors follow it %d ms after it was written; acting %s more",
                        t.rollbackSeen - t.rollbackWritten, AFTER_ROLLBACK);
                Thread.sleep(AFTER_ROLLBACK.toMillis());
                actors.stop();
                done = actors.awaitCompletion(ActorProgressListener.NONE);
                report.check(
                        "the controller rolled v2 back by itself",
                        "controller".equals(back.getDecider())
                                && back.getCanary() == null
                                && back.getChampion().getVersion() == 1);
                report.check(
                        "it decided nothing else",
                        decisions.stream().allMatch(o -> o.kind() == Kind.ROLLED_BACK)
                                && decisions.size() == 1);
            }
            drain(ingest, root, report);
            verify(root, done, t, report);
        }
        return report;
    }

    /** When the canary and the rollback were written and when the actors followed them. */
    private static final class Timeline {
        long canaryWritten;
        long canarySeen;
        long rollbackWritten;
        long rollbackSeen;
    }

    private void verify(Path root, ActorStatus done, Timeline t, DrillReport report)
            throws Exception {
        ExperienceLogReader reader = new ExperienceLogReader(root);
        long[] rows = new long[2];
        reader.query(
                "SELECT count(*), count(DISTINCT (actor_id, episode_id, step)) FROM {log}",
                r -> {
                    rows[0] = r.getLong(1);
                    rows[1] = r.getLong(2);
                });
        report.line(
                "SENT: %d steps (%d acknowledged); LOGGED: %d rows, %d distinct (actor, episode,"
                        + " step)",
                done.steps(), done.transitionsAcked(), rows[0], rows[1]);
        report.check(
                "every step sent is logged once", rows[0] == done.steps() && rows[1] == rows[0]);

        // Per episode: the versions that acted it, when it started, its steps.
        long mixed = 0;
        long canaryEpisodes = 0;
        long canaryEpisodesAfter = 0;
        long startedDuring = 0;
        long canaryStartedDuring = 0;
        List<long[]> episodes = new ArrayList<>();
        reader.query(
                "SELECT min(policy_version), max(policy_version), min(event_time_ms), count(*)"
                        + " FROM {log} GROUP BY actor_id, episode_id",
                r ->
                        episodes.add(
                                new long[] {
                                    r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)
                                }));
        for (long[] e : episodes) {
            if (e[0] != e[1]) {
                mixed++;
            }
            boolean canary = e[1] == 2;
            canaryEpisodes += canary ? 1 : 0;
            if (e[2] > t.rollbackSeen + SLACK.toMillis()) {
                canaryEpisodesAfter += canary ? 1 : 0;
            } else if (e[2] >= t.canarySeen + SLACK.toMillis()
                    && e[2] < t.rollbackWritten - SLACK.toMillis()) {
                startedDuring++;
                canaryStartedDuring += canary ? 1 : 0;
            }
        }
        report.check("every episode is acted by one version", mixed == 0);
        report.line(
                "canary episodes before the rollback: %d (goal <= %d)",
                canaryEpisodes, CANARY_EPISODE_GOAL);
        report.check(
                "v2 was rolled back within " + CANARY_EPISODE_GOAL + " of its episodes",
                canaryEpisodes > 0 && canaryEpisodes <= CANARY_EPISODE_GOAL);
        double episodeShare = startedDuring == 0 ? 0 : (double) canaryStartedDuring / startedDuring;
        double sigma = Math.sqrt(share * (1 - share) / Math.max(1, startedDuring));
        report.line(
                "v2's share of the episodes started while it was the canary: %d of %d = %.1f%%"
                        + " (configured %.0f%%, 3 sigma = %.1f%%)",
                canaryStartedDuring, startedDuring, 100 * episodeShare, 100 * share, 300 * sigma);
        report.check(
                "v2's share of episodes is the configured share within 3 sigma",
                startedDuring > 0 && Math.abs(episodeShare - share) <= 3 * sigma);

        Map<Long, long[]> transitions = new HashMap<>();
        reader.query(
                "SELECT policy_version,"
                        + " count(*) FILTER (WHERE event_time_ms >= "
                        + t.canarySeen
                        + " AND event_time_ms < "
                        + t.rollbackWritten
                        + "), count(*) FILTER (WHERE event_time_ms > "
                        + (t.rollbackSeen + 2_000)
                        + ") FROM {log} GROUP BY 1",
                r -> transitions.put(r.getLong(1), new long[] {r.getLong(2), r.getLong(3)}));
        long during = transitions.values().stream().mapToLong(c -> c[0]).sum();
        long after = transitions.values().stream().mapToLong(c -> c[1]).sum();
        long v2During = transitions.getOrDefault(2L, new long[2])[0];
        long v2After = transitions.getOrDefault(2L, new long[2])[1];
        double transitionShare = during == 0 ? 0 : (double) v2During / during;
        report.line(
                "v2's share of acted transitions while it was the canary: %d of %d = %.2f%%"
                        + " (its episodes last ~9 steps against v1's ~500, so far below its"
                        + " share of episodes)",
                v2During, during, 100 * transitionShare);
        report.check(
                "v2's share of transitions stays within the configured share",
                v2During > 0 && transitionShare <= share);
        report.line(
                "after the rollback (from 2 s after the actors read it): v2 acted %d of %d"
                        + " transitions; v2 episodes started after it: %d",
                v2After, after, canaryEpisodesAfter);
        report.check(
                "v2 acts nothing after the rollback",
                after > 0 && v2After == 0 && canaryEpisodesAfter == 0);
    }

    private static void drain(JobClient ingest, Path root, DrillReport report) throws Exception {
        String savepoint =
                ingest.stopWithSavepoint(
                                true,
                                root.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(120, TimeUnit.SECONDS);
        report.line("ingest drained and stopped (savepoint %s)", savepoint);
    }

    private static JobClient startIngest(LocalStack stack, Path root) throws Exception {
        Configuration job = new Configuration();
        job.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        return IngestJob.start(
                stack.executionEnvironment(job),
                IngestConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .dataRoot(root.toUri().toString())
                        .set(IngestOptions.PARALLELISM, 1)
                        .set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2))
                        .set(IngestOptions.STATS_WINDOW, Duration.ofSeconds(5))
                        .set(IngestOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(2))
                        .build());
    }

    private static ManualDecisions manual(Path root, AssignmentLog log) {
        return new ManualDecisions(
                PolicyVersions.read(root, NAME),
                log.current(NAME),
                log.history(NAME),
                "drill",
                InstantSource.system());
    }

    private ActorConfig actorConfig(LocalStack stack, Path root) {
        return ActorConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .env(ENV)
                .actors(1)
                .envsPerActor(envs)
                .maxStepsPerSecond(stepsPerSecond)
                .policyName(NAME)
                .actorName("drill")
                .epsilon(EpsilonSchedule.constant(0.01))
                .seed(7)
                .swapPollInterval(Duration.ofMillis(50))
                .swapInitialWait(Duration.ofSeconds(30))
                .policyRoot(root.resolve("policies"))
                .progressInterval(Duration.ofSeconds(1))
                .build();
    }

    private static Map<Long, LiveReturn> live(LocalStack stack) {
        return LiveReturns.read(
                stack.bootstrapServers(), Map.of(), stack.topics().episodeStats(), ENV);
    }

    private static long episodes(LocalStack stack, long version) {
        return Optional.ofNullable(live(stack).get(version)).map(LiveReturn::episodes).orElse(0L);
    }

    private static String describe(LiveReturn r) {
        return r == null
                ? "no episodes"
                : String.format("mean return %.1f over %d episodes", r.mean(), r.episodes());
    }

    private void await(String what, BooleanSupplier done) throws InterruptedException {
        await(what, 50, done);
    }

    /** For conditions that read a whole topic: once a second. */
    private void awaitSlowly(String what, BooleanSupplier done) throws InterruptedException {
        await(what, 1_000, done);
    }

    private void await(String what, long pollMillis, BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "drill bad-candidate: " + what + " did not happen within " + timeout);
            }
            Thread.sleep(pollMillis);
        }
    }
}
