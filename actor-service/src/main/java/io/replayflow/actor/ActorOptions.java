package io.replayflow.actor;

import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documented settings of an actor process: key, default and meaning of each, and the parser
 * that turns a {@code key → text} map (a properties file, {@code -D} flags, a CLI) into a validated
 * {@link ActorConfig}. {@code docs/CONFIG.md} is generated from this table ({@link #markdown()}; a
 * test keeps the two equal).
 *
 * <pre>{@code
 * ActorConfig config = ActorOptions.parse(Map.of(
 *         "actor.bootstrap-servers", "127.0.0.1:9092",
 *         "actor.envs", "256",
 *         "actor.epsilon.start", "1.0",
 *         "actor.epsilon.end", "0.05",
 *         "actor.epsilon.decay-steps", "200000",
 *         "actor.swap.poll-interval", "100ms"));
 * }</pre>
 *
 * <p>Durations are written {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} (or ISO-8601, {@code
 * PT2S}); sizes in bytes with an optional {@code k}, {@code m} or {@code g} (binary) suffix.
 */
public final class ActorOptions {

    /** One setting. */
    public record Option<T>(
            String key, String defaultText, String description, Function<String, T> parser) {
        public Option {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(defaultText, "defaultText");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(parser, "parser");
        }

        /** Parses {@code text}, or throws naming this key, the text and what was expected. */
        public T parse(String text) {
            try {
                return parser.apply(text.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(key + " = '" + text + "': " + e.getMessage(), e);
            }
        }
    }

    /** Settings under this prefix go to the Kafka producer as they are (minus the prefix). */
    public static final String PRODUCER_PREFIX = "actor.producer.";

    /**
     * Settings under this prefix go to every Kafka client of the actor process, the producer and
     * the policy consumer (minus the prefix): {@code actor.kafka.security.protocol=SASL_SSL}.
     */
    public static final String KAFKA_PREFIX = "actor.kafka.";

    public static final Option<String> BOOTSTRAP_SERVERS =
            new Option<>(
                    "actor.bootstrap-servers",
                    "(required)",
                    "Kafka bootstrap servers, host:port[,host:port...].",
                    ActorOptions::text);
    public static final Option<String> TOPIC_PREFIX =
            new Option<>(
                    "actor.topic-prefix",
                    "rf.",
                    "Replaces 'rf.' in the topic names: transitions go to PREFIXtransitions,"
                            + " policies are read from PREFIXpolicies.",
                    s -> s);
    public static final Option<String> ENV =
            new Option<>(
                    "actor.env",
                    "CartPole-v1",
                    "Built-in environment: CartPole-v1, Acrobot-v1, MountainCar-v0, or a MinAtar"
                            + " game (MinAtar/Breakout-v1, MinAtar/SpaceInvaders-v1,"
                            + " MinAtar/Freeway-v1, MinAtar/Asterix-v1, MinAtar/Seaquest-v1;"
                            + " MinAtar's defaults: sticky actions p = 0.1, full actions 0-5).",
                    ActorOptions::text);
    public static final Option<Integer> ENVS =
            new Option<>(
                    "actor.envs",
                    "64",
                    "Environments per actor, stepped together; one batched inference call each"
                            + " step.",
                    ActorOptions::integer);
    public static final Option<Integer> ACTORS =
            new Option<>(
                    "actor.actors",
                    "1",
                    "Actor threads in the process (each with its own environments; they share"
                            + " the producer and the loaded model).",
                    ActorOptions::integer);
    public static final Option<Long> STEPS =
            new Option<>(
                    "actor.steps",
                    "0",
                    "Environment steps (transitions) to take over all actors, rounded up to whole"
                            + " vector steps; 0 runs until stopped.",
                    ActorOptions::longInteger);
    public static final Option<Double> MAX_STEPS_PER_SECOND =
            new Option<>(
                    "actor.max-steps-per-second",
                    "0",
                    "Pace: environment steps per second over all actors, at most (to leave CPU to"
                            + " a trainer on the same machine); 0 runs as fast as possible.",
                    ActorOptions::decimal);
    public static final Option<String> POLICY_NAME =
            new Option<>(
                    "actor.policy.name",
                    "(the env id)",
                    "Policy to follow on the policies topic; version 0 (uniform random) acts"
                            + " until one is published.",
                    ActorOptions::text);
    public static final Option<Behaviour> BEHAVIOUR =
            new Option<>(
                    "actor.behaviour",
                    "random",
                    "Version-0 policy, acting until a policy is published: random (uniform; ε"
                            + " does not apply) or cartpole-hand (CartPole-v1 only: push toward"
                            + " theta + 0.5 theta_dot, explored with ε-greedy).",
                    Behaviour::parse);
    public static final Option<Double> EPSILON_START =
            new Option<>(
                    "actor.epsilon.start",
                    "0.05",
                    "Exploration rate ε of ε-greedy at step 0 (constant unless decay-steps > 0).",
                    ActorOptions::decimal);
    public static final Option<Double> EPSILON_END =
            new Option<>(
                    "actor.epsilon.end",
                    "(= start)",
                    "ε after decay-steps steps of each actor; linear in between.",
                    ActorOptions::decimal);
    public static final Option<Long> EPSILON_DECAY_STEPS =
            new Option<>(
                    "actor.epsilon.decay-steps",
                    "0",
                    "Steps of each actor over which ε goes linearly from start to end; 0 keeps ε"
                            + " constant at start.",
                    ActorOptions::longInteger);
    public static final Option<Long> SEED =
            new Option<>(
                    "actor.seed",
                    "(random, printed)",
                    "Seed of every actor's environments, random policy and exploration.",
                    ActorOptions::longInteger);
    public static final Option<String> NAME =
            new Option<>(
                    "actor.name",
                    "(host name)",
                    "First part of every actor id, NAME-ACTOR/SLOT; episode ids add the run's"
                            + " nonce and the episode index.",
                    ActorOptions::text);
    public static final Option<Duration> SWAP_POLL_INTERVAL =
            new Option<>(
                    "actor.swap.poll-interval",
                    "100ms",
                    "Longest wait of one poll of the policies topic (a new version is seen as soon"
                            + " as it arrives).",
                    ActorOptions::duration);
    public static final Option<Duration> SWAP_INITIAL_WAIT =
            new Option<>(
                    "actor.swap.initial-wait",
                    "30s",
                    "At start, how long to wait for the newest published version to load before"
                            + " acting with version 0.",
                    ActorOptions::duration);
    public static final Option<Path> POLICY_ROOT =
            new Option<>(
                    "actor.policy.root",
                    "(none: any local path)",
                    "Directory that every announced policy artifact must lie in, after resolving"
                            + " '..' and symbolic links (e.g. <data root>/policies); a version"
                            + " whose URI points elsewhere is refused and the actors keep acting.",
                    s -> Path.of(text(s)));
    public static final Option<String> PUBLISH_COMPRESSION =
            new Option<>(
                    "actor.publish.compression",
                    "lz4",
                    "Producer compression: lz4, zstd, snappy, gzip or none.",
                    ActorOptions::text);
    public static final Option<Duration> PUBLISH_LINGER =
            new Option<>(
                    "actor.publish.linger",
                    "10ms",
                    "Producer linger.ms: how long a batch waits to fill.",
                    ActorOptions::duration);
    public static final Option<Integer> PUBLISH_BATCH_SIZE =
            new Option<>(
                    "actor.publish.batch-size",
                    "256k",
                    "Producer batch.size per partition.",
                    s -> Math.toIntExact(size(s)));
    public static final Option<Long> PUBLISH_BUFFER_MEMORY =
            new Option<>(
                    "actor.publish.buffer-memory",
                    "64m",
                    "Producer buffer.memory: the bound on records waiting to be sent; when full,"
                            + " actors block (back-pressure, counted in actor/publish_blocked).",
                    ActorOptions::size);
    public static final Option<Duration> PUBLISH_MAX_BLOCK =
            new Option<>(
                    "actor.publish.max-block",
                    "60s",
                    "Producer max.block.ms: a send blocked longer stops the actor with an error"
                            + " (records are never dropped silently).",
                    ActorOptions::duration);
    public static final Option<String> METRICS_HOST =
            new Option<>(
                    "actor.metrics.host",
                    "127.0.0.1",
                    "Address the Prometheus endpoint (/metrics) binds.",
                    ActorOptions::text);
    public static final Option<Integer> METRICS_PORT =
            new Option<>(
                    "actor.metrics.port",
                    "0",
                    "Port of the Prometheus endpoint; 0 picks a free one (printed), -1 turns it"
                            + " off.",
                    ActorOptions::integer);
    public static final Option<Duration> PROGRESS_INTERVAL =
            new Option<>(
                    "actor.progress.interval",
                    "2s",
                    "How often the actors report progress (the CLI prints a progress line each"
                            + " time).",
                    ActorOptions::duration);

    private static final List<Option<?>> ALL =
            List.of(
                    BOOTSTRAP_SERVERS,
                    TOPIC_PREFIX,
                    ENV,
                    ENVS,
                    ACTORS,
                    STEPS,
                    MAX_STEPS_PER_SECOND,
                    POLICY_NAME,
                    BEHAVIOUR,
                    EPSILON_START,
                    EPSILON_END,
                    EPSILON_DECAY_STEPS,
                    SEED,
                    NAME,
                    SWAP_POLL_INTERVAL,
                    SWAP_INITIAL_WAIT,
                    POLICY_ROOT,
                    PUBLISH_COMPRESSION,
                    PUBLISH_LINGER,
                    PUBLISH_BATCH_SIZE,
                    PUBLISH_BUFFER_MEMORY,
                    PUBLISH_MAX_BLOCK,
                    METRICS_HOST,
                    METRICS_PORT,
                    PROGRESS_INTERVAL);

    private ActorOptions() {}

    /** Every option, in documentation order. */
    public static List<Option<?>> all() {
        return ALL;
    }

    /**
     * Builds a validated config from {@code key → text} settings; unset keys take their defaults.
     *
     * @throws IllegalArgumentException on an unknown key (listing the known ones), a value that
     *     does not parse, or one that breaks a rule, naming the key each time
     */
    public static ActorConfig parse(Map<String, String> settings) {
        Map<String, Option<?>> byKey = new LinkedHashMap<>();
        ALL.forEach(o -> byKey.put(o.key(), o));
        Map<String, String> producer = new TreeMap<>();
        Map<String, String> kafka = new TreeMap<>();
        Map<Option<?>, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(PRODUCER_PREFIX)) {
                producer.put(key.substring(PRODUCER_PREFIX.length()), e.getValue());
                continue;
            }
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), e.getValue());
                continue;
            }
            Option<?> option = byKey.get(key);
            if (option == null) {
                throw new IllegalArgumentException(
                        "unknown actor setting '"
                                + key
                                + "'; known settings: "
                                + byKey.keySet()
                                + ", "
                                + KAFKA_PREFIX
                                + "* and "
                                + PRODUCER_PREFIX
                                + "*");
            }
            values.put(option, option.parse(Objects.requireNonNull(e.getValue(), key)));
        }
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
        set(values, POLICY_ROOT, b::policyRoot);
        set(values, PUBLISH_COMPRESSION, b::compression);
        set(values, PUBLISH_LINGER, b::publishLinger);
        set(values, PUBLISH_BATCH_SIZE, b::publishBatchSize);
        set(values, PUBLISH_BUFFER_MEMORY, b::publishBufferMemory);
        set(values, PUBLISH_MAX_BLOCK, b::publishMaxBlock);
        set(values, METRICS_HOST, b::metricsHost);
        set(values, METRICS_PORT, b::metricsPort);
        set(values, PROGRESS_INTERVAL, b::progressInterval);
        b.producerOverrides(producer);
        b.kafkaProperties(kafka);
        b.epsilon(epsilon(values));
        return b.build();
    }

    private static EpsilonSchedule epsilon(Map<Option<?>, Object> values) {
        double start = (Double) values.getOrDefault(EPSILON_START, 0.05);
        long decay = (Long) values.getOrDefault(EPSILON_DECAY_STEPS, 0L);
        Double end = (Double) values.get(EPSILON_END);
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

    @SuppressWarnings("unchecked")
    private static <T> void set(
            Map<Option<?>, Object> values, Option<T> option, java.util.function.Consumer<T> to) {
        if (values.containsKey(option)) {
            to.accept((T) values.get(option));
        }
    }

    /** The options as a Markdown table: key, default, meaning. */
    public static String markdown() {
        List<String> lines = new ArrayList<>();
        lines.add("# Actor settings");
        lines.add("");
        lines.add(
                "Generated from `io.replayflow.actor.ActorOptions` (`ActorOptionsTest` keeps this"
                        + " file equal to it). Durations: `250ms`, `2s`, `5m`; sizes: bytes with"
                        + " an optional `k`/`m`/`g` suffix.");
        lines.add("");
        lines.add("| key | default | meaning |");
        lines.add("|---|---|---|");
        for (Option<?> o : ALL) {
            lines.add(
                    "| `"
                            + o.key()
                            + "` | `"
                            + o.defaultText()
                            + "` | "
                            + o.description().replace("|", "\\|")
                            + " |");
        }
        lines.add(
                "| `"
                        + KAFKA_PREFIX
                        + "*` | | Passed to every Kafka client of the process, producer and policy"
                        + " consumer, without the prefix: `actor.kafka.security.protocol=SASL_SSL`,"
                        + " `actor.kafka.sasl.mechanism`, `actor.kafka.sasl.jaas.config`,"
                        + " `actor.kafka.ssl.truststore.location`; secret values are never"
                        + " printed. |");
        lines.add(
                "| `"
                        + PRODUCER_PREFIX
                        + "*` | | Passed to the Kafka producer without the prefix, over"
                        + " `actor.kafka.*` (e.g. `actor.producer.compression.level`); idempotence,"
                        + " acks, retries, in-flight requests and serializers are fixed. |");
        return String.join("\n", lines) + "\n";
    }

    // Parsers; their messages complete "key = 'text': ...".

    private static String text(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return s;
    }

    private static int integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not an integer");
        }
    }

    private static long longInteger(String s) {
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not an integer");
        }
    }

    private static double decimal(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a number");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)b?");

    /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT2S}). */
    static Duration duration(String s) {
        Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "is not a duration; write it like 250ms, 2s, 5m or 1h");
        }
    }

    /**
     * Bytes with an optional binary suffix: {@code 65536}, {@code 256k}, {@code 64m}, {@code 1g}.
     */
    static long size(String s) {
        Matcher m = SIZE.matcher(s.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "is not a size; write bytes, optionally with k, m or g (e.g. 256k)");
        }
        long n = Long.parseLong(m.group(1));
        int shift =
                switch (m.group(2)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
        return Math.multiplyExact(n, 1L << shift);
    }
}
