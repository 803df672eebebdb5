package io.replayflow.actor;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.assign.AssignmentFollower;
import io.replayflow.actor.assign.AssignmentListener;
import io.replayflow.actor.assign.FailureReporter;
import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.VectorEnv;
import io.replayflow.actor.internal.Seeds;
import io.replayflow.actor.metrics.ActorMetrics;
import io.replayflow.actor.metrics.MetricsServer;
import io.replayflow.actor.policy.EpsilonGreedy;
import io.replayflow.actor.publish.TransitionPublisher;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.actor.swap.PolicyFollower;
import io.replayflow.actor.swap.SwapListener;
import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.load.PolicyRoot;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailureKind;
import io.replayflow.schemas.env.EnvSpec;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs K actors of N environments each in this process: the facade behind {@code replayflow
 * actors}.
 *
 * <pre>{@code
 * ActorConfig config = ActorConfig.builder().bootstrapServers("127.0.0.1:9092").envsPerActor(256).build();
 * try (ActorRunner runner = ActorRunner.start(config)) {
 *     Thread main = Thread.currentThread();
 *     Runtime.getRuntime().addShutdownHook(new Thread(() -> {   // Ctrl-C: stop, let main flush
 *         runner.stop();
 *         try { main.join(60_000); } catch (InterruptedException e) { }
 *     }));
 *     ActorStatus done = runner.awaitCompletion(listener);   // e.g. the CLI's console view
 * }
 * }</pre>
 *
 * <p>What it starts: one idempotent producer shared by the actors ({@link TransitionPublisher});
 * one {@link PolicyFollower} reading {@code rf.policies} for the configured policy name, which
 * loads each newer version once and hot-swaps it into every actor's {@link PolicyHolder}; one
 * {@link AssignmentFollower} reading {@code rf.policy.assignments}: once the policy has an
 * assignment, its champion and canary (in the shared {@link PolicyRouter}) act instead of the
 * newest version, each episode with one of them from start to end; K actor threads; and, unless the
 * port is -1, the Prometheus endpoint. Start waits (up to {@code actor.swap.initial-wait}) for the
 * newest published version to load, so actors start with it if there is one and with version 0
 * (uniform random) otherwise. A version the actors refuse to load (either follower) or whose
 * inference throws ({@link Actor}) is reported on {@code rf.policy.failures} ({@link
 * FailureReporter}) for the lifecycle controller.
 *
 * <p>Stopping: {@link #stop()} asks the actors to stop after their current vector step; {@link
 * #close()} stops, waits for them, flushes the producer and releases everything. If an actor fails
 * (a record could not be delivered, a policy crashed), the others are stopped too and {@link
 * #awaitCompletion} throws {@link ActorFailedException} with the reason. Thread-safe.
 */
public final class ActorRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ActorRunner.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);

    private final ActorConfig config;
    private final String runNonce;
    private final TransitionPublisher publisher;
    private final List<PolicyHolder> holders;
    private final PolicyRouter router = new PolicyRouter();
    private final List<Actor> actors;
    private final ActorMetrics metrics;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch finished;
    private final List<Thread> threads = new ArrayList<>();

    /** Swap events from the follower's thread, handed to the listener on the awaiting thread. */
    private final Queue<Consumer<ActorProgressListener>> swapEvents = new ConcurrentLinkedQueue<>();

    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private PolicyFollower follower;
    private AssignmentFollower assignmentFollower;
    private volatile FailureReporter failures = FailureReporter.NONE;
    private MetricsServer metricsServer;
    private volatile boolean stopRequested;
    private volatile boolean closing;
    private volatile long startedNanos;
    private boolean closed;

    /**
     * An announced version the actors refused to swap to.
     *
     * @param version the refused version
     * @param reason why, as a code
     * @param message why, in words: what is wrong with which artifact
     */
    public record Refusal(long version, PolicyRejectedException.Reason reason, String message) {}

    /** What each actor waits for before a vector step ({@link StepGate#OPEN}: nothing). */
    private final StepGate gate;

    private ActorRunner(
            ActorConfig config,
            EnvRegistry registry,
            InstantSource clock,
            ActingListener listener,
            TransitionPublisher publisher,
            StepGate gate) {
        this.config = config;
        this.publisher = publisher;
        this.gate = gate;
        this.runNonce = newRunNonce();
        this.finished = new CountDownLatch(config.actors());
        EnvSpec spec = registry.spec(config.envId());
        this.holders = new ArrayList<>();
        this.actors = new ArrayList<>();
        this.metrics =
                new ActorMetrics(
                        this::actingVersion,
                        publisher::blockedSends,
                        publisher::blockedNanos,
                        publisher::acked);
        for (int k = 0; k < config.actors(); k++) {
            VectorEnv envs =
                    VectorEnv.create(
                            () -> registry.makeUnwrapped(config.envId()),
                            config.envsPerActor(),
                            Seeds.derive(config.seed(), Seeds.ENVIRONMENTS, k));
            Policy versionZero =
                    config.behaviour()
                            .versionZero(
                                    spec,
                                    new SplittableRandom(
                                            Seeds.derive(config.seed(), Seeds.RANDOM_POLICY, k)));
            PolicyHolder holder = new PolicyHolder(PolicyRef.of(versionZero));
            EpsilonGreedy explorer =
                    new EpsilonGreedy(
                            config.epsilon(),
                            config.epsilonSpread(),
                            config.envsPerActor(),
                            new SplittableRandom(
                                    Seeds.derive(config.seed(), Seeds.EXPLORATION, k)));
            holders.add(holder);
            actors.add(
                    new Actor(
                            k,
                            new EpisodeIds(config.actorName(), k, runNonce),
                            envs,
                            holder,
                            router,
                            explorer,
                            publisher,
                            clock,
                            metrics,
                            reporting(listener)));
        }
    }

    /** {@code listener}, and act failures counted and reported on {@code rf.policy.failures}. */
    private ActingListener reporting(ActingListener listener) {
        return new ActingListener() {
            @Override
            public void onActing(int actorIndex, long version, long nanoTime) {
                listener.onActing(actorIndex, version, nanoTime);
            }

            @Override
            public void onActFailed(int actorIndex, long version, RuntimeException failure) {
                metrics.actFailed();
                PolicyRouter.Routing routing = router.routing();
                LOG.error(
                        "actor {}-{}: inference with '{}' v{} failed; its episodes finish on the"
                                + " champion and it gets no new ones: {}",
                        config.actorName(),
                        actorIndex,
                        config.policyName(),
                        version,
                        failure.toString(),
                        failure);
                failures.report(
                        version,
                        PolicyFailureKind.ACT,
                        failure.getClass().getName(),
                        String.valueOf(failure.getMessage()),
                        routing == null ? 0 : routing.sequence());
                listener.onActFailed(actorIndex, version, failure);
            }
        };
    }

    /** Starts the actors with the system clock. */
    public static ActorRunner start(ActorConfig config) {
        return start(
                config, EnvRegistry.withBuiltIns(), InstantSource.system(), ActingListener.NONE);
    }

    /**
     * Starts the actors.
     *
     * @param registry where {@code config.envId()} is looked up
     * @throws IllegalArgumentException if it is not registered there (before anything starts)
     * @param clock the source of every transition's {@code event_time_ms}
     * @param listener hears when each actor starts acting with a new version
     */
    public static ActorRunner start(
            ActorConfig config,
            EnvRegistry registry,
            InstantSource clock,
            ActingListener listener) {
        return start(config, registry, clock, listener, StepGate.OPEN);
    }

    /**
     * Starts the actors, each holding back its steps until {@code gate} lets them go (a replay
     * ratio set by the trainer's progress: {@link StepGate}); otherwise as {@link
     * #start(ActorConfig, EnvRegistry, InstantSource, ActingListener)}.
     */
    public static ActorRunner start(
            ActorConfig config,
            EnvRegistry registry,
            InstantSource clock,
            ActingListener listener,
            StepGate gate) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(gate, "gate");
        if (!registry.contains(config.envId())) {
            throw new IllegalArgumentException(
                    ActorOptions.ENV.key()
                            + " = "
                            + config.envId()
                            + " is not a registered environment; known ids: "
                            + registry.ids());
        }
        TransitionPublisher publisher =
                TransitionPublisher.create(
                        config.publisherSettings(), config.topics().transitions());
        ActorRunner runner;
        try {
            runner = new ActorRunner(config, registry, clock, listener, publisher, gate);
        } catch (RuntimeException e) {
            publisher.close(Duration.ZERO);
            throw e;
        }
        try {
            runner.startServices(registry);
            runner.startActors();
            return runner;
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runner.close();
            throw new IllegalStateException("interrupted while starting the actors", e);
        }
    }

    /** Starts, reports progress to {@code listener} until done or interrupted, closes. */
    public static ActorStatus run(ActorConfig config, ActorProgressListener listener) {
        try (ActorRunner runner = start(config)) {
            return runner.awaitCompletion(listener);
        }
    }

    private void startServices(EnvRegistry registry) throws InterruptedException {
        EnvSpec spec = registry.spec(config.envId());
        float[] probe =
                registry.make(config.envId()).reset(Seeds.derive(config.seed(), Seeds.PROBE, 0));
        PolicyLoader loader = loader(spec, probe);
        failures =
                FailureReporter.create(
                        config.bootstrapServers(),
                        config.kafkaProperties(),
                        config.topics().policyFailures(),
                        config.policyName(),
                        config.actorName());
        follower =
                PolicyFollower.create(
                        config.bootstrapServers(),
                        config.kafkaProperties(),
                        "replayflow-policy-follower-" + config.actorName(),
                        config.topics().policies(),
                        config.policyName(),
                        loader,
                        holders,
                        config.swapPollInterval(),
                        new SwapListener() {
                            @Override
                            public void onSwapped(long version, long loadNanos) {
                                metrics.swapped();
                                Duration loadTime = Duration.ofNanos(loadNanos);
                                swapEvents.add(l -> l.swapped(version, loadTime));
                            }

                            @Override
                            public void onSwapFailed(
                                    long version, long keptVersion, PolicyRejectedException e) {
                                metrics.swapFailed(e.reason());
                                failures.report(
                                        version,
                                        PolicyFailureKind.SWAP,
                                        e.reason().name(),
                                        e.getMessage(),
                                        0);
                                Refusal refusal = new Refusal(version, e.reason(), e.getMessage());
                                refusals.add(refusal);
                                swapEvents.add(l -> l.refused(refusal, keptVersion));
                            }
                        });
        follower.start();
        assignmentFollower =
                AssignmentFollower.create(
                        config.bootstrapServers(),
                        config.kafkaProperties(),
                        "replayflow-assignment-follower-" + config.actorName(),
                        config.topics().assignments(),
                        config.policyName(),
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
                                metrics.swapFailed(e.reason());
                                failures.report(
                                        version,
                                        PolicyFailureKind.SWAP,
                                        e.reason().name(),
                                        e.getMessage(),
                                        assignment.getSequence());
                                Refusal refusal = new Refusal(version, e.reason(), e.getMessage());
                                refusals.add(refusal);
                                swapEvents.add(l -> l.refused(refusal, actingVersion()));
                            }
                        });
        assignmentFollower.start();
        if (!assignmentFollower.awaitCaughtUp(config.swapInitialWait())) {
            LOG.warn(
                    "could not read {} within {}; actors follow the newest version until an"
                            + " assignment arrives",
                    config.topics().assignments(),
                    config.swapInitialWait());
        }
        if (!follower.awaitCaughtUp(config.swapInitialWait())) {
            LOG.warn(
                    "could not read {} within {} (is Kafka at {} up?); actors start with v{} and"
                            + " swap when the policy loads",
                    config.topics().policies(),
                    config.swapInitialWait(),
                    config.bootstrapServers(),
                    follower.installedVersion());
        }
        if (config.metricsPort() >= 0) {
            PrometheusRegistry prometheus = new PrometheusRegistry();
            metrics.register(prometheus);
            metricsServer =
                    MetricsServer.start(config.metricsHost(), config.metricsPort(), prometheus);
        }
    }

    /** TensorFlow SavedModels, restricted to {@code actor.policy.root} when it is set. */
    private PolicyLoader loader(EnvSpec spec, float[] probe) {
        PolicyLoader loader =
                PolicyLoader.tensorFlow(EnvPolicySpec.of(spec), probe, config.envsPerActor());
        if (config.policyRoot().isEmpty()) {
            LOG.warn(
                    "{} is not set: the actors load a policy artifact from any local path"
                            + " announced on {}; set it to the directory the trainer exports to"
                            + " (<data root>/policies) to refuse others",
                    ActorOptions.POLICY_ROOT.key(),
                    config.topics().policies());
            return loader;
        }
        return loader.restrictedTo(
                PolicyRoot.of(config.policyRoot().get(), ActorOptions.POLICY_ROOT.key()));
    }

    private void startActors() {
        long vectorSteps = config.vectorStepsPerActor();
        startedNanos = System.nanoTime();
        for (Actor actor : actors) {
            Thread thread =
                    new Thread(
                            () -> runActor(actor, vectorSteps),
                            "replayflow-actor-" + actor.index());
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        LOG.info(
                "actors started: {} x {} {} envs -> {} at {}, policy '{}' v{}, seed {}, run {}",
                config.actors(),
                config.envsPerActor(),
                config.envId(),
                config.topics().transitions(),
                config.bootstrapServers(),
                config.policyName(),
                actingVersion(),
                config.seed(),
                runNonce);
    }

    private void runActor(Actor actor, long vectorSteps) {
        try {
            actor.run(
                    vectorSteps,
                    config.maxStepsPerSecond() / config.actors(),
                    () -> stopRequested || failure.get() != null,
                    gate);
        } catch (Throwable t) {
            if (failure.compareAndSet(null, t)) {
                LOG.error(
                        "actor {}-{} stopped: {}",
                        config.actorName(),
                        actor.index(),
                        t.getMessage(),
                        t);
            }
            stopRequested = true;
        } finally {
            finished.countDown();
        }
    }

    /** The Prometheus endpoint's URL, if {@code actor.metrics.port} did not turn it off. */
    public Optional<String> metricsUrl() {
        return metricsServer == null ? Optional.empty() : Optional.of(metricsServer.url());
    }

    /**
     * Reports to {@code listener}: swap events as they happen and the status every {@code
     * actor.progress.interval}, until the step budget is done, {@link #stop()} is called or the
     * thread is interrupted; then waits for the actors, flushes the producer and reports the final
     * status with {@link ActorProgressListener#finished}.
     *
     * @return the final status
     * @throws ActorFailedException if an actor stopped on an error
     */
    public ActorStatus awaitCompletion(ActorProgressListener listener) {
        Objects.requireNonNull(listener, "listener");
        long intervalNanos = config.progressInterval().toNanos();
        long lastSteps = 0;
        long lastNanos = System.nanoTime();
        try {
            while (!finished.await(intervalNanos, TimeUnit.NANOSECONDS)) {
                long now = System.nanoTime();
                ActorStatus status = status();
                double recent = (status.steps() - lastSteps) / ((now - lastNanos) / 1e9);
                lastSteps = status.steps();
                lastNanos = now;
                deliverSwapEvents(listener);
                listener.progress(status, recent);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
        joinActors();
        flushQuietly();
        ActorStatus done = status();
        deliverSwapEvents(listener);
        listener.finished(done);
        Throwable t = failure.get();
        if (t != null) {
            throw new ActorFailedException("actors stopped on an error: " + t.getMessage(), t);
        }
        return done;
    }

    /** Swaps and refusals since the last call, oldest first. */
    private void deliverSwapEvents(ActorProgressListener listener) {
        for (Consumer<ActorProgressListener> e = swapEvents.poll();
                e != null;
                e = swapEvents.poll()) {
            e.accept(listener);
        }
    }

    private void flushQuietly() {
        if (closing) {
            return; // close() flushes while closing the producer
        }
        try {
            publisher.flush();
            publisher.checkHealthy();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Asks every actor to stop after its current vector step; returns at once. */
    public void stop() {
        stopRequested = true;
    }

    /** Waits until every actor has stopped (after the step budget or {@link #stop()}). */
    public boolean awaitActors(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void joinActors() {
        for (Thread thread : threads) {
            try {
                thread.join(JOIN_TIMEOUT.toMillis());
                if (thread.isAlive()) {
                    LOG.error(
                            "{} did not stop within {}; the producer may be blocked",
                            thread.getName(),
                            JOIN_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A snapshot of the counters. */
    public ActorStatus status() {
        long started = startedNanos;
        return new ActorStatus(
                metrics.steps(),
                publisher.acked(),
                metrics.episodes(),
                metrics.recentMeanReturn(),
                actingVersion(),
                metrics.swaps(),
                metrics.swapFailures(),
                publisher.blockedSends(),
                started == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started),
                config.steps());
    }

    /** The lowest policy version any actor acts with (or will act with at its next step). */
    public long actingVersion() {
        long min = Long.MAX_VALUE;
        for (int k = 0; k < actors.size(); k++) {
            long acting = actors.get(k).actingVersion();
            min = Math.min(min, acting >= 0 ? acting : holders.get(k).version());
        }
        return min == Long.MAX_VALUE ? 0 : min;
    }

    /**
     * The version the policy follower installed last (the actors pick it up at their next step).
     */
    public long installedVersion() {
        return follower == null ? 0 : follower.installedVersion();
    }

    /** The sequence of the policy assignment the actors follow (0: none, the newest acts). */
    public long assignmentSequence() {
        return assignmentFollower == null ? 0 : assignmentFollower.installedSequence();
    }

    /** Every version refused so far, oldest first. */
    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    public ActorMetrics metrics() {
        return metrics;
    }

    /** The Prometheus endpoint's port, or -1 when it is off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public ActorConfig config() {
        return config;
    }

    /** The run's nonce, part of every episode id. */
    public String runNonce() {
        return runNonce;
    }

    /** Stops the actors, flushes and closes the producer, the follower and the endpoint. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        stop();
        joinActors();
        if (follower != null) {
            follower.close();
        }
        if (assignmentFollower != null) {
            assignmentFollower.close();
        }
        router.close();
        failures.close();
        try {
            publisher.close(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.warn("closing the producer failed: {}", e.toString());
        }
        holders.forEach(PolicyHolder::close);
        if (metricsServer != null) {
            metricsServer.close();
        }
    }

    private static String newRunNonce() {
        long bits = new SecureRandom().nextLong() >>> 14; // 50 random bits
        return Long.toString(bits, 36);
    }
}
