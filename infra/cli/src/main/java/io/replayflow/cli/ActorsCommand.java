package io.replayflow.cli;

import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.cli.progress.ConsoleActorProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replayflow actors}: vectorized actors publishing to Kafka and following rf.policies. */
@Command(
        name = "actors",
        mixinStandardHelpOptions = true,
        description = {
            "Run K actors, each stepping N copies of an environment with the current policy,"
                    + " publishing every transition to Kafka and hot-swapping to each newer policy"
                    + " version announced on rf.policies. Prints a live progress line; Prometheus"
                    + " metrics on 127.0.0.1 (port printed)."
        })
final class ActorsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaClientConfig kafka;

    @Option(
            names = "--policy-root",
            paramLabel = "DIR",
            description =
                    "Load policy artifacts only from under DIR (e.g. <data>/policies), after"
                            + " resolving '..' and symbolic links; a version announced elsewhere is"
                            + " refused and the actors keep acting (actor.policy.root).")
    Path policyRoot;

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--env",
            defaultValue = "CartPole-v1",
            description = "Environment id (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--frame-stack",
            paramLabel = "K",
            description =
                    "Image environments: stack the last K frames along the channel axis (env id"
                            + " <env>+stack<K>, e.g. MinAtar/Breakout-v1+stack4: [10, 10, 16]; a"
                            + " reset fills the stack with the first frame).")
    Integer frameStack;

    @Option(
            names = "--envs",
            defaultValue = "64",
            paramLabel = "N",
            description = "Environments per actor (default: ${DEFAULT-VALUE}).")
    int envs;

    @Option(
            names = "--actors",
            defaultValue = "1",
            paramLabel = "K",
            description = "Actor threads (default: ${DEFAULT-VALUE}).")
    int actors;

    @Option(
            names = "--steps",
            paramLabel = "S",
            description = "Stop after S environment steps in all (default: run until Ctrl-C).")
    Long steps;

    @Option(
            names = "--policy",
            paramLabel = "NAME",
            description = "Policy name to follow (default: the env id).")
    String policy;

    @Option(
            names = "--epsilon",
            paramLabel = "E|START:END:STEPS",
            description =
                    "Exploration: a constant (0.05) or a linear schedule start:end:steps"
                            + " (1.0:0.05:100000). Default: 0.05.")
    String epsilon;

    @Option(
            names = "--epsilon-spread",
            paramLabel = "ALPHA",
            description =
                    "Ape-X's per-environment rates (actor.epsilon.spread): environment i of an"
                            + " actor's N explores at eps^(1 + ALPHA i/(N-1)), eps from --epsilon;"
                            + " Ape-X: --epsilon 0.4 --epsilon-spread 7. Default: 0 (all at eps).")
    Double epsilonSpread;

    @Option(
            names = "--behaviour",
            paramLabel = "NAME",
            description =
                    "Version-0 policy until one is published: random (uniform) or cartpole-hand"
                            + " (push toward theta + 0.5 theta_dot, explored with --epsilon)."
                            + " Default: random.")
    String behaviour;

    @Option(
            names = "--topic-prefix",
            defaultValue = "rf.",
            description = "Topic prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--seed",
            description = "Seed for resets and exploration (default: random, printed).")
    Long seed;

    @Option(
            names = "--metrics-host",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description =
                    "Address the Prometheus endpoint binds (default: ${DEFAULT-VALUE}, loopback"
                            + " only; 0.0.0.0 for every interface, e.g. in a pod).")
    String metricsHost;

    @Option(
            names = "--metrics-port",
            defaultValue = "0",
            description =
                    "Prometheus port on --metrics-host; 0 any free one, -1 off (default:"
                            + " ${DEFAULT-VALUE}).")
    int metricsPort;

    @Override
    public Integer call() {
        ActorConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        ActorRunner runner;
        try {
            runner = ActorRunner.start(config);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        Thread main = Thread.currentThread();
        Thread hook =
                new Thread(
                        () -> {
                            runner.stop();
                            try {
                                main.join(30_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "replayflow-actors-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (runner) {
            ActorStatus status = ConsoleActorProgress.await(runner, out, System.console() != null);
            out.flush();
            return status == null ? ReplayFlow.EXIT_FAILURE : ReplayFlow.EXIT_OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for us
            }
        }
    }

    private ActorConfig config() {
        try {
            ActorConfig.Builder b =
                    ActorConfig.builder()
                            .bootstrapServers(bootstrap)
                            .topicPrefix(topicPrefix)
                            .env(
                                    frameStack == null
                                            ? env
                                            : io.replayflow.schemas.env.FrameStacking.id(
                                                    env, frameStack))
                            .envsPerActor(envs)
                            .actors(actors)
                            .metricsHost(metricsHost)
                            .metricsPort(metricsPort)
                            .kafkaProperties(kafka.properties())
                            .policyRoot(policyRoot);
            if (steps != null) {
                b.steps(steps);
            }
            if (policy != null) {
                b.policyName(policy);
            }
            if (epsilon != null) {
                b.epsilon(EpsilonSchedule.parse(epsilon));
            }
            if (epsilonSpread != null) {
                b.epsilonSpread(epsilonSpread);
            }
            if (behaviour != null) {
                b.behaviour(Behaviour.parse(behaviour));
            }
            if (seed != null) {
                b.seed(seed);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
