package io.replayflow.actor.serve;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.assign.AssignmentFollower;
import io.replayflow.actor.assign.AssignmentListener;
import io.replayflow.actor.assign.FailureReporter;
import io.replayflow.actor.metrics.ServeMetrics;
import io.replayflow.actor.policy.RandomPolicy;
import io.replayflow.actor.serve.decide.DecisionBatcher;
import io.replayflow.actor.serve.decide.DecisionChooser;
import io.replayflow.actor.serve.http.RequestParser;
import io.replayflow.actor.serve.http.ServeHandler;
import io.replayflow.actor.serve.log.AnswerOnSendLog;
import io.replayflow.actor.serve.log.KafkaServeLog;
import io.replayflow.actor.serve.log.ServeLog;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.actor.swap.PolicyFollower;
import io.replayflow.actor.swap.SwapListener;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.load.PolicyRoot;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailureKind;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision service: a Jetty 12 HTTP server ({@link ServeHandler}), the micro-batcher acting
 * with the policy the actors would act with, and the {@link ServeLog} every answer waits for.
 *
 * <p>Which version acts is decided as for the actors, by the same code: without an assignment for
 * the policy, the newest version in a {@link PolicyHolder} that a {@link PolicyFollower} hot-swaps;
 * once {@code rf.policy.assignments} has one, its champion and canary in a {@link PolicyRouter}
 * that an {@link AssignmentFollower} installs, each session pinned to one of them by the stable
 * hash of its id until it ends (or goes idle), so a promotion or rollback applies from the next
 * session.
 *
 * <pre>{@code
 * try (DecisionService service = DecisionService.start(config)) {
 *     System.out.println("serving on " + service.uri());
 *     service.join();
 * }
 * }</pre>
 *
 * <p>Before any version of the policy exists it acts uniformly at random as version 0, as actors
 * do. {@link #close()} stops taking calls, answers the ones in flight, flushes the log.
 */
public final class DecisionService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionService.class);

    private final ServeConfig config;
    private final ServeLog log;
    private final PolicyHolder holder;
    private final PolicyRouter router = new PolicyRouter();
    private final ServeMetrics metrics;
    private final SessionTable sessions;
    private final DecisionBatcher batcher;
    private final ScheduledExecutorService sweeper;
    private final Server server;
    private PolicyFollower follower;
    private AssignmentFollower assignmentFollower;
    private FailureReporter failures = FailureReporter.NONE;

    private DecisionService(ServeConfig config, ServeLog log, InstantSource clock) {
        this.config = config;
        int obsSize = config.env().observationSize();
        int numActions = config.env().numActions();
        this.holder =
                new PolicyHolder(
                        PolicyRef.of(
                                new RandomPolicy(
                                        numActions, obsSize, new SplittableRandom(config.seed()))));
        this.sessions = new SessionTable(clock, config.sessionIdle());
        this.metrics = new ServeMetrics(this::actingVersion, sessions::open);
        this.log =
                config.answerBeforeAck() ? new AnswerOnSendLog(log, metrics::lostAfterAnswer) : log;
        this.batcher =
                new DecisionBatcher(
                        holder,
                        router,
                        new DecisionChooser(
                                config.epsilon(), new SplittableRandom(config.seed() + 1)),
                        this.log,
                        new DecisionBatcher.Identity(
                                config.policy(),
                                config.env().id(),
                                config.serviceId(),
                                Integer.toHexString(new SecureRandom().nextInt()) + "-"),
                        clock,
                        config.maxBatch(),
                        config.maxWait(),
                        config.queueCapacity(),
                        metrics);
        this.sweeper =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "replayflow-serve-sessions");
                            t.setDaemon(true);
                            return t;
                        });
        long sweepMs = Math.max(1000, config.sessionIdle().toMillis() / 4);
        sweeper.scheduleAtFixedRate(sessions::expire, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);
        this.server = server(config, registry, clock);
    }

    /** Starts with a Kafka log and the policy follower on {@code config.bootstrapServers()}. */
    public static DecisionService start(ServeConfig config) throws Exception {
        ServeLog log =
                KafkaServeLog.create(
                        config.bootstrapServers(),
                        producerSettings(config),
                        "replayflow-serve-" + config.serviceId(),
                        config.topics());
        DecisionService service = new DecisionService(config, log, InstantSource.system());
        try {
            service.follow();
            service.server.start();
        } catch (Exception e) {
            service.close();
            throw e;
        }
        LOG.info(
                "decision service for policy '{}' on {} (acting with v{})",
                config.policy(),
                service.uri(),
                service.holder.version());
        return service;
    }

    /** Every client's settings, then the producer's own on top. */
    private static Map<String, String> producerSettings(ServeConfig config) {
        Map<String, String> settings = new HashMap<>(config.kafkaSettings());
        settings.putAll(config.producerSettings());
        return settings;
    }

    /**
     * Starts with {@code log} and without following {@code rf.policies}: version 0 (uniform random)
     * until {@link #holder()} is offered another. For tests of the HTTP surface.
     */
    public static DecisionService startWithoutFollower(
            ServeConfig config, ServeLog log, InstantSource clock) throws Exception {
        DecisionService service = new DecisionService(config, log, clock);
        try {
            service.server.start();
        } catch (Exception e) {
            service.close();
            throw e;
        }
        return service;
    }

    private void follow() throws InterruptedException {
        float[] probe = new float[config.env().observationSize()];
        PolicyLoader loader =
                PolicyLoader.tensorFlow(EnvPolicySpec.of(config.env()), probe, config.maxBatch())
                        .statelessOnly(
                                "the decision service answers each request on its own and keeps"
                                        + " no recurrent state between a session's requests");
        if (config.policyRoot().isPresent()) {
            loader = loader.restrictedTo(PolicyRoot.of(config.policyRoot().get(), "--policy-root"));
        }
        failures =
                FailureReporter.create(
                        config.bootstrapServers(),
                        config.kafkaSettings(),
                        config.topics().policyFailures(),
                        config.policy(),
                        "serve-" + config.serviceId());
        follower =
                PolicyFollower.create(
                        config.bootstrapServers(),
                        config.kafkaSettings(),
                        "replayflow-serve-follower-" + config.serviceId(),
                        config.topics().policies(),
                        config.policy(),
                        loader,
                        java.util.List.of(holder),
                        config.swapPollInterval(),
                        new SwapListener() {
                            @Override
                            public void onSwapped(long version, long loadNanos) {
                                metrics.swapped();
                            }

                            @Override
                            public void onSwapFailed(
                                    long version, long keptVersion, PolicyRejectedException e) {
                                metrics.swapFailed();
                                failures.report(
                                        version,
                                        PolicyFailureKind.SWAP,
                                        e.reason().name(),
                                        e.getMessage(),
                                        0);
                            }
                        });
        follower.start();
        assignmentFollower =
                AssignmentFollower.create(
                        config.bootstrapServers(),
                        config.kafkaSettings(),
                        "replayflow-serve-assignments-" + config.serviceId(),
                        config.topics().assignments(),
                        config.policy(),
                        loader,
                        router,
                        config.swapPollInterval(),
                        new AssignmentListener() {
                            @Override
                            public void onAssigned(PolicyAssignment assignment, long loadNanos) {
                                metrics.swapped();
                            }

                            @Override
                            public void onRefused(
                                    PolicyAssignment assignment,
                                    long version,
                                    PolicyRejectedException e) {
                                metrics.swapFailed();
                                failures.report(
                                        version,
                                        PolicyFailureKind.SWAP,
                                        e.reason().name(),
                                        e.getMessage(),
                                        assignment.getSequence());
                            }
                        });
        assignmentFollower.start();
        if (!assignmentFollower.awaitCaughtUp(Duration.ofSeconds(30))) {
            LOG.warn(
                    "could not read {} within 30 s; serving the newest version until an"
                            + " assignment arrives",
                    config.topics().assignments());
        }
        if (!follower.awaitCaughtUp(Duration.ofSeconds(30))) {
            LOG.warn(
                    "could not read {} within 30 s (is Kafka at {} up?); serving v{} until the"
                            + " policy loads",
                    config.topics().policies(),
                    config.bootstrapServers(),
                    holder.version());
        }
    }

    private Server server(ServeConfig config, PrometheusRegistry registry, InstantSource clock) {
        QueuedThreadPool threads =
                new QueuedThreadPool(config.httpThreads(), Math.min(4, config.httpThreads()));
        threads.setName("replayflow-serve-http");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        ServerConnector connector =
                new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setReuseAddress(true);
        connector.setIdleTimeout(Duration.ofMinutes(1).toMillis());
        jetty.addConnector(connector);
        jetty.setHandler(
                new ServeHandler(
                        new RequestParser(
                                config.policy(),
                                config.env().observationSize(),
                                config.env().numActions()),
                        batcher,
                        log,
                        sessions,
                        metrics,
                        registry,
                        clock,
                        config.serviceId(),
                        config.maxBodyBytes(),
                        this::actingVersion,
                        threads));
        jetty.setStopTimeout(Duration.ofSeconds(5).toMillis());
        return jetty;
    }

    /** The base URI, e.g. {@code http://127.0.0.1:8080/}, with the port actually bound. */
    public URI uri() {
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        return URI.create("http://" + config.host() + ":" + connector.getLocalPort() + "/");
    }

    /**
     * The holder decisions act with while the policy has no assignment (the follower swaps into
     * it).
     */
    public PolicyHolder holder() {
        return holder;
    }

    /** The champion and canary new sessions are given once the policy has an assignment. */
    public PolicyRouter router() {
        return router;
    }

    /** The sequence of the assignment followed (0 before any, or without a follower). */
    public long assignmentSequence() {
        return assignmentFollower == null ? 0 : assignmentFollower.installedSequence();
    }

    /** The champion's version once assigned, else the newest version's (0 = uniform random). */
    private long actingVersion() {
        PolicyRouter.Routing routing = router.routing();
        return routing == null ? holder.version() : routing.champion().version();
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        batcher.close();
        sweeper.shutdownNow();
        sessions.clear();
        if (assignmentFollower != null) {
            assignmentFollower.close();
        }
        if (follower != null) {
            follower.close();
        }
        log.close();
        failures.close();
        router.close();
        holder.close();
    }
}
