package io.replayflow.actor.serve;

import io.replayflow.schemas.Topics;
import io.replayflow.schemas.config.OptionTable;
import io.replayflow.schemas.config.Settings;
import io.replayflow.schemas.config.SharedOptions;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The documented settings of the decision service, in one {@link OptionTable} of Flink {@link
 * ConfigOption}s (the mechanism every component uses), and the parser that turns a {@code key →
 * text} map (a properties file, {@code --set} flags, the CLI's own flags) into a validated {@link
 * ServeConfig}. {@code docs/CONFIG.md} is generated from {@link #table()}.
 *
 * <pre>{@code
 * ServeConfig config = ServeOptions.parse(Map.of(
 *         "kafka.bootstrap.servers", "127.0.0.1:9092",
 *         "serve.policy.name", "cartpole",
 *         "serve.http.port", "8080",
 *         "serve.batch.max-wait-us", "200"));
 * }</pre>
 */
public final class ServeOptions {

    /** Settings under this prefix go to the log's Kafka producer only (minus the prefix). */
    public static final String PRODUCER_PREFIX = "serve.producer.";

    /** Settings under this prefix go to every Kafka client: the log's producer, the follower. */
    public static final String KAFKA_PREFIX = SharedOptions.KAFKA_PROPERTIES_PREFIX;

    private static final OptionTable TABLE =
            new OptionTable("serve", List.of(KAFKA_PREFIX, PRODUCER_PREFIX));

    static {
        TABLE.describePrefix(
                KAFKA_PREFIX,
                "Kafka client settings for the producer and the policy follower (security...).");
        TABLE.describePrefix(
                PRODUCER_PREFIX,
                "Settings of the log's producer only (e.g. linger.ms, compression.type); acks,"
                        + " enable.idempotence and the serializers are fixed.");
    }

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            TABLE.add(
                    SharedOptions.bootstrapServers(),
                    "string",
                    "(required)",
                    SharedOptions.BOOTSTRAP_SERVERS_DESCRIPTION);
    public static final ConfigOption<String> TOPIC_PREFIX =
            TABLE.add(
                    SharedOptions.topicPrefix(),
                    "string",
                    "Replaces 'rf.' in the topic names: decisions go to PREFIXdecisions, outcomes"
                            + " to PREFIXoutcomes, policies are read from PREFIXpolicies.");
    public static final ConfigOption<String> POLICY_NAME =
            TABLE.add(
                    key("serve.policy.name").stringType().noDefaultValue(),
                    "string",
                    "(required)",
                    "Policy served: its newest verified version on the policies topic; version 0"
                            + " (uniform random) acts until one is published.");
    public static final ConfigOption<String> POLICY_ROOT =
            TABLE.add(
                    key("serve.policy.root").stringType().noDefaultValue(),
                    "path",
                    "(none: any local path)",
                    "Directory every announced policy artifact must lie in (e.g. <data"
                            + " root>/policies); a version pointing elsewhere is refused and the"
                            + " service keeps acting.");
    public static final ConfigOption<String> ENV =
            TABLE.add(
                    key("serve.env").stringType().defaultValue("CartPole-v1"),
                    "env id",
                    "Built-in environment whose observation size and action count requests must"
                            + " match; written as env_id of each decision.");
    public static final ConfigOption<String> HOST =
            TABLE.add(
                    key("serve.http.host").stringType().defaultValue("127.0.0.1"),
                    "string",
                    "Interface the HTTP server binds (0.0.0.0 in a pod).");
    public static final ConfigOption<Integer> PORT =
            TABLE.add(
                    key("serve.http.port").intType().defaultValue(8080),
                    "int",
                    "HTTP port; 0 picks a free one (printed).");
    public static final ConfigOption<Integer> HTTP_THREADS =
            TABLE.add(
                    key("serve.http.threads").intType().defaultValue(8),
                    "int",
                    "Most threads of the HTTP server's pool (acceptor and selector included);"
                            + " calls wait on the log asynchronously, so a few suffice.");
    public static final ConfigOption<MemorySize> MAX_BODY =
            TABLE.add(
                    key("serve.http.max-body").memoryType().defaultValue(MemorySize.parse("1m")),
                    "size",
                    "Largest request body accepted; a larger one is refused with 413.");
    public static final ConfigOption<Double> EPSILON =
            TABLE.add(
                    key("serve.epsilon").doubleType().defaultValue(0.05),
                    "double",
                    "Exploration rate ε of ε-greedy around a greedy policy, in [0, 1].");
    public static final ConfigOption<Integer> MAX_BATCH =
            TABLE.add(
                    key("serve.batch.max-size").intType().defaultValue(256),
                    "int",
                    "Most decisions in one policy call.");
    public static final ConfigOption<Long> MAX_WAIT_MICROS =
            TABLE.add(
                    key("serve.batch.max-wait-us").longType().defaultValue(200L),
                    "long",
                    "Longest the first request of a batch waits for others, in microseconds (adds"
                            + " to latency; at most 1 s).");
    public static final ConfigOption<Integer> QUEUE_CAPACITY =
            TABLE.add(
                    key("serve.batch.queue-capacity").intType().defaultValue(8192),
                    "int",
                    "Decision requests that may wait for a batch; more are refused with 503. At"
                            + " least serve.batch.max-size.");
    public static final ConfigOption<Duration> SESSION_IDLE =
            TABLE.add(
                    key("serve.session.idle-timeout")
                            .durationType()
                            .defaultValue(Duration.ofHours(1)),
                    "duration",
                    "A session without calls this long is forgotten; its end is then refused.");
    public static final ConfigOption<String> SERVICE_ID =
            TABLE.add(
                    key("serve.service-id").stringType().noDefaultValue(),
                    "string",
                    "(serve-<pid>)",
                    "Names this instance in the log (the joined transitions' actor_id).");
    public static final ConfigOption<Duration> SWAP_POLL_INTERVAL =
            TABLE.add(
                    key("serve.swap.poll-interval")
                            .durationType()
                            .defaultValue(Duration.ofMillis(500)),
                    "duration",
                    "Longest wait of one poll of the policies topic (a new version is seen as soon"
                            + " as it arrives).");
    public static final ConfigOption<Boolean> ANSWER_BEFORE_ACK =
            TABLE.add(
                    key("serve.log.answer-before-ack").booleanType().defaultValue(false),
                    "boolean",
                    "Answer a call as soon as the producer has taken its record, before Kafka"
                            + " acknowledges it: lower latency, but an answered call may be lost"
                            + " (broker down, process killed; counted in"
                            + " replayflow_serve_log_failures_after_answer_total). Off: every"
                            + " answered call is durably logged (docs/SERVING.md).");
    public static final ConfigOption<Long> SEED =
            TABLE.add(
                    key("serve.seed").longType().defaultValue(42L),
                    "long",
                    "Seed of the exploration draws and of version 0's random actions.");

    private ServeOptions() {}

    /** Every option, in documentation order: the service's section of {@code docs/CONFIG.md}. */
    public static OptionTable table() {
        return TABLE;
    }

    /**
     * Builds a validated config from {@code key → text} settings; unset keys take their defaults.
     *
     * @throws IllegalArgumentException on an unknown key (listing the known ones), a value that
     *     does not parse, or one that breaks a rule, naming the key each time
     */
    public static ServeConfig parse(Map<String, String> settings) {
        Settings values = TABLE.read(settings);
        String bootstrap = required(values, BOOTSTRAP_SERVERS, "e.g. 127.0.0.1:9092");
        String policy = required(values, POLICY_NAME, "e.g. cartpole");
        String envId = values.get(ENV);
        EnvSpec env =
                EnvSpecs.builtIn(envId)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                ENV.key()
                                                        + " = "
                                                        + envId
                                                        + " is not a built-in environment; use"
                                                        + " one of "
                                                        + EnvSpecs.BUILT_IN.stream()
                                                                .map(EnvSpec::id)
                                                                .toList()));
        long waitMicros = values.get(MAX_WAIT_MICROS);
        if (waitMicros < 0 || waitMicros > 1_000_000) {
            throw new IllegalArgumentException(
                    MAX_WAIT_MICROS.key()
                            + " = "
                            + waitMicros
                            + " must be between 0 and 1000000 (1 s): it adds to every latency");
        }
        long maxBody = values.get(MAX_BODY).getBytes();
        if (maxBody > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    MAX_BODY.key() + " = " + values.get(MAX_BODY) + " is too large: at most 2g");
        }
        return new ServeConfig(
                bootstrap,
                values.withPrefix(KAFKA_PREFIX),
                Topics.withPrefix(values.get(TOPIC_PREFIX)),
                policy,
                env,
                values.get(HOST),
                values.get(PORT),
                values.get(EPSILON),
                values.get(MAX_BATCH),
                Duration.ofNanos(waitMicros * 1000),
                values.get(QUEUE_CAPACITY),
                (int) maxBody,
                values.get(SESSION_IDLE),
                values.getOptional(SERVICE_ID).orElse("serve-" + ProcessHandle.current().pid()),
                values.getOptional(POLICY_ROOT).map(Path::of),
                values.get(SWAP_POLL_INTERVAL),
                values.get(SEED),
                values.get(HTTP_THREADS),
                values.withPrefix(PRODUCER_PREFIX),
                values.get(ANSWER_BEFORE_ACK));
    }

    private static String required(Settings values, ConfigOption<String> option, String example) {
        String value = values.get(option);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option.key() + " is required (" + example + ")");
        }
        return value;
    }

    private static ConfigOptions.OptionBuilder key(String key) {
        return ConfigOptions.key(key);
    }
}
