package io.replayflow.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.cli.lifecycle.ControllerConfig;
import io.replayflow.cli.lifecycle.ControllerDecisions.Outcome;
import io.replayflow.cli.lifecycle.ControllerMetrics;
import io.replayflow.cli.lifecycle.ControllerOptions;
import io.replayflow.cli.lifecycle.LifecycleController;
import io.replayflow.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * {@code replayflow controller}: the lifecycle controller as a service, until interrupted (see
 * docs/LIFECYCLE.md, "Automatic mode").
 *
 * <pre>{@code
 * replayflow controller --bootstrap 127.0.0.1:9092 --data /data/rf --policy cartpole \
 *     --set controller.canary.share=0.2
 * }</pre>
 */
@Command(
        name = "controller",
        mixinStandardHelpOptions = true,
        description = {
            "Run the lifecycle controller until interrupted: for every policy in automatic mode,"
                + " gate new candidates by their OPE estimate (ope.json) into a canary, promote a"
                + " canary whose live return is at least the champion's with confidence, roll back"
                + " one that is worse with confidence; each decision is written to"
                + " rf.policy.assignments (and its history) with its reason, decider 'controller'.",
            "Keeps no state of its own (a restart continues from the topics); serves Prometheus"
                    + " metrics on --metrics-host:--metrics-port/metrics. Settings: --set"
                    + " controller.*=VALUE (docs/CONFIG.md)."
        })
final class ControllerCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaClientConfig kafka;

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Data root (artifacts and ope.json under <data>/policies/<name>/<n>/).")
    Path data;

    @Option(
            names = "--policy",
            paramLabel = "NAME",
            description = "Policy to follow, repeatable (default: every policy under <data>).")
    List<String> policies = List.of();

    @Option(
            names = "--env",
            paramLabel = "ENV",
            description =
                    "Environment of the live episode statistics (default: every environment's"
                            + " episodes of each version).")
    String env;

    @Option(
            names = "--topic-prefix",
            defaultValue = "rf.",
            description = "Topic prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any controller.* option (see docs/CONFIG.md), repeatable.")
    List<String> settings = List.of();

    @Mixin MetricsEndpointOptions endpoint;

    @Override
    public Integer call() throws Exception {
        ControllerConfig config = config();
        Topics topics = topics();
        if (!Files.isDirectory(data)) {
            throw new UsageError("--data " + data + " is not a directory: give the data root");
        }
        int metricsPort = endpoint.port();
        String metricsHost = endpoint.host();
        PrintWriter out = spec.commandLine().getOut();
        PrometheusRegistry registry = new PrometheusRegistry();
        ControllerMetrics metrics = new ControllerMetrics(registry);
        CountDownLatch ended = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (HTTPServer server =
                        HTTPServer.builder()
                                .hostname(metricsHost)
                                .port(metricsPort)
                                .registry(registry)
                                .buildAndStart();
                LifecycleController controller =
                        LifecycleController.onKafka(
                                config,
                                data,
                                policies,
                                bootstrap,
                                kafka.properties(),
                                topics,
                                env,
                                metrics,
                                o -> print(out, o))) {
            Thread hook =
                    new Thread(() -> stopOnSignal(ended, closed), "replayflow-controller-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(
                    "controller: following %s under %s every %s, Prometheus http://%s:%d/metrics%n",
                    policies.isEmpty() ? "every policy" : String.join(", ", policies),
                    data.toAbsolutePath(),
                    config.pollInterval(),
                    metricsHost,
                    server.getPort());
            out.flush();
            controller.start();
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.println("controller stopped");
        out.flush();
        closed.countDown();
        return ReplayFlow.EXIT_OK;
    }

    /** JVM shutdown (Ctrl-C, SIGTERM): let the pass in progress finish its writes, then exit. */
    private static void stopOnSignal(CountDownLatch ended, CountDownLatch closed) {
        ended.countDown();
        try {
            closed.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void print(PrintWriter out, Outcome o) {
        out.printf("%s %s: %s%n", Instant.now(), o.kind().label(), o.note());
        out.flush();
    }

    private Topics topics() {
        try {
            return Topics.withPrefix(topicPrefix);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--topic-prefix " + e.getMessage());
        }
    }

    private ControllerConfig config() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : settings) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(
                        "--set '"
                                + kv
                                + "' needs the form key=value, e.g. controller.canary.share=0.2");
            }
            map.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        try {
            return ControllerOptions.parse(map);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
