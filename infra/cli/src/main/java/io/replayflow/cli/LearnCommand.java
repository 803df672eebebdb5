package io.replayflow.cli;

import io.replayflow.cli.loop.TrainerGauges;
import io.replayflow.cli.progress.ProgressLine;
import io.replayflow.schemas.Topics;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.pg.SegmentConfig;
import io.replayflow.trainer.run.ContinuousTrainer;
import io.replayflow.trainer.run.ContinuousTrainerConfig;
import io.replayflow.trainer.run.ContinuousTrainerStatus;
import io.replayflow.trainer.run.ContinuousTrainerStatus.Phase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow learn}: the continuous trainer as a service, the same {@link ContinuousTrainer}
 * the demo runs, until interrupted.
 *
 * <pre>{@code
 * replayflow learn --data /data/rf --bootstrap localhost:9092 --policy cartpole --env CartPole-v1
 * }</pre>
 *
 * Ctrl-C (SIGTERM in a pod) stops it between steps and writes a final checkpoint; started again
 * with the same {@code --data} and {@code --policy} it resumes that run from its newest checkpoint
 * and exports the next version number (numbers are reserved on disk and checked against {@code
 * rf.policies}, never reused).
 */
@Command(
        name = "learn",
        mixinStandardHelpOptions = true,
        description = {
            "Train continuously, until interrupted, on the replay dataset that the stack's"
                + " replay-store job writes (<data>/replay/<dataset>/); every --publish-every steps"
                + " export the next version to <data>/policies/<policy>/<version>/ and announce it"
                + " on rf.policies, as the demo's trainer does. Resumes the named run from"
                + " <data>/checkpoints/trainer/<policy>; Ctrl-C writes a final checkpoint.",
            "--algo a2c|reinforce|impala trains an actor-critic on-policy from the trajectory"
                    + " segments that a 'replayflow stack --dataset-kind segments' replay-store"
                    + " writes, and publishes stochastic policies (actors sample from them).",
            "Prints a progress line every --progress-interval, serves Prometheus metrics on"
                    + " --metrics-host:--metrics-port/metrics and writes TensorBoard events to"
                    + " <data>/tensorboard/<policy>/."
        })
final class LearnCommand implements Callable<Integer> {

    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

    @Spec CommandSpec spec;

    @Mixin KafkaClientConfig kafka;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data root.")
    Path data;

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers: versions are announced on rf.policies.")
    String bootstrap;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "NAME",
            description = "Policy name: the run to train (or resume) and the name to publish.")
    String policy;

    @Option(
            names = "--env",
            required = true,
            paramLabel = "ENV",
            description = "Train on this environment's transitions (also gives the actions).")
    String env;

    @Option(
            names = "--algo",
            defaultValue = "double-dqn",
            paramLabel = "ALGO",
            description =
                    "dqn, double-dqn, qr-dqn, cql or bc over transitions; a2c, reinforce or impala"
                            + " over trajectory segments, or r2d2 over them with --set"
                            + " trainer.pg.network=lstm (default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(
            names = "--publish-every",
            defaultValue = "1000",
            paramLabel = "K",
            description = "Gradient steps between published versions (default: ${DEFAULT-VALUE}).")
    long publishEvery;

    @Option(
            names = "--dataset",
            defaultValue = "default",
            paramLabel = "NAME",
            description =
                    "Replay dataset under <data>/replay/ (default: ${DEFAULT-VALUE}, the stack's).")
    String dataset;

    @Option(
            names = "--min-size",
            defaultValue = "1000",
            paramLabel = "N",
            description =
                    "Transitions to wait for before the first step (default: ${DEFAULT-VALUE}).")
    long minSize;

    @Mixin MetricsEndpointOptions endpoint;

    @Option(
            names = "--progress-interval",
            defaultValue = "10s",
            paramLabel = "DURATION",
            description = "How often to print the progress line (default: ${DEFAULT-VALUE}).")
    String progressInterval;

    @Option(
            names = "--topic-prefix",
            defaultValue = "rf.",
            description = "Topic prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any trainer.* option (see docs/CONFIG.md), repeatable.")
    List<String> settings = List.of();

    @Override
    public Integer call() throws Exception {
        ContinuousTrainerConfig config = config();
        Duration every = UsageError.duration("--progress-interval", progressInterval);
        int metricsPort = endpoint.port();
        String metricsHost = endpoint.host();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch ended = new CountDownLatch(1);
        try (TrainerGauges gauges = TrainerGauges.start(policy, metricsHost, metricsPort);
                ContinuousTrainer trainer = new ContinuousTrainer(config, InstantSource.system())) {
            Thread hook = new Thread(() -> stopOnSignal(trainer, ended), "replayflow-learn-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                trainer.start();
                out.printf(
                        "learn: policy '%s' (%s) on %s, Prometheus %s, TensorBoard %s%n",
                        policy,
                        algo,
                        data.toAbsolutePath().resolve("replay").resolve(dataset),
                        gauges.url(),
                        data.toAbsolutePath().resolve("tensorboard").resolve(policy));
                out.flush();
                return watch(trainer, gauges, every, out);
            } finally {
                ended.countDown();
                removeHook(hook);
            }
        }
    }

    /** Prints progress until the trainer ends; an interrupt of this thread stops it cleanly. */
    private int watch(
            ContinuousTrainer trainer, TrainerGauges gauges, Duration every, PrintWriter out)
            throws InterruptedException {
        long next = 0;
        while (true) {
            ContinuousTrainerStatus s = trainer.status();
            gauges.update(s);
            if (s.phase() == Phase.STOPPED || s.phase() == Phase.FAILED) {
                return ended(s, out);
            }
            long now = System.nanoTime();
            if (now >= next) {
                out.println(ProgressLine.learner(s));
                out.flush();
                next = now + every.toNanos();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                trainer.stop(STOP_TIMEOUT);
                return ended(trainer.status(), out);
            }
        }
    }

    private int ended(ContinuousTrainerStatus s, PrintWriter out) {
        if (s.phase() == Phase.FAILED) {
            spec.commandLine().getErr().println("learn failed: " + s.message());
            spec.commandLine().getErr().flush();
            return ReplayFlow.EXIT_FAILURE;
        }
        out.println(
                "learn stopped at step "
                        + s.trainerStep()
                        + "; last version v"
                        + s.lastPublishedVersion()
                        + (s.trainerStep() > 0
                                ? "; checkpoint at step " + s.trainerStep() + " to resume from"
                                : "; no step taken yet"));
        out.flush();
        return ReplayFlow.EXIT_OK;
    }

    /** JVM shutdown (Ctrl-C, SIGTERM): stop between steps, write the checkpoint, let main print. */
    private static void stopOnSignal(ContinuousTrainer trainer, CountDownLatch ended) {
        try {
            trainer.stop(STOP_TIMEOUT);
            ended.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: nothing to remove
        }
    }

    private ContinuousTrainerConfig config() {
        try {
            Map<String, String> trainer = new LinkedHashMap<>(keyValues());
            trainer.put("trainer.algo", algo);
            trainer.put("trainer.policy.name", policy);
            ContinuousTrainerConfig.Builder builder =
                    ContinuousTrainerConfig.builder(data.toAbsolutePath().toUri(), dataset);
            TrainerConfig parsed = TrainerConfig.fromMap(trainer);
            if (parsed.algo().segments()) {
                builder.policyGradient(SegmentConfig.fromMap(trainer));
            } else {
                builder.trainer(parsed);
            }
            return builder.env(env)
                    .minSize(minSize)
                    .publishEvery(publishEvery)
                    .bootstrap(bootstrap)
                    .kafkaProperties(kafka.properties())
                    .topics(Topics.withPrefix(topicPrefix))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private Map<String, String> keyValues() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : settings) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(
                        "--set '" + kv + "' needs the form key=value, e.g. trainer.lr=0.001");
            }
            map.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return map;
    }
}
