package io.replayflow.cli;

import io.replayflow.actor.serve.DecisionService;
import io.replayflow.actor.serve.ServeConfig;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replayflow serve}: the HTTP/JSON decision service for applications outside the JVM. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve decisions over HTTP/JSON: POST /v1/decisions, /v1/rewards,"
                    + " /v1/sessions/{id}/end (and /batch forms), GET /healthz, /openapi.json,"
                    + " /metrics. Acts with the newest verified version of --policy announced on"
                    + " rf.policies (uniform random as version 0 before any), logs every decision"
                    + " to rf.decisions and every reward and end to rf.outcomes before answering."
                    + " Runs until interrupted (Ctrl-C)."
        })
final class ServeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaClientConfig kafka;

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "NAME",
            description = "Policy name to serve (its versions on rf.policies).")
    String policy;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "P",
            description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--env",
            defaultValue = "CartPole-v1",
            description =
                    "Environment id whose observation size and action count requests must match;"
                            + " written as env_id of each decision (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--epsilon",
            defaultValue = "0.05",
            description =
                    "Exploration rate of epsilon-greedy around a greedy policy, in [0, 1]"
                            + " (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(
            names = "--max-batch",
            defaultValue = "256",
            paramLabel = "N",
            description = "Most decisions in one policy call (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(
            names = "--batch-wait-us",
            defaultValue = "200",
            paramLabel = "MICROS",
            description =
                    "Longest the first request of a batch waits for others, in microseconds"
                            + " (default: ${DEFAULT-VALUE}).")
    long batchWaitMicros;

    @Option(
            names = "--max-body",
            defaultValue = "1048576",
            paramLabel = "BYTES",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(
            names = "--session-idle",
            defaultValue = "1h",
            paramLabel = "DURATION",
            description =
                    "A session without calls this long is forgotten; its end is then refused"
                            + " (default: ${DEFAULT-VALUE}).")
    String sessionIdle;

    @Option(
            names = "--service-id",
            paramLabel = "ID",
            description =
                    "Names this instance in the log (the joined transitions' actor_id; default:"
                            + " serve-<pid>).")
    String serviceId;

    @Option(
            names = "--policy-root",
            paramLabel = "DIR",
            description = "Load policy artifacts only from under DIR (e.g. <data>/policies).")
    Path policyRoot;

    @Option(
            names = "--topic-prefix",
            defaultValue = "rf.",
            paramLabel = "PREFIX",
            description = "Replaces 'rf.' in every topic name (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Override
    public Integer call() throws Exception {
        ServeConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        DecisionService service = DecisionService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    service.close();
                                    stopped.countDown();
                                },
                                "replayflow-serve-shutdown"));
        out.printf(
                "Decision service for policy '%s' on %s (acting with v%d). Ctrl-C stops it.%n",
                config.policy(), service.uri(), service.holder().version());
        out.flush();
        stopped.await();
        return ReplayFlow.EXIT_OK;
    }

    private ServeConfig config() {
        return config(
                bootstrap,
                kafka.properties(),
                topicPrefix,
                policy,
                env,
                host,
                port,
                epsilon,
                maxBatch,
                batchWaitMicros,
                maxBody,
                UsageError.duration("--session-idle", sessionIdle),
                serviceId,
                policyRoot);
    }

    /** Validates the flags into a config; shared with {@code stack --serve-port}. */
    static ServeConfig config(
            String bootstrap,
            Map<String, String> kafkaSettings,
            String topicPrefix,
            String policy,
            String envId,
            String host,
            int port,
            double epsilon,
            int maxBatch,
            long batchWaitMicros,
            int maxBody,
            Duration sessionIdle,
            String serviceId,
            Path policyRoot) {
        EnvSpec env =
                EnvSpecs.builtIn(envId)
                        .orElseThrow(
                                () ->
                                        new UsageError(
                                                "--env '"
                                                        + envId
                                                        + "' is not a built-in environment; use"
                                                        + " one of "
                                                        + EnvSpecs.BUILT_IN.stream()
                                                                .map(EnvSpec::id)
                                                                .toList()));
        if (batchWaitMicros < 0) {
            throw new UsageError("--batch-wait-us " + batchWaitMicros + " must be >= 0");
        }
        try {
            ServeConfig defaults = ServeConfig.defaults(bootstrap, policy, env);
            return new ServeConfig(
                    bootstrap,
                    kafkaSettings,
                    Topics.withPrefix(topicPrefix),
                    policy,
                    env,
                    host,
                    port,
                    epsilon,
                    maxBatch,
                    Duration.ofNanos(batchWaitMicros * 1000),
                    Math.max(defaults.queueCapacity(), maxBatch),
                    maxBody,
                    sessionIdle,
                    serviceId == null ? defaults.serviceId() : serviceId,
                    Optional.ofNullable(policyRoot),
                    defaults.swapPollInterval(),
                    defaults.seed());
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
