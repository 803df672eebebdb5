package io.replayflow.ingest.join;

import static io.replayflow.ingest.join.JoinOptions.CHECKPOINT_INTERVAL;
import static io.replayflow.ingest.join.JoinOptions.GROUP_ID;
import static io.replayflow.ingest.join.JoinOptions.IDLENESS;
import static io.replayflow.ingest.join.JoinOptions.IDLE_TIMEOUT;
import static io.replayflow.ingest.join.JoinOptions.OUT_OF_ORDERNESS;
import static io.replayflow.ingest.join.JoinOptions.PARALLELISM;
import static io.replayflow.ingest.join.JoinOptions.RETENTION;
import static io.replayflow.ingest.join.JoinOptions.REWARD_HORIZON;
import static io.replayflow.ingest.join.JoinOptions.STARTING_OFFSETS;
import static io.replayflow.ingest.join.JoinOptions.TRANSACTIONAL_ID_PREFIX;

import io.replayflow.ingest.IngestOptions;
import io.replayflow.ingest.IngestOptions.StartingOffsets;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.time.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * The validated settings of one join job, read from {@link JoinOptions}; the constructor names the
 * key, the rule and the fix of the first bad setting.
 *
 * <pre>{@code
 * JoinConfig config = JoinConfig.builder()
 *         .bootstrapServers("127.0.0.1:9092")
 *         .set(JoinOptions.REWARD_HORIZON, Duration.ofSeconds(30))
 *         .build();
 * JobClient job = JoinJob.start(env, config);
 * }</pre>
 */
public record JoinConfig(
        String bootstrapServers,
        Topics topics,
        String groupId,
        StartingOffsets startingOffsets,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        TransactionNamingStrategy transactionNaming,
        Map<String, String> kafkaProperties,
        OptionalInt parallelism,
        Duration checkpointInterval,
        Duration rewardHorizon,
        Duration idleTimeout,
        Duration retention,
        Duration outOfOrderness,
        Duration idleness) {

    public JoinConfig {
        bootstrapServers =
                required(IngestOptions.BOOTSTRAP_SERVERS, bootstrapServers, "broker:9092");
        Objects.requireNonNull(topics, "topics");
        groupId = required(GROUP_ID, groupId, "replayflow-join");
        Objects.requireNonNull(startingOffsets, STARTING_OFFSETS.key());
        transactionalIdPrefix =
                required(TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix, "replayflow-join");
        Objects.requireNonNull(transactionNaming, IngestOptions.TRANSACTION_NAMING.key());
        kafkaProperties = Secrets.hidingSecrets(kafkaProperties);
        Objects.requireNonNull(parallelism, PARALLELISM.key());
        if (parallelism.isPresent() && parallelism.getAsInt() < 1) {
            throw new IllegalArgumentException(
                    PARALLELISM.key()
                            + " must be at least 1, was "
                            + parallelism.getAsInt()
                            + ": leave it unset to use the environment's default");
        }
        atLeast(CHECKPOINT_INTERVAL, checkpointInterval, Duration.ofMillis(100), "");
        if (transactionTimeout.compareTo(checkpointInterval) <= 0) {
            throw new IllegalArgumentException(
                    IngestOptions.TRANSACTION_TIMEOUT.key()
                            + " ("
                            + Durations.format(transactionTimeout)
                            + ") must be longer than "
                            + CHECKPOINT_INTERVAL.key()
                            + " ("
                            + Durations.format(checkpointInterval)
                            + "): raise the timeout or checkpoint more often");
        }
        atLeast(REWARD_HORIZON, rewardHorizon, Duration.ZERO, "");
        atLeast(OUT_OF_ORDERNESS, outOfOrderness, Duration.ZERO, "");
        atLeast(IDLENESS, idleness, Duration.ofMillis(1), "");
        Objects.requireNonNull(idleTimeout, IDLE_TIMEOUT.key());
        Duration minIdle = rewardHorizon.plus(outOfOrderness);
        if (idleTimeout.compareTo(minIdle) <= 0) {
            throw new IllegalArgumentException(
                    IDLE_TIMEOUT.key()
                            + " ("
                            + Durations.format(idleTimeout)
                            + ") must be longer than "
                            + REWARD_HORIZON.key()
                            + " plus "
                            + OUT_OF_ORDERNESS.key()
                            + " ("
                            + Durations.format(minIdle)
                            + "): an idle session would close before its last rewards are due;"
                            + " raise the idle timeout or shorten the horizon");
        }
        atLeast(
                RETENTION,
                retention,
                idleTimeout,
                " (the "
                        + IDLE_TIMEOUT.key()
                        + "): a session's ids must outlive its open state to drop resends");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads every {@link JoinOptions} key from {@code conf}, applying defaults and validating. */
    public static JoinConfig fromConfiguration(ReadableConfig conf) {
        return new JoinConfig(
                read(conf, IngestOptions.BOOTSTRAP_SERVERS),
                topics(read(conf, IngestOptions.TOPIC_PREFIX)),
                read(conf, GROUP_ID),
                read(conf, STARTING_OFFSETS),
                read(conf, TRANSACTIONAL_ID_PREFIX),
                read(conf, IngestOptions.TRANSACTION_TIMEOUT),
                read(conf, IngestOptions.TRANSACTION_NAMING),
                kafkaProperties(conf.toMap()),
                conf.getOptional(PARALLELISM).map(OptionalInt::of).orElse(OptionalInt.empty()),
                read(conf, CHECKPOINT_INTERVAL),
                read(conf, REWARD_HORIZON),
                read(conf, IDLE_TIMEOUT),
                read(conf, RETENTION),
                read(conf, OUT_OF_ORDERNESS),
                read(conf, IDLENESS));
    }

    /**
     * Every setting as {@code key -> value} strings, in the form {@link #fromConfiguration} reads.
     */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(IngestOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        map.put(IngestOptions.TOPIC_PREFIX.key(), topics.prefix());
        map.put(GROUP_ID.key(), groupId);
        map.put(STARTING_OFFSETS.key(), startingOffsets.name());
        map.put(TRANSACTIONAL_ID_PREFIX.key(), transactionalIdPrefix);
        map.put(IngestOptions.TRANSACTION_TIMEOUT.key(), Durations.format(transactionTimeout));
        map.put(IngestOptions.TRANSACTION_NAMING.key(), transactionNaming.name());
        new TreeMap<>(kafkaProperties)
                .forEach((k, v) -> map.put(IngestOptions.KAFKA_PROPERTIES_PREFIX + k, v));
        parallelism.ifPresent(p -> map.put(PARALLELISM.key(), Integer.toString(p)));
        map.put(CHECKPOINT_INTERVAL.key(), Durations.format(checkpointInterval));
        map.put(REWARD_HORIZON.key(), Durations.format(rewardHorizon));
        map.put(IDLE_TIMEOUT.key(), Durations.format(idleTimeout));
        map.put(RETENTION.key(), Durations.format(retention));
        map.put(OUT_OF_ORDERNESS.key(), Durations.format(outOfOrderness));
        map.put(IDLENESS.key(), Durations.format(idleness));
        return map;
    }

    private static <T> T read(ReadableConfig conf, ConfigOption<T> option) {
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    option.key() + " has a value that cannot be read: " + e.getMessage(), e);
        }
    }

    private static Topics topics(String prefix) {
        try {
            return Topics.withPrefix(prefix == null ? "" : prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    IngestOptions.TOPIC_PREFIX.key() + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> kafkaProperties(Map<String, String> all) {
        String prefix = IngestOptions.KAFKA_PROPERTIES_PREFIX;
        Map<String, String> props = new TreeMap<>();
        all.forEach(
                (key, value) -> {
                    if (key.startsWith(prefix) && key.length() > prefix.length()) {
                        props.put(key.substring(prefix.length()), value);
                    }
                });
        return props;
    }

    private static String required(ConfigOption<String> option, String value, String example) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    option.key() + " is required: set it, e.g. --" + option.key() + " " + example);
        }
        return value.trim();
    }

    private static void atLeast(
            ConfigOption<Duration> option, Duration value, Duration min, String why) {
        Objects.requireNonNull(value, option.key());
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    option.key()
                            + " must be at least "
                            + Durations.format(min)
                            + ", was "
                            + Durations.format(value)
                            + why);
        }
    }

    /** Collects settings into a {@link Configuration}; {@link #build()} validates them. */
    public static final class Builder {
        private final Configuration conf = new Configuration();

        private Builder() {}

        public Builder bootstrapServers(String bootstrapServers) {
            return set(IngestOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        }

        public Builder topicPrefix(String prefix) {
            return set(IngestOptions.TOPIC_PREFIX, prefix);
        }

        public <T> Builder set(ConfigOption<T> option, T value) {
            conf.set(option, value);
            return this;
        }

        /** String settings as in a config file, e.g. {@code "join.reward-horizon" -> "30 s"}. */
        public Builder setAll(Map<String, String> settings) {
            conf.addAll(Configuration.fromMap(settings));
            return this;
        }

        public JoinConfig build() {
            return fromConfiguration(conf);
        }
    }
}
