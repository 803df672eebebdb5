package io.replayflow.actor;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.actor.publish.PublisherSettings;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything an actor process needs, validated once; each field has a documented key in {@link
 * ActorOptions} ({@code actor.envs}, {@code actor.swap.poll-interval}, ...), which is how it is set
 * from a properties map.
 *
 * <pre>{@code
 * ActorConfig config = ActorConfig.builder()
 *         .bootstrapServers("127.0.0.1:9092")
 *         .env("CartPole-v1")
 *         .envsPerActor(256)
 *         .actors(1)
 *         .steps(1_000_000)                                  // 0: until stopped
 *         .policyName("cartpole")
 *         .epsilon(EpsilonSchedule.linear(1.0, 0.05, 200_000))
 *         .seed(7)
 *         .build();
 * }</pre>
 *
 * @param bootstrapServers Kafka {@code host:port,...}
 * @param topicPrefix replaces {@code rf.} in the topic names
 * @param envId an environment id: a built-in, or one registered in the registry the runner gets
 * @param envsPerActor N, environments stepped together by one actor
 * @param actors K, actor threads in the process
 * @param steps environment steps (transitions) to take over all actors, rounded up to whole vector
 *     steps; 0 = until stopped
 * @param maxStepsPerSecond environment steps per second over all actors, at most; 0 = no limit
 * @param policyName the policy to follow on {@code rf.policies}
 * @param epsilon ε-greedy schedule over each actor's step count
 * @param epsilonSpread α of Ape-X's per-environment rates: environment i of an actor's N explores
 *     at ε(t)^(1 + α·i/(N−1)) ({@link io.replayflow.actor.policy.EpsilonGreedy}); 0: all at ε(t)
 * @param behaviour the version-0 policy: uniform random, or a hand controller explored with ε
 * @param seed derives every actor's environment, random-policy and exploration seeds
 * @param actorName the first part of every actor id
 * @param swapPollInterval longest wait of one poll of {@code rf.policies}
 * @param swapInitialWait how long the start waits for the newest published version to load
 * @param compression producer compression codec
 * @param publishLinger producer {@code linger.ms}
 * @param publishBatchSize producer {@code batch.size}, bytes
 * @param publishBufferMemory producer {@code buffer.memory}, bytes: the bound on buffering
 * @param publishMaxBlock producer {@code max.block.ms}: the longest a send may block
 * @param producerOverrides further producer settings ({@code actor.producer.*})
 * @param metricsHost address the Prometheus endpoint binds
 * @param metricsPort its port; 0 = any free port, -1 = no endpoint
 * @param progressInterval how often {@link ActorRunner#awaitCompletion} reports progress
 * @param kafkaProperties Kafka client settings of every client of the process, producer and policy
 *     consumer alike ({@code kafka.properties.*}: security, timeouts...); {@code producerOverrides}
 *     apply over them for the producer
 * @param policyRoot the directory every announced policy artifact must lie in (after resolving
 *     {@code ..} and symbolic links); empty: any local path is loaded
 */
public record ActorConfig(
        String bootstrapServers,
        String topicPrefix,
        String envId,
        int envsPerActor,
        int actors,
        long steps,
        double maxStepsPerSecond,
        String policyName,
        EpsilonSchedule epsilon,
        double epsilonSpread,
        Behaviour behaviour,
        long seed,
        String actorName,
        Duration swapPollInterval,
        Duration swapInitialWait,
        String compression,
        Duration publishLinger,
        int publishBatchSize,
        long publishBufferMemory,
        Duration publishMaxBlock,
        Map<String, String> producerOverrides,
        String metricsHost,
        int metricsPort,
        Duration progressInterval,
        Map<String, String> kafkaProperties,
        Optional<Path> policyRoot) {

    /** Client settings the actor owns: they come from other keys or are fixed by design. */
    private static final Set<String> OWNED_CLIENT_KEYS =
            Set.of(
                    "bootstrap.servers",
                    "client.id",
                    "key.serializer",
                    "value.serializer",
                    "key.deserializer",
                    "value.deserializer");

    public ActorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw invalid(
                    ActorOptions.BOOTSTRAP_SERVERS,
                    bootstrapServers,
                    "is required: the Kafka address, e.g. 127.0.0.1:9092 (what 'replayflow stack'"
                            + " prints)");
        }
        topicPrefix =
                Topics.withPrefix(Objects.requireNonNull(topicPrefix, "topicPrefix")).prefix();
        if (envId == null || envId.isBlank()) {
            throw invalid(
                    ActorOptions.ENV,
                    envId,
                    "must name an environment, e.g. one of the built-ins "
                            + EnvRegistry.withBuiltIns().ids());
        }
        if (envsPerActor < 1 || envsPerActor > 65_536) {
            throw invalid(ActorOptions.ENVS, envsPerActor, "must be between 1 and 65536");
        }
        if (actors < 1 || actors > 1024) {
            throw invalid(ActorOptions.ACTORS, actors, "must be between 1 and 1024");
        }
        if (steps < 0) {
            throw invalid(ActorOptions.STEPS, steps, "must be >= 0 (0 runs until stopped)");
        }
        if (!(maxStepsPerSecond >= 0) || Double.isInfinite(maxStepsPerSecond)) {
            throw invalid(
                    ActorOptions.MAX_STEPS_PER_SECOND,
                    maxStepsPerSecond,
                    "must be a finite number >= 0 (0: no limit)");
        }
        if (policyName == null || policyName.isBlank()) {
            throw invalid(ActorOptions.POLICY_NAME, policyName, "must not be blank");
        }
        Objects.requireNonNull(epsilon, "epsilon");
        if (!(epsilonSpread >= 0) || Double.isInfinite(epsilonSpread)) {
            throw invalid(
                    ActorOptions.EPSILON_SPREAD,
                    epsilonSpread,
                    "must be a finite number >= 0 (0: every environment at the schedule's"
                            + " epsilon; Ape-X's actors use 7)");
        }
        Objects.requireNonNull(behaviour, "behaviour");
        if (behaviour.unsupported(envId) != null) {
            throw invalid(ActorOptions.BEHAVIOUR, behaviour, behaviour.unsupported(envId));
        }
        if (actorName == null || !actorName.matches("[A-Za-z0-9._-]+")) {
            throw invalid(
                    ActorOptions.NAME,
                    actorName,
                    "may only use letters, digits, '.', '_' and '-' (it is part of every actor"
                            + " id)");
        }
        requirePositive(ActorOptions.SWAP_POLL_INTERVAL, swapPollInterval);
        if (swapInitialWait == null || swapInitialWait.isNegative()) {
            throw invalid(ActorOptions.SWAP_INITIAL_WAIT, swapInitialWait, "must be >= 0");
        }
        if (!PublisherSettings.COMPRESSIONS.contains(compression)) {
            throw invalid(
                    ActorOptions.PUBLISH_COMPRESSION,
                    compression,
                    "must be one of " + PublisherSettings.COMPRESSIONS);
        }
        producerOverrides =
                Secrets.hidingSecrets(Objects.requireNonNullElse(producerOverrides, Map.of()));
        if (metricsHost == null || metricsHost.isBlank()) {
            throw invalid(ActorOptions.METRICS_HOST, metricsHost, "must not be blank");
        }
        if (metricsPort < -1 || metricsPort > 65_535) {
            throw invalid(
                    ActorOptions.METRICS_PORT,
                    metricsPort,
                    "must be a TCP port, 0 for any free port, or -1 for no endpoint");
        }
        requirePositive(ActorOptions.PROGRESS_INTERVAL, progressInterval);
        kafkaProperties =
                Secrets.hidingSecrets(Objects.requireNonNullElse(kafkaProperties, Map.of()));
        for (String key : kafkaProperties.keySet()) {
            if (OWNED_CLIENT_KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        ActorOptions.KAFKA_PREFIX
                                + key
                                + " is set by the actor itself (bootstrap servers come from "
                                + ActorOptions.BOOTSTRAP_SERVERS.key()
                                + "; ids and serializers are fixed): remove it");
            }
        }
        policyRoot =
                Objects.requireNonNullElse(policyRoot, Optional.<Path>empty())
                        .map(p -> p.toAbsolutePath().normalize());
        try {
            new PublisherSettings(
                    bootstrapServers,
                    "validation",
                    compression,
                    publishLinger,
                    publishBatchSize,
                    publishBufferMemory,
                    publishMaxBlock,
                    producerExtras(kafkaProperties, producerOverrides));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("actor.publish settings: " + e.getMessage(), e);
        }
    }

    private static void requirePositive(
            org.apache.flink.configuration.ConfigOption<?> option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(option, value, "must be a positive duration such as 100ms or 2s");
        }
    }

    private static IllegalArgumentException invalid(
            org.apache.flink.configuration.ConfigOption<?> option, Object value, String rule) {
        return new IllegalArgumentException(option.key() + " = " + value + " " + rule);
    }

    /** The topic names under {@link #topicPrefix()}. */
    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /** The producer settings these options describe. */
    public PublisherSettings publisherSettings() {
        return new PublisherSettings(
                bootstrapServers,
                "replayflow-actors-" + actorName,
                compression,
                publishLinger,
                publishBatchSize,
                publishBufferMemory,
                publishMaxBlock,
                producerExtras(kafkaProperties, producerOverrides));
    }

    /** {@code kafka.properties.*}, then {@code actor.producer.*} over them. */
    private static Map<String, String> producerExtras(
            Map<String, String> common, Map<String, String> producer) {
        Map<String, String> extras = new TreeMap<>(common);
        extras.putAll(producer);
        return extras;
    }

    /** Vector steps each actor takes: {@code ceil(steps / (actors * envsPerActor))}; 0 = none. */
    public long vectorStepsPerActor() {
        if (steps == 0) {
            return 0;
        }
        long perVectorStep = (long) actors * envsPerActor;
        return (steps + perVectorStep - 1) / perVectorStep;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link ActorConfig}; unset fields take the defaults {@link ActorOptions} lists. */
    public static final class Builder {
        private String bootstrapServers;
        private String topicPrefix = Topics.DEFAULT_PREFIX;
        private String envId = "CartPole-v1";
        private int envsPerActor = 64;
        private int actors = 1;
        private long steps;
        private double maxStepsPerSecond;
        private String policyName;
        private EpsilonSchedule epsilon = EpsilonSchedule.constant(0.05);
        private double epsilonSpread;
        private Behaviour behaviour = Behaviour.RANDOM;
        private Long seed;
        private String actorName;
        private Duration swapPollInterval = Duration.ofMillis(100);
        private Duration swapInitialWait = Duration.ofSeconds(30);
        private String compression = "lz4";
        private Duration publishLinger = Duration.ofMillis(10);
        private int publishBatchSize = 256 * 1024;
        private long publishBufferMemory = 64L * 1024 * 1024;
        private Duration publishMaxBlock = Duration.ofSeconds(60);
        private Map<String, String> producerOverrides = Map.of();
        private String metricsHost = "127.0.0.1";
        private int metricsPort;
        private Duration progressInterval = Duration.ofSeconds(2);
        private Map<String, String> kafkaProperties = Map.of();
        private Path policyRoot;

        private Builder() {}

        public Builder bootstrapServers(String v) {
            bootstrapServers = v;
            return this;
        }

        public Builder topicPrefix(String v) {
            topicPrefix = v;
            return this;
        }

        public Builder env(String v) {
            envId = v;
            return this;
        }

        public Builder envsPerActor(int v) {
            envsPerActor = v;
            return this;
        }

        public Builder actors(int v) {
            actors = v;
            return this;
        }

        public Builder steps(long v) {
            steps = v;
            return this;
        }

        /** 0 (the default): as fast as the machine and the brokers allow. */
        public Builder maxStepsPerSecond(double v) {
            maxStepsPerSecond = v;
            return this;
        }

        /** Default: the environment id. */
        public Builder policyName(String v) {
            policyName = v;
            return this;
        }

        public Builder epsilon(EpsilonSchedule v) {
            epsilon = v;
            return this;
        }

        /** Default: 0, every environment at the schedule's ε. */
        public Builder epsilonSpread(double v) {
            epsilonSpread = v;
            return this;
        }

        /** Default: {@link Behaviour#RANDOM}. */
        public Builder behaviour(Behaviour v) {
            behaviour = v;
            return this;
        }

        /** Default: a random seed, printed at start so the run can be repeated. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Default: the host name. */
        public Builder actorName(String v) {
            actorName = v;
            return this;
        }

        public Builder swapPollInterval(Duration v) {
            swapPollInterval = v;
            return this;
        }

        public Builder swapInitialWait(Duration v) {
            swapInitialWait = v;
            return this;
        }

        public Builder compression(String v) {
            compression = v;
            return this;
        }

        public Builder publishLinger(Duration v) {
            publishLinger = v;
            return this;
        }

        public Builder publishBatchSize(int v) {
            publishBatchSize = v;
            return this;
        }

        public Builder publishBufferMemory(long v) {
            publishBufferMemory = v;
            return this;
        }

        public Builder publishMaxBlock(Duration v) {
            publishMaxBlock = v;
            return this;
        }

        public Builder producerOverrides(Map<String, String> v) {
            producerOverrides = v;
            return this;
        }

        public Builder metricsHost(String v) {
            metricsHost = v;
            return this;
        }

        /** 0 (the default): any free port; -1: no endpoint. */
        public Builder metricsPort(int v) {
            metricsPort = v;
            return this;
        }

        public Builder progressInterval(Duration v) {
            progressInterval = v;
            return this;
        }

        /**
         * Kafka client settings for the producer and the policy consumer, e.g. {@code
         * security.protocol=SASL_SSL}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code
         * ssl.truststore.location}.
         */
        public Builder kafkaProperties(Map<String, String> v) {
            kafkaProperties = v;
            return this;
        }

        /** Refuse policy artifacts outside this directory (default: none, any local path). */
        public Builder policyRoot(Path v) {
            policyRoot = v;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the key, the value and the rule
         */
        public ActorConfig build() {
            return new ActorConfig(
                    bootstrapServers,
                    topicPrefix,
                    envId,
                    envsPerActor,
                    actors,
                    steps,
                    maxStepsPerSecond,
                    policyName == null ? envId : policyName,
                    epsilon,
                    epsilonSpread,
                    behaviour,
                    seed == null ? new SecureRandom().nextLong() : seed,
                    actorName == null ? defaultActorName() : actorName,
                    swapPollInterval,
                    swapInitialWait,
                    compression,
                    publishLinger,
                    publishBatchSize,
                    publishBufferMemory,
                    publishMaxBlock,
                    producerOverrides,
                    metricsHost,
                    metricsPort,
                    progressInterval,
                    kafkaProperties,
                    Optional.ofNullable(policyRoot));
        }
    }

    /** The host name, reduced to the characters allowed in ids; "actor" if unknown. */
    static String defaultActorName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "actor");
        }
        String safe = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return safe.isEmpty() ? "actor" : safe;
    }
}
