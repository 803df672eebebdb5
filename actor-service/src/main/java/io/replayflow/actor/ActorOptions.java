package io.replayflow.actor;

import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.schemas.config.OptionTable;
import io.replayflow.schemas.config.Settings;
import io.replayflow.schemas.config.SharedOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The documented settings of an actor process, in one {@link OptionTable} of Flink {@link
 * ConfigOption}s (the mechanism every component uses), and the parser that turns a {@code key →
 * text} map (a properties file, {@code -D} flags, a CLI) into a validated {@link ActorConfig}.
 * {@code docs/CONFIG.md} is generated from {@link #table()}.
 *
 * <pre>{@code
 * ActorConfig config = ActorOptions.parse(Map.of(
 *         "kafka.bootstrap.servers", "127.0.0.1:9092",
 *         "actor.envs", "256",
 *         "actor.epsilon.start", "1.0",
 *         "actor.epsilon.end", "0.05",
 *         "actor.epsilon.decay-steps", "200000",
 *         "actor.swap.poll-interval", "100ms"));
 * }</pre>
 *
 * <p>Durations are written {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} (or ISO-8601, {@code
 * PT2S}); sizes in bytes with an optional {@code k}, {@code m} or {@code g} (binary) suffix. The
 * Kafka keys are the shared ones ({@link SharedOptions}); the actors' former spellings {@code
 * actor.bootstrap-servers}, {@code actor.topic-prefix} and {@code actor.kafka.*} are still read.
 */
public final class ActorOptions {

    /** Settings under this prefix go to the Kafka producer as they are (minus the prefix). */
    public static final String PRODUCER_PREFIX = "actor.producer.";

    /**
     * Settings under this prefix go to every Kafka client of the actor process, the producer and
     * the policy consumer (minus the prefix): {@code kafka.properties.security.protocol=SASL_SSL}.
     */
    public static final String KAFKA_PREFIX = SharedOptions.KAFKA_PROPERTIES_PREFIX;

    /** The former spelling of {@link #KAFKA_PREFIX}, still read. */
    public static final String DEPRECATED_KAFKA_PREFIX = "actor.kafka.";

    private static final OptionTable TABLE =
            new OptionTable(
                    "actor", List.of(KAFKA_PREFIX, DEPRECATED_KAFKA_PREFIX, PRODUCER_PREFIX));

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            TABLE.add(
                    SharedOptions.bootstrapServers("actor.bootstrap-servers"),
                    "string",
                    "(required)",
                    SharedOptions.BOOTSTRAP_SERVERS_DESCRIPTION);
    public static final ConfigOption<String> TOPIC_PREFIX =
            TABLE.add(
                    SharedOptions.topicPrefix("actor.topic-prefix"),
                    "string",
                    "Replaces 'rf.' in the topic names: transitions go to PREFIXtransitions,"
                            + " policies are read from PREFIXpolicies.");
    public static final ConfigOption<String> ENV =
            TABLE.add(
                    key("actor.env").stringType().defaultValue("CartPole-v1"),
                    "env id",
                    "Built-in environment: CartPole-v1, CartPole-v1-masked (CartPole-v1 observed"
                            + " through cart position and pole angle only), Acrobot-v1,"
                            + " MountainCar-v0, or a MinAtar"
                            + " game (MinAtar/Breakout-v1, MinAtar/SpaceInvaders-v1,"
                            + " MinAtar/Freeway-v1, MinAtar/Asterix-v1, MinAtar/Seaquest-v1;"
                            + " MinAtar's defaults: sticky actions p = 0.1, full actions 0-5).");
    public static final ConfigOption<Integer> ENVS =
            TABLE.add(
                    key("actor.envs").intType().defaultValue(64),
                    "int",
                    "Environments per actor, stepped together; one batched inference call each"
                            + " step.");
    public static final ConfigOption<Integer> ACTORS =
            TABLE.add(
                    key("actor.actors").intType().defaultValue(1),
                    "int",
                    "Actor threads in the process (each with its own environments; they share"
                            + " the producer and the loaded model).");
    public static final ConfigOption<Long> STEPS =
            TABLE.add(
                    key("actor.steps").longType().defaultValue(0L),
                    "long",
                    "Environment steps (transitions) to take over all actors, rounded up to whole"
                            + " vector steps; 0 runs until stopped.");
    public static final ConfigOption<Double> MAX_STEPS_PER_SECOND =
            TABLE.add(
                    key("actor.max-steps-per-second").doubleType().defaultValue(0.0),
                    "double",
                    "Pace: environment steps per second over all actors, at most (to leave CPU to"
                            + " a trainer on the same machine); 0 runs as fast as possible.");
    public static final ConfigOption<String> POLICY_NAME =
            TABLE.add(
                    key("actor.policy.name").stringType().noDefaultValue(),
                    "string",
                    "(the env id)",
                    "Policy to follow on the policies topic; version 0 (uniform random) acts"
                            + " until one is published.");
    public static final ConfigOption<Behaviour> BEHAVIOUR =
            TABLE.add(
                    key("actor.behaviour").enumType(Behaviour.class).defaultValue(Behaviour.RANDOM),
                    OptionTable.choices(Behaviour.class),
                    "Version-0 policy, acting until a policy is published: random (uniform; ε"
                            + " does not apply) or cartpole-hand (CartPole-v1 only: push toward"
                            + " theta + 0.5 theta_dot, explored with ε-greedy).");
    public static final ConfigOption<Double> EPSILON_START =
            TABLE.add(
                    key("actor.epsilon.start").doubleType().defaultValue(0.05),
                    "double",
                    "Exploration rate ε of ε-greedy at step 0 (constant unless decay-steps > 0).");
    public static final ConfigOption<Double> EPSILON_END =
            TABLE.add(
                    key("actor.epsilon.end").doubleType().noDefaultValue(),
                    "double",
                    "(= start)",
                    "ε after decay-steps steps of each actor; linear in between.");
    public static final ConfigOption<Long> EPSILON_DECAY_STEPS =
            TABLE.add(
                    key("actor.epsilon.decay-steps").longType().defaultValue(0L),
                    "long",
                    "Steps of each actor over which ε goes linearly from start to end; 0 keeps ε"
                            + " constant at start.");
    public static final ConfigOption<Double> EPSILON_SPREAD =
            TABLE.add(
                    key("actor.epsilon.spread").doubleType().defaultValue(0.0),
                    "double",
                    "Ape-X's per-environment exploration (Horgan et al., 2018): environment i of"
                            + " an actor's N explores at ε^(1 + spread·i/(N−1)), ε the schedule's;"
                            + " 0 gives every environment ε. Ape-X: start 0.4, spread 7.");
    public static final ConfigOption<Long> SEED =
            TABLE.add(
                    key("actor.seed").longType().noDefaultValue(),
                    "long",
                    "(random, printed)",
                    "Seed of every actor's environments, random policy and exploration.");
    public static final ConfigOption<String> NAME =
            TABLE.add(
                    key("actor.name").stringType().noDefaultValue(),
                    "string",
                    "(host name)",
                    "First part of every actor id, NAME-ACTOR/SLOT; episode ids add the run's"
                            + " nonce and the episode index.");
    public static final ConfigOption<Duration> SWAP_POLL_INTERVAL =
            TABLE.add(
                    key("actor.swap.poll-interval")
                            .durationType()
                            .defaultValue(Duration.ofMillis(100)),
                    "duration",
                    "Longest wait of one poll of the policies topic (a new version is seen as soon"
                            + " as it arrives).");
    public static final ConfigOption<Duration> SWAP_INITIAL_WAIT =
            TABLE.add(
                    key("actor.swap.initial-wait")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(30)),
                    "duration",
                    "At start, how long to wait for the newest published version to load before"
                            + " acting with version 0.");
    public static final ConfigOption<String> POLICY_ROOT =
            TABLE.add(
                    key("actor.policy.root").stringType().noDefaultValue(),
                    "path",
                    "(none: any local path)",
                    "Directory that every announced policy artifact must lie in, after resolving"
                            + " '..' and symbolic links (e.g. <data root>/policies); a version"
                            + " whose URI points elsewhere is refused and the actors keep acting.");
    public static final ConfigOption<String> PUBLISH_COMPRESSION =
            TABLE.add(
                    key("actor.publish.compression").stringType().defaultValue("lz4"),
                    "string",
                    "Producer compression: lz4, zstd, snappy, gzip or none.");
    public static final ConfigOption<Duration> PUBLISH_LINGER =
            TABLE.add(
                    key("actor.publish.linger").durationType().defaultValue(Duration.ofMillis(10)),
                    "duration",
                    "Producer linger.ms: how long a batch waits to fill.");
    public static final ConfigOption<MemorySize> PUBLISH_BATCH_SIZE =
            TABLE.add(
                    key("actor.publish.batch-size")
                            .memoryType()
                            .defaultValue(MemorySize.parse("256k")),
                    "size",
                    "Producer batch.size per partition.");
    public static final ConfigOption<MemorySize> PUBLISH_BUFFER_MEMORY =
            TABLE.add(
                    key("actor.publish.buffer-memory")
                            .memoryType()
                            .defaultValue(MemorySize.parse("64m")),
                    "size",
                    "Producer buffer.memory: the bound on records waiting to be sent; when full,"
                            + " actors block (back-pressure, counted in"
                            + " replayflow_actor_publish_blocked_seconds_total).");
    public static final ConfigOption<Duration> PUBLISH_MAX_BLOCK =
            TABLE.add(
                    key("actor.publish.max-block")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(60)),
                    "duration",
                    "Producer max.block.ms: a send blocked longer stops the actor with an error"
                            + " (records are never dropped silently).");
    public static final ConfigOption<String> METRICS_HOST =
            TABLE.add(
                    key("actor.metrics.host").stringType().defaultValue("127.0.0.1"),
                    "string",
                    "Address the Prometheus endpoint (/metrics) binds.");
    public static final ConfigOption<Integer> METRICS_PORT =
            TABLE.add(
                    key("actor.metrics.port").intType().defaultValue(0),
                    "int",
                    "Port of the Prometheus endpoint; 0 picks a free one (printed), -1 turns it"
                            + " off.");
    public static final ConfigOption<Duration> PROGRESS_INTERVAL =
            TABLE.add(
                    key("actor.progress.interval")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(2)),
                    "duration",
                    "How often the actors report progress (the CLI prints a progress line each"
                            + " time).");

    private ActorOptions() {}

    /** Every option, in documentation order: the actors' section of {@code docs/CONFIG.md}. */
    public static OptionTable table() {
        return TABLE;
    }

    /**
     * Builds a validated config from {@code key → text} settings; unset keys take their defaults.
     *
     * @throws IllegalArgumentException on an unknown key (listing the known ones), a value that
     *     does not parse, or one that breaks a rule, naming the key each time
     */
    public static ActorConfig parse(Map<String, String> settings) {
        Settings values = TABLE.read(settings);
        ActorConfig.Builder b = ActorConfig.builder();
        set(values, BOOTSTRAP_SERVERS, b::bootstrapServers);
        set(values, TOPIC_PREFIX, b::topicPrefix);
        set(values, ENV, b::env);
        set(values, ENVS, b::envsPerActor);
        set(values, ACTORS, b::actors);
        set(values, STEPS, b::steps);
        set(values, MAX_STEPS_PER_SECOND, b::maxStepsPerSecond);
        set(values, POLICY_NAME, b::policyName);
        set(values, BEHAVIOUR, b::behaviour);
        set(values, SEED, b::seed);
        set(values, NAME, b::actorName);
        set(values, SWAP_POLL_INTERVAL, b::swapPollInterval);
        set(values, SWAP_INITIAL_WAIT, b::swapInitialWait);
        set(values, POLICY_ROOT, root -> b.policyRoot(Path.of(root)));
        set(values, PUBLISH_COMPRESSION, b::compression);
        set(values, PUBLISH_LINGER, b::publishLinger);
        set(
                values,
                PUBLISH_BATCH_SIZE,
                size -> b.publishBatchSize(Math.toIntExact(size.getBytes())));
        set(values, PUBLISH_BUFFER_MEMORY, size -> b.publishBufferMemory(size.getBytes()));
        set(values, PUBLISH_MAX_BLOCK, b::publishMaxBlock);
        set(values, METRICS_HOST, b::metricsHost);
        set(values, METRICS_PORT, b::metricsPort);
        set(values, PROGRESS_INTERVAL, b::progressInterval);
        b.producerOverrides(values.withPrefix(PRODUCER_PREFIX));
        b.kafkaProperties(values.withPrefix(KAFKA_PREFIX, DEPRECATED_KAFKA_PREFIX));
        b.epsilon(epsilon(values));
        set(values, EPSILON_SPREAD, b::epsilonSpread);
        return b.build();
    }

    private static EpsilonSchedule epsilon(Settings values) {
        double start = values.get(EPSILON_START);
        long decay = values.get(EPSILON_DECAY_STEPS);
        Double end = values.getOptional(EPSILON_END).orElse(null);
        try {
            if (decay > 0) {
                return EpsilonSchedule.linear(start, end == null ? start : end, decay);
            }
            if (decay < 0) {
                throw new IllegalArgumentException("must be >= 0");
            }
            if (end != null && end != start) {
                throw new IllegalArgumentException(
                        EPSILON_END.key()
                                + " = "
                                + end
                                + " differs from the start but "
                                + EPSILON_DECAY_STEPS.key()
                                + " is 0: set the number of steps to decay over");
            }
            return EpsilonSchedule.constant(start);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("actor.epsilon.*: " + e.getMessage(), e);
        }
    }

    /** Hands a value that is set to the builder; unset ones keep the builder's default. */
    private static <T> void set(Settings values, ConfigOption<T> option, Consumer<T> to) {
        values.getOptional(option).ifPresent(to);
    }

    private static ConfigOptions.OptionBuilder key(String key) {
        return ConfigOptions.key(key);
    }
}
