package io.replayflow.cli.collect;

import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.actor.eval.Evaluator;
import io.replayflow.actor.policy.EpsilonGreedy;
import io.replayflow.actor.policy.EpsilonGreedyPolicy;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.cli.loop.EmbeddedPipeline;
import io.replayflow.cli.progress.ConsoleActorProgress;
import io.replayflow.ingest.inspect.DatasetInspector;
import io.replayflow.ingest.inspect.DatasetReport;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.policy.Policy;
import io.replayflow.schemas.Topics;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code replayflow collect}: logs a dataset through the real data path. Starts the embedded
 * pipeline ({@link EmbeddedPipeline}: Kafka broker, MiniCluster, ingest and replay-store jobs, as
 * {@code replayflow stack}), runs one actor with the requested behaviour policy until exactly N
 * transitions are published and acknowledged, waits until the ingest job has committed all N to the
 * Parquet experience log (visible files only: they appear on checkpoints), counts the dead letters,
 * then drains and stops the jobs and the broker.
 *
 * <pre>{@code
 * CollectResult result = new Collector(EnvRegistry.withBuiltIns()).collect(request, out, false);
 * result.render(out);
 * }</pre>
 *
 * <p>Before acting, the behaviour policy (with its ε) is evaluated over 100 seeded episodes, so the
 * dataset's quality is stated on the same footing as the trained policies'.
 *
 * <p>Not thread-safe; one collection at a time per data root.
 */
public final class Collector {

    /** Episodes of the behaviour policy's evaluation. */
    public static final int EVALUATION_EPISODES = 100;

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PROGRESS = Duration.ofSeconds(2);

    private final EnvRegistry registry;

    public Collector(EnvRegistry registry) {
        this.registry = registry;
    }

    /**
     * Collects, prints progress to {@code out}, and returns what the log holds.
     *
     * @param inPlace rewrite one progress line (a terminal) rather than print one per interval
     * @throws IllegalArgumentException for an unknown env, a behaviour that does not fit it, or a
     *     data root whose experience log is not empty
     * @throws IllegalStateException if the log does not hold every transition within the commit
     *     timeout, or holds more
     */
    public CollectResult collect(CollectRequest request, PrintWriter out, boolean inPlace)
            throws Exception {
        URI root = request.dataDir().toAbsolutePath().toUri();
        checkEmpty(request);
        EvaluationResult behaviour = evaluateBehaviour(request);
        println(out, "behaviour: " + behaviour.summary());
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(settings(request))) {
            String bootstrap = pipeline.stack().bootstrapServers();
            println(
                    out,
                    "pipeline up: Kafka "
                            + bootstrap
                            + ", ingest -> "
                            + request.dataDir()
                                    .toAbsolutePath()
                                    .resolve(DatasetLayout.EXPERIENCE_DIR)
                            + ", checkpoints every "
                            + request.checkpointInterval().toMillis()
                            + " ms");
            long started = System.nanoTime();
            ActorStatus acted;
            try (ActorRunner runner = ActorRunner.start(actorConfig(request, bootstrap))) {
                acted = ConsoleActorProgress.await(runner, out, inPlace);
            }
            long sent = System.nanoTime();
            if (acted.transitionsAcked() != request.transitions()) {
                throw new IllegalStateException(
                        "the actor published "
                                + acted.transitionsAcked()
                                + " transitions, not "
                                + request.transitions()
                                + "; see the log above");
            }
            awaitCommitted(request, root, bootstrap, out, inPlace);
            double commitSeconds = (System.nanoTime() - sent) / 1e9;
            DatasetReport report =
                    DatasetInspector.inspect(root, Optional.of(bootstrap), Topics.defaults());
            println(out, "every transition committed; draining and stopping the pipeline");
            return new CollectResult(
                    request,
                    root,
                    acted.transitionsAcked(),
                    report,
                    behaviour,
                    (sent - started) / 1e9,
                    commitSeconds);
        }
    }

    /**
     * The behaviour policy with its ε (a schedule: its final ε), over {@value #EVALUATION_EPISODES}
     * seeded episodes.
     */
    EvaluationResult evaluateBehaviour(CollectRequest request) {
        String why = request.behaviour().unsupported(request.envId());
        if (why != null) {
            throw new IllegalArgumentException("--behaviour " + request.behaviour() + " " + why);
        }
        SplittableRandom random = new SplittableRandom(request.seed());
        try (Policy policy = behaviourPolicy(request, random)) {
            return new Evaluator(registry)
                    .evaluate(policy, request.envId(), EVALUATION_EPISODES, request.seed());
        }
    }

    private Policy behaviourPolicy(CollectRequest request, SplittableRandom random) {
        Policy versionZero =
                request.behaviour().versionZero(registry.spec(request.envId()), random.split());
        if (!versionZero.deterministic()) {
            return versionZero;
        }
        double epsilon = request.finalEpsilon();
        return new EpsilonGreedyPolicy(
                versionZero,
                epsilon,
                new EpsilonGreedy(EpsilonSchedule.constant(epsilon), random.split()));
    }

    private static void checkEmpty(CollectRequest request) {
        if (!Files.isDirectory(request.dataDir().resolve(DatasetLayout.EXPERIENCE_DIR))) {
            return;
        }
        long rows =
                DatasetInspector.inspect(request.dataDir(), Optional.empty(), Topics.defaults())
                        .transitions();
        if (rows > 0) {
            throw new IllegalArgumentException(
                    "--data "
                            + request.dataDir()
                            + " already holds "
                            + rows
                            + " transitions in its experience log: collect into a new directory"
                            + " so the dataset is exactly what this run logs");
        }
    }

    private static EmbeddedPipeline.Settings settings(CollectRequest request) {
        return new EmbeddedPipeline.Settings(
                request.dataDir(),
                0,
                request.partitions(),
                Topics.DEFAULT_PREFIX,
                false,
                true,
                request.checkpointInterval(),
                request.checkpointInterval(),
                "default");
    }

    private static ActorConfig actorConfig(CollectRequest request, String bootstrap) {
        return ActorConfig.builder()
                .bootstrapServers(bootstrap)
                .env(request.envId())
                .envsPerActor(request.envs())
                .actors(1)
                .steps(request.transitions())
                .behaviour(request.behaviour())
                .epsilon(request.epsilon())
                .seed(request.seed())
                .actorName("collect")
                .policyRoot(request.dataDir().toAbsolutePath().resolve(DatasetLayout.POLICIES_DIR))
                .swapInitialWait(Duration.ofSeconds(10))
                .metricsPort(-1)
                .build();
    }

    /** Polls the visible files of the log until they hold every published transition. */
    private static void awaitCommitted(
            CollectRequest request, URI root, String bootstrap, PrintWriter out, boolean inPlace)
            throws InterruptedException {
        long wanted = request.transitions();
        long start = System.nanoTime();
        long deadline = start + request.commitTimeout().toNanos();
        long lastPrint = 0;
        while (true) {
            long rows =
                    DatasetInspector.inspect(root, Optional.empty(), Topics.defaults())
                            .transitions();
            long now = System.nanoTime();
            if (rows == wanted || now - lastPrint >= PROGRESS.toNanos() || now > deadline) {
                String line =
                        String.format(
                                Locale.ROOT,
                                "ingest: %,d / %,d transitions committed to the experience log"
                                        + " (%.0f s)",
                                rows,
                                wanted,
                                (now - start) / 1e9);
                out.print(inPlace ? "\r" + line : line + System.lineSeparator());
                out.flush();
                lastPrint = now;
            }
            if (rows == wanted) {
                if (inPlace) {
                    out.println();
                }
                return;
            }
            if (rows > wanted) {
                throw new IllegalStateException(
                        "the experience log holds "
                                + rows
                                + " transitions but "
                                + wanted
                                + " were published: it was not empty, or another writer shares"
                                + " the data root");
            }
            if (now > deadline) {
                long deadLetters =
                        DatasetInspector.inspect(root, Optional.of(bootstrap), Topics.defaults())
                                .deadLetters()
                                .map(DatasetReport.DeadLetterCounts::total)
                                .orElse(0L);
                throw new IllegalStateException(
                        "the experience log holds "
                                + rows
                                + " of "
                                + wanted
                                + " transitions after --commit-timeout "
                                + request.commitTimeout().toSeconds()
                                + " s ("
                                + deadLetters
                                + " dead letters): is the ingest job failing (see the log) or"
                                + " the machine overloaded? Try a longer --commit-timeout");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static void println(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }
}
