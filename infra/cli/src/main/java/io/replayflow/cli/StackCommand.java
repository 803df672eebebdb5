package io.replayflow.cli;

import io.replayflow.actor.serve.DecisionService;
import io.replayflow.actor.serve.ServeConfig;
import io.replayflow.actor.serve.ServeOptions;
import io.replayflow.cli.loop.EmbeddedPipeline;
import io.replayflow.ingest.join.JoinConfig;
import io.replayflow.ingest.join.JoinJob;
import io.replayflow.ingest.join.JoinOptions;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.job.DatasetKind;
import io.replayflow.schemas.time.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow stack}: the embedded stack (a real Kafka broker in KRaft mode and a Flink
 * MiniCluster) with ReplayFlow's topics, up until Ctrl-C.
 */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description = {
            "Start the embedded stack: a real Kafka broker (KRaft) with ReplayFlow's topics and a"
                    + " Flink MiniCluster. Prints the bootstrap address and data root, runs until"
                    + " interrupted (Ctrl-C), then shuts down cleanly."
        })
final class StackCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "Data root: Kafka logs, checkpoints, datasets (default: ${DEFAULT-VALUE}).",
            defaultValue = "replayflow-data")
    Path data;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            description =
                    "Kafka listener port on 127.0.0.1; 0 picks a free one (default:"
                            + " ${DEFAULT-VALUE}).",
            defaultValue = "9092")
    int kafkaPort;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of each data topic (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int partitions;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Replaces 'rf.' in every topic name (default: ${DEFAULT-VALUE}).",
            defaultValue = "rf.")
    String topicPrefix;

    @Option(
            names = "--no-jobs",
            description = "Start only Kafka and Flink, without the ingest and replay-store jobs.")
    boolean noJobs;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "10s",
            description =
                    "Checkpoint interval of both jobs; Parquet files commit on checkpoints"
                            + " (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(
            names = "--fresh",
            description =
                    "Delete the broker's data under DIR/kafka before starting (default: keep it,"
                            + " so a restart finds its topics and records).")
    boolean fresh;

    @Option(
            names = "--serve-port",
            paramLabel = "H",
            description =
                    "Also run the decision service (as 'replayflow serve') on 127.0.0.1:H for"
                            + " --policy; 0 picks a free port. Off when not given.")
    Integer servePort;

    @Option(
            names = "--policy",
            paramLabel = "NAME",
            description = "Policy the decision service serves (required with --serve-port).")
    String policy;

    @Option(
            names = "--env",
            paramLabel = "ENV",
            defaultValue = "CartPole-v1",
            description =
                    "Environment whose observation size and action count the decision service"
                            + " expects (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--dataset-kind",
            paramLabel = "KIND",
            defaultValue = "transitions",
            description =
                    "What the replay-store job writes to <data>/replay/default/: transitions (for"
                            + " dqn, double-dqn, qr-dqn, cql, iql, bcq, bc) or segments (trajectory"
                            + " segments for learn --algo a2c|reinforce|impala) (default:"
                            + " ${DEFAULT-VALUE}).")
    String datasetKind;

    @Option(
            names = "--reward-horizon",
            paramLabel = "DURATION",
            defaultValue = "30s",
            description =
                    "How long after a decision its rewards still count, for the join job that turns"
                            + " decisions and outcomes into transitions (default:"
                            + " ${DEFAULT-VALUE}).")
    String rewardHorizon;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ServeFlags serve = serveFlags();
        long started = System.nanoTime();
        EmbeddedPipeline pipeline = start();
        DecisionService service;
        JobClient join;
        try {
            join = serve == null ? null : startJoin(pipeline, serve);
            service = serve == null ? null : startServing(pipeline, serve);
        } catch (Exception e) {
            pipeline.close();
            throw e;
        }
        double startupSeconds = (System.nanoTime() - started) / 1e9;
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            out.println("Stopping the stack...");
                            out.flush();
                            try {
                                if (service != null) {
                                    service.close();
                                }
                                if (join != null) {
                                    join.cancel().get();
                                }
                                pipeline.close();
                                out.println("Stack stopped cleanly.");
                            } catch (Exception e) {
                                out.println("Stack stopped with an error: " + e.getMessage());
                            } finally {
                                out.flush();
                                stopped.countDown();
                            }
                        },
                        "replayflow-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.printf("ReplayFlow stack is up (%.1f s).%n", startupSeconds);
        out.printf("  Kafka bootstrap: %s%n", pipeline.stack().bootstrapServers());
        out.printf("  Data root:       %s%n", pipeline.dataRoot());
        out.printf("  Flink REST:      %s%n", pipeline.stack().flinkRestAddress());
        out.printf("  Topics:          %s%n", String.join(", ", pipeline.stack().topics().all()));
        if (pipeline.jobsRunning()) {
            out.printf(
                    "  Jobs:            ingest (%s) -> %sexperience/, replay-store (%s) ->"
                            + " %sreplay/%s/%n",
                    pipeline.ingestJob().getJobID(),
                    pipeline.dataRoot(),
                    pipeline.replayJob().getJobID(),
                    pipeline.dataRoot(),
                    pipeline.datasetName());
        }
        if (join != null) {
            out.printf(
                    "  Join:            %s + %s -> %s (job %s, reward horizon %s)%n",
                    pipeline.stack().topics().decisions(),
                    pipeline.stack().topics().outcomes(),
                    pipeline.stack().topics().transitions(),
                    join.getJobID(),
                    Durations.format(serve.rewardHorizon()));
        }
        if (service != null) {
            out.printf(
                    "  Decisions:       %s (policy '%s', acting with v%d; %s and %s)%n",
                    service.uri(),
                    policy,
                    service.holder().version(),
                    pipeline.stack().topics().decisions(),
                    pipeline.stack().topics().outcomes());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return ReplayFlow.EXIT_OK;
    }

    /** The validated decision-service flags, or null when --serve-port is not given. */
    private record ServeFlags(int port, Duration rewardHorizon) {}

    private ServeFlags serveFlags() {
        if (servePort == null) {
            if (policy != null) {
                throw new UsageError(
                        "--policy names the policy of the decision service: add --serve-port H to"
                                + " run it, or drop --policy");
            }
            return null;
        }
        if (servePort < 0 || servePort > 65535) {
            throw new UsageError(
                    "--serve-port "
                            + servePort
                            + " is not a TCP port: use 1-65535, or 0 for any free port");
        }
        if (policy == null || policy.isBlank()) {
            throw new UsageError(
                    "--serve-port needs --policy NAME: the policy the decision service acts with");
        }
        Duration horizon = UsageError.duration("--reward-horizon", rewardHorizon);
        if (horizon.isZero()) {
            throw new UsageError("--reward-horizon must be longer than 0 (e.g. 30s)");
        }
        return new ServeFlags(servePort, horizon);
    }

    private DecisionService startServing(EmbeddedPipeline pipeline, ServeFlags serve)
            throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put(ServeOptions.BOOTSTRAP_SERVERS.key(), pipeline.stack().bootstrapServers());
        keys.put(ServeOptions.TOPIC_PREFIX.key(), topicPrefix);
        keys.put(ServeOptions.POLICY_NAME.key(), policy);
        keys.put(ServeOptions.ENV.key(), env);
        keys.put(ServeOptions.PORT.key(), Integer.toString(serve.port()));
        keys.put(
                ServeOptions.POLICY_ROOT.key(),
                data.toAbsolutePath().resolve(DatasetLayout.POLICIES_DIR).toString());
        ServeConfig config =
                ServeCommand.config(
                        keys,
                        Map.of(
                                ServeOptions.PORT.key(), "--serve-port",
                                ServeOptions.POLICY_NAME.key(), "--policy",
                                ServeOptions.ENV.key(), "--env"));
        return DecisionService.start(config);
    }

    /**
     * Starts the join job on the stack's MiniCluster: decisions and outcomes become transitions on
     * the topic ingest reads, after the reward horizon. A session stays open for at least ten
     * minutes of silence, longer when the horizon asks for it.
     */
    private JobClient startJoin(EmbeddedPipeline pipeline, ServeFlags serve) throws Exception {
        Duration horizon = serve.rewardHorizon();
        Duration idle = Duration.ofMinutes(10);
        if (idle.compareTo(horizon.multipliedBy(2)) < 0) {
            idle = horizon.multipliedBy(2).plusMinutes(1);
        }
        Duration retention = idle.compareTo(Duration.ofHours(1)) > 0 ? idle : Duration.ofHours(1);
        JoinConfig config =
                JoinConfig.builder()
                        .bootstrapServers(pipeline.stack().bootstrapServers())
                        .topicPrefix(topicPrefix)
                        .set(JoinOptions.PARALLELISM, 1)
                        .set(
                                JoinOptions.CHECKPOINT_INTERVAL,
                                UsageError.duration("--checkpoint-interval", checkpointInterval))
                        .set(JoinOptions.REWARD_HORIZON, horizon)
                        .set(JoinOptions.IDLE_TIMEOUT, idle)
                        .set(JoinOptions.RETENTION, retention)
                        .build();
        Configuration job = new Configuration();
        job.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        return JoinJob.start(pipeline.stack().executionEnvironment(job), config);
    }

    private EmbeddedPipeline start() throws Exception {
        if (kafkaPort < 0 || kafkaPort > 65535) {
            throw new UsageError(
                    "--kafka-port "
                            + kafkaPort
                            + " is not a TCP port: use 1-65535, or 0 for any free port");
        }
        if (partitions < 1) {
            throw new UsageError("--partitions " + partitions + " must be at least 1");
        }
        try {
            return EmbeddedPipeline.start(
                    new EmbeddedPipeline.Settings(
                            data,
                            kafkaPort,
                            partitions,
                            topicPrefix,
                            !fresh,
                            !noJobs,
                            UsageError.duration("--checkpoint-interval", checkpointInterval),
                            Duration.ofMinutes(5),
                            "default",
                            DatasetKind.parse(datasetKind)));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
