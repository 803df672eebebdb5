package io.replayflow.replay.job;

import static io.replayflow.replay.job.ReplayStoreOptions.BOOTSTRAP_SERVERS;
import static io.replayflow.replay.job.ReplayStoreOptions.CHECKPOINT_INTERVAL;
import static io.replayflow.replay.job.ReplayStoreOptions.COMPRESSION;
import static io.replayflow.replay.job.ReplayStoreOptions.DATASET_KIND;
import static io.replayflow.replay.job.ReplayStoreOptions.DATASET_NAME;
import static io.replayflow.replay.job.ReplayStoreOptions.DATA_ROOT;
import static io.replayflow.replay.job.ReplayStoreOptions.EPISODE_IDLE_TIMEOUT;
import static io.replayflow.replay.job.ReplayStoreOptions.GAMMA;
import static io.replayflow.replay.job.ReplayStoreOptions.GROUP_ID;
import static io.replayflow.replay.job.ReplayStoreOptions.INITIAL_PRIORITY;
import static io.replayflow.replay.job.ReplayStoreOptions.KAFKA_PROPERTIES_PREFIX;
import static io.replayflow.replay.job.ReplayStoreOptions.N_STEP;
import static io.replayflow.replay.job.ReplayStoreOptions.OUT_OF_ORDERNESS;
import static io.replayflow.replay.job.ReplayStoreOptions.PRIORITY_FLUSH_INTERVAL;
import static io.replayflow.replay.job.ReplayStoreOptions.PRIORITY_RETENTION;
import static io.replayflow.replay.job.ReplayStoreOptions.SEGMENT_LENGTH;
import static io.replayflow.replay.job.ReplayStoreOptions.SOURCE_IDLENESS;
import static io.replayflow.replay.job.ReplayStoreOptions.TOPIC_PREFIX;
import static io.replayflow.replay.job.ReplayStoreOptions.WINDOW_ALLOWED_LATENESS;
import static io.replayflow.replay.job.ReplayStoreOptions.WINDOW_CHECK_INTERVAL;
import static io.replayflow.replay.job.ReplayStoreOptions.WINDOW_DELETE_DELAY;
import static io.replayflow.replay.job.ReplayStoreOptions.WINDOW_DURATION;
import static io.replayflow.replay.job.ReplayStoreOptions.WINDOW_MAX_TRANSITIONS;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.nstep.NStepTargets;
import io.replayflow.replay.row.ReplayRowParquet;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The validated settings of one replay-store job; see {@link ReplayStoreOptions} for what each
 * means. Every rule is checked in the constructor, once, and a broken setting fails with a message
 * naming the option and the fix. Immutable and serializable (operators carry it).
 *
 * <pre>{@code
 * ReplayStoreConfig config = ReplayStoreConfig.builder()
 *         .bootstrapServers(stack.bootstrapServers())
 *         .dataRoot(stack.dataDir().toUri())
 *         .datasetName("default")
 *         .windowDuration(Duration.ofHours(6))
 *         .nStep(3).gamma(0.99)
 *         .build();
 * JobClient job = ReplayStoreJob.start(stack.executionEnvironment(), config);
 * }</pre>
 */
public record ReplayStoreConfig(
        String bootstrapServers,
        String topicPrefix,
        String groupId,
        URI dataRoot,
        String datasetName,
        Duration windowDuration,
        OptionalLong windowMaxTransitions,
        Duration allowedLateness,
        Duration expiryCheckInterval,
        Duration expiryDeleteDelay,
        DatasetKind datasetKind,
        int segmentLength,
        int nStep,
        double gamma,
        Duration episodeIdleTimeout,
        double initialPriority,
        Duration priorityFlushInterval,
        Duration priorityRetention,
        ScoringConfig scoring,
        Duration checkpointInterval,
        Duration outOfOrderness,
        Duration sourceIdleness,
        String compression,
        Map<String, String> kafkaProperties)
        implements Serializable {

    public ReplayStoreConfig {
        bootstrapServers = required(BOOTSTRAP_SERVERS, bootstrapServers);
        Topics.withPrefix(Objects.requireNonNull(topicPrefix, TOPIC_PREFIX.key()));
        Objects.requireNonNull(dataRoot, DATA_ROOT.key() + " is required (e.g. file:///data)");
        if (dataRoot.getScheme() == null) {
            throw new IllegalArgumentException(
                    DATA_ROOT.key()
                            + " '"
                            + dataRoot
                            + "' has no scheme: give a URI such as file:///var/replayflow or"
                            + " s3://bucket/replayflow");
        }
        DatasetLayout.checkDatasetName(datasetName);
        groupId =
                groupId == null || groupId.isBlank()
                        ? "replayflow-replay-store-" + datasetName
                        : groupId;
        positive(WINDOW_DURATION, windowDuration);
        Objects.requireNonNull(windowMaxTransitions, WINDOW_MAX_TRANSITIONS.key());
        if (windowMaxTransitions.isPresent() && windowMaxTransitions.getAsLong() < 1) {
            throw new IllegalArgumentException(
                    WINDOW_MAX_TRANSITIONS.key()
                            + " is "
                            + windowMaxTransitions.getAsLong()
                            + "; it must be >= 1, or unset for a time window only");
        }
        positive(WINDOW_ALLOWED_LATENESS, allowedLateness);
        if (allowedLateness.compareTo(windowDuration) > 0) {
            throw new IllegalArgumentException(
                    WINDOW_ALLOWED_LATENESS.key()
                            + " ("
                            + allowedLateness
                            + ") is longer than "
                            + WINDOW_DURATION.key()
                            + " ("
                            + windowDuration
                            + "): rows that old would land in partitions that already expired."
                            + " Lower the lateness or widen the window");
        }
        positive(WINDOW_CHECK_INTERVAL, expiryCheckInterval);
        nonNegative(WINDOW_DELETE_DELAY, expiryDeleteDelay);
        Objects.requireNonNull(datasetKind, DATASET_KIND.key());
        if (segmentLength < 1) {
            throw new IllegalArgumentException(
                    SEGMENT_LENGTH.key()
                            + " is "
                            + segmentLength
                            + "; it must be >= 1 (20 is usual)");
        }
        NStepTargets.checkSettings(nStep, gamma);
        positive(EPISODE_IDLE_TIMEOUT, episodeIdleTimeout);
        if (!(initialPriority > 0.0) || initialPriority == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    INITIAL_PRIORITY.key()
                            + " is "
                            + initialPriority
                            + "; it must be finite and > 0 (1.0 is usual)");
        }
        positive(PRIORITY_FLUSH_INTERVAL, priorityFlushInterval);
        if (priorityRetention == null) {
            priorityRetention = windowDuration.plus(allowedLateness);
        }
        positive(PRIORITY_RETENTION, priorityRetention);
        Objects.requireNonNull(scoring, "replay.priority.scoring.*").checkPolicyRoot();
        positive(CHECKPOINT_INTERVAL, checkpointInterval);
        nonNegative(OUT_OF_ORDERNESS, outOfOrderness);
        positive(SOURCE_IDLENESS, sourceIdleness);
        ReplayRowParquet.codec(Objects.requireNonNull(compression, COMPRESSION.key()));
        kafkaProperties = checkKafkaProperties(kafkaProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads and validates the options from a Flink configuration (defaults where unset). */
    public static ReplayStoreConfig fromConfiguration(ReadableConfig conf) {
        String root = conf.get(DATA_ROOT);
        URI dataRoot = root == null ? null : parseUri(root);
        return new ReplayStoreConfig(
                conf.get(BOOTSTRAP_SERVERS),
                conf.get(TOPIC_PREFIX),
                conf.get(GROUP_ID),
                dataRoot,
                conf.get(DATASET_NAME),
                conf.get(WINDOW_DURATION),
                conf.getOptional(WINDOW_MAX_TRANSITIONS)
                        .map(OptionalLong::of)
                        .orElse(OptionalLong.empty()),
                conf.get(WINDOW_ALLOWED_LATENESS),
                conf.get(WINDOW_CHECK_INTERVAL),
                conf.get(WINDOW_DELETE_DELAY),
                DatasetKind.parse(conf.get(DATASET_KIND)),
                conf.get(SEGMENT_LENGTH),
                conf.get(N_STEP),
                conf.get(GAMMA),
                conf.get(EPISODE_IDLE_TIMEOUT),
                conf.get(INITIAL_PRIORITY),
                conf.get(PRIORITY_FLUSH_INTERVAL),
                conf.get(PRIORITY_RETENTION),
                ScoringConfig.fromConfiguration(conf, dataRoot),
                conf.get(CHECKPOINT_INTERVAL),
                conf.get(OUT_OF_ORDERNESS),
                conf.get(SOURCE_IDLENESS),
                conf.get(COMPRESSION),
                kafkaProperties(conf.toMap()));
    }

    /** The topic names. */
    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /** {@code <root>/replay/<name>/}. */
    public URI datasetUri() {
        return DatasetLayout.replayDataset(dataRoot, datasetName);
    }

    /** The sources' Kafka client settings ({@code kafka.properties.*}). */
    public Properties kafkaClientProperties() {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        return props;
    }

    /** {@code kafka.properties.*} over the former {@code replay.kafka.properties.*}. */
    private static Map<String, String> kafkaProperties(Map<String, String> all) {
        Map<String, String> out = new TreeMap<>();
        for (String prefix :
                List.of(
                        ReplayStoreOptions.DEPRECATED_KAFKA_PROPERTIES_PREFIX,
                        KAFKA_PROPERTIES_PREFIX)) {
            all.forEach(
                    (k, v) -> {
                        if (k.startsWith(prefix)) {
                            out.put(k.substring(prefix.length()), v);
                        }
                    });
        }
        return out;
    }

    private static Map<String, String> checkKafkaProperties(Map<String, String> props) {
        Map<String, String> copy = Objects.requireNonNullElse(props, Map.of());
        for (String owned : List.of("bootstrap.servers", "group.id")) {
            if (copy.containsKey(owned)) {
                throw new IllegalArgumentException(
                        KAFKA_PROPERTIES_PREFIX
                                + owned
                                + " is not allowed: set "
                                + (owned.equals("group.id") ? GROUP_ID : BOOTSTRAP_SERVERS).key()
                                + " instead");
            }
        }
        return Secrets.hidingSecrets(copy);
    }

    private static URI parseUri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    DATA_ROOT.key() + " '" + value + "' is not a URI: " + e.getMessage(), e);
        }
    }

    private static String required(ConfigOption<String> option, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    option.key() + " is required: " + ReplayStoreOptions.describe(option));
        }
        return value;
    }

    private static void positive(ConfigOption<Duration> option, Duration value) {
        Objects.requireNonNull(value, option.key());
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(
                    option.key() + " is " + value + "; it must be positive");
        }
    }

    private static void nonNegative(ConfigOption<Duration> option, Duration value) {
        Objects.requireNonNull(value, option.key());
        if (value.isNegative()) {
            throw new IllegalArgumentException(
                    option.key() + " is " + value + "; it must be zero or positive");
        }
    }

    /** Builds a {@link ReplayStoreConfig}; unset values take the options' defaults. */
    public static final class Builder {
        private final Configuration conf = new Configuration();

        private Builder() {}

        public Builder bootstrapServers(String servers) {
            conf.set(BOOTSTRAP_SERVERS, servers);
            return this;
        }

        public Builder topicPrefix(String prefix) {
            conf.set(TOPIC_PREFIX, prefix);
            return this;
        }

        public Builder groupId(String groupId) {
            conf.set(GROUP_ID, groupId);
            return this;
        }

        public Builder dataRoot(URI root) {
            conf.set(DATA_ROOT, root.toString());
            return this;
        }

        public Builder datasetName(String name) {
            conf.set(DATASET_NAME, name);
            return this;
        }

        public Builder windowDuration(Duration duration) {
            conf.set(WINDOW_DURATION, duration);
            return this;
        }

        public Builder windowMaxTransitions(long count) {
            conf.set(WINDOW_MAX_TRANSITIONS, count);
            return this;
        }

        public Builder allowedLateness(Duration lateness) {
            conf.set(WINDOW_ALLOWED_LATENESS, lateness);
            return this;
        }

        public Builder expiryCheckInterval(Duration interval) {
            conf.set(WINDOW_CHECK_INTERVAL, interval);
            return this;
        }

        public Builder expiryDeleteDelay(Duration delay) {
            conf.set(WINDOW_DELETE_DELAY, delay);
            return this;
        }

        public Builder datasetKind(DatasetKind kind) {
            conf.set(DATASET_KIND, kind.name().toLowerCase(java.util.Locale.ROOT));
            return this;
        }

        public Builder segmentLength(int t) {
            conf.set(SEGMENT_LENGTH, t);
            return this;
        }

        public Builder nStep(int n) {
            conf.set(N_STEP, n);
            return this;
        }

        public Builder gamma(double gamma) {
            conf.set(GAMMA, gamma);
            return this;
        }

        public Builder episodeIdleTimeout(Duration timeout) {
            conf.set(EPISODE_IDLE_TIMEOUT, timeout);
            return this;
        }

        public Builder initialPriority(double priority) {
            conf.set(INITIAL_PRIORITY, priority);
            return this;
        }

        public Builder priorityFlushInterval(Duration interval) {
            conf.set(PRIORITY_FLUSH_INTERVAL, interval);
            return this;
        }

        public Builder priorityRetention(Duration retention) {
            conf.set(PRIORITY_RETENTION, retention);
            return this;
        }

        public Builder scoringEnabled(boolean enabled) {
            conf.set(ReplayStoreOptions.SCORING_ENABLED, enabled);
            return this;
        }

        public Builder scoringBatchSize(int rows) {
            conf.set(ReplayStoreOptions.SCORING_BATCH_SIZE, rows);
            return this;
        }

        public Builder scoringMaxWait(Duration wait) {
            conf.set(ReplayStoreOptions.SCORING_MAX_WAIT, wait);
            return this;
        }

        public Builder scoringPolicyRoot(URI root) {
            conf.set(ReplayStoreOptions.SCORING_POLICY_ROOT, root.toString());
            return this;
        }

        public Builder scoringPolicyName(String name) {
            conf.set(ReplayStoreOptions.SCORING_POLICY_NAME, name);
            return this;
        }

        public Builder checkpointInterval(Duration interval) {
            conf.set(CHECKPOINT_INTERVAL, interval);
            return this;
        }

        public Builder outOfOrderness(Duration bound) {
            conf.set(OUT_OF_ORDERNESS, bound);
            return this;
        }

        public Builder sourceIdleness(Duration idleness) {
            conf.set(SOURCE_IDLENESS, idleness);
            return this;
        }

        public Builder compression(String codec) {
            conf.set(COMPRESSION, codec);
            return this;
        }

        /** One Kafka client setting for every source ({@code replay.kafka.properties.KEY}). */
        public Builder kafkaProperty(String key, String value) {
            conf.setString(KAFKA_PROPERTIES_PREFIX + key, value);
            return this;
        }

        /** Sets any option by key, e.g. from command-line flags. */
        public Builder set(String key, String value) {
            conf.setString(key, value);
            return this;
        }

        public ReplayStoreConfig build() {
            return fromConfiguration(conf);
        }
    }
}
