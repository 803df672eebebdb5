package io.replayflow.ingest;

import static io.replayflow.ingest.IngestOptions.BOOTSTRAP_SERVERS;
import static io.replayflow.ingest.IngestOptions.BOUNDED;
import static io.replayflow.ingest.IngestOptions.CHECKPOINT_INTERVAL;
import static io.replayflow.ingest.IngestOptions.COMPACTION_ENABLED;
import static io.replayflow.ingest.IngestOptions.COMPACTION_MAX_DELAY;
import static io.replayflow.ingest.IngestOptions.COMPACTION_TARGET_SIZE;
import static io.replayflow.ingest.IngestOptions.DATA_ROOT;
import static io.replayflow.ingest.IngestOptions.DEDUP_TTL;
import static io.replayflow.ingest.IngestOptions.ENV_SPECS;
import static io.replayflow.ingest.IngestOptions.GROUP_ID;
import static io.replayflow.ingest.IngestOptions.IDLENESS;
import static io.replayflow.ingest.IngestOptions.KAFKA_PROPERTIES_PREFIX;
import static io.replayflow.ingest.IngestOptions.LOG_COMPRESSION;
import static io.replayflow.ingest.IngestOptions.LOG_ROW_GROUP_SIZE;
import static io.replayflow.ingest.IngestOptions.OUT_OF_ORDERNESS;
import static io.replayflow.ingest.IngestOptions.PARALLELISM;
import static io.replayflow.ingest.IngestOptions.STARTING_OFFSETS;
import static io.replayflow.ingest.IngestOptions.STATS_WINDOW;
import static io.replayflow.ingest.IngestOptions.TOPIC_PREFIX;
import static io.replayflow.ingest.IngestOptions.TRANSACTIONAL_ID_PREFIX;
import static io.replayflow.ingest.IngestOptions.TRANSACTION_NAMING;
import static io.replayflow.ingest.IngestOptions.TRANSACTION_TIMEOUT;

import io.replayflow.ingest.IngestOptions.StartingOffsets;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.time.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * The validated settings of one ingest job, read from {@link IngestOptions}. The constructor checks
 * every rule and names the key, the rule and the fix; an instance is always usable.
 *
 * <pre>{@code
 * IngestConfig config = IngestConfig.builder()
 *         .bootstrapServers("127.0.0.1:9092")
 *         .dataRoot("file:///var/lib/replayflow")
 *         .set(IngestOptions.DEDUP_TTL, Duration.ofMinutes(30))
 *         .build();
 * JobClient job = IngestJob.start(env, config);
 * }</pre>
 *
 * @param dataRoot the dataset root as a URI string without a trailing slash
 * @param kafkaProperties extra Kafka client settings ({@code kafka.properties.*} without the
 *     prefix), given to the source and every sink
 */
public record IngestConfig(
        String bootstrapServers,
        Topics topics,
        String groupId,
        StartingOffsets startingOffsets,
        boolean bounded,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        TransactionNamingStrategy transactionNaming,
        Map<String, String> kafkaProperties,
        String dataRoot,
        OptionalInt parallelism,
        Duration checkpointInterval,
        Duration dedupTtl,
        EnvSpecs envSpecs,
        Duration statsWindow,
        Duration outOfOrderness,
        Duration idleness,
        LogCompression logCompression,
        long rowGroupBytes,
        boolean compactionEnabled,
        long compactionTargetBytes,
        Duration compactionMaxDelay) {

    private static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(100);
    private static final long MIN_ROW_GROUP_BYTES = 1L << 20;

    public IngestConfig {
        bootstrapServers = required(BOOTSTRAP_SERVERS, bootstrapServers, "broker:9092");
        Objects.requireNonNull(topics, "topics");
        groupId = required(GROUP_ID, groupId, "replayflow-ingest");
        Objects.requireNonNull(startingOffsets, STARTING_OFFSETS.key());
        transactionalIdPrefix =
                required(TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix, "replayflow-ingest");
        Objects.requireNonNull(transactionNaming, TRANSACTION_NAMING.key());
        kafkaProperties = Secrets.hidingSecrets(kafkaProperties);
        dataRoot = normalizeDataRoot(dataRoot);
        Objects.requireNonNull(parallelism, PARALLELISM.key());
        if (parallelism.isPresent() && parallelism.getAsInt() < 1) {
            throw new IllegalArgumentException(
                    PARALLELISM.key()
                            + " must be at least 1, was "
                            + parallelism.getAsInt()
                            + ": leave it unset to use the environment's default");
        }
        atLeast(CHECKPOINT_INTERVAL, checkpointInterval, MIN_CHECKPOINT_INTERVAL, "");
        if (transactionTimeout.compareTo(checkpointInterval) <= 0) {
            throw new IllegalArgumentException(
                    TRANSACTION_TIMEOUT.key()
                            + " ("
                            + Durations.format(transactionTimeout)
                            + ") must be longer than "
                            + CHECKPOINT_INTERVAL.key()
                            + " ("
                            + Durations.format(checkpointInterval)
                            + "): a transaction would expire before the checkpoint that commits"
                            + " it; raise the timeout (up to the broker's"
                            + " transaction.max.timeout.ms) or checkpoint more often");
        }
        atLeast(
                DEDUP_TTL,
                dedupTtl,
                Duration.ofSeconds(1),
                " (it is how long a resent record is still recognised as a duplicate)");
        Objects.requireNonNull(envSpecs, ENV_SPECS.key());
        atLeast(STATS_WINDOW, statsWindow, Duration.ofSeconds(1), "");
        atLeast(OUT_OF_ORDERNESS, outOfOrderness, Duration.ZERO, "");
        atLeast(
                IDLENESS,
                idleness,
                Duration.ofMillis(1),
                " (an idle source subtask would otherwise hold the watermark back and the"
                        + " statistics windows would never close)");
        Objects.requireNonNull(logCompression, LOG_COMPRESSION.key());
        atLeast(LOG_ROW_GROUP_SIZE, rowGroupBytes, MIN_ROW_GROUP_BYTES);
        atLeast(COMPACTION_TARGET_SIZE, compactionTargetBytes, MIN_ROW_GROUP_BYTES);
        atLeast(
                COMPACTION_MAX_DELAY,
                compactionMaxDelay,
                Duration.ZERO,
                " (0 compacts at every checkpoint)");
    }

    /** A builder over an empty {@link Configuration}; see the class example. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads every {@link IngestOptions} key from {@code conf} (a Flink {@link Configuration}, or
     * {@code ParameterTool} arguments turned into one), applying defaults and validating.
     *
     * @throws IllegalArgumentException naming the first bad key, the rule and the fix
     */
    public static IngestConfig fromConfiguration(ReadableConfig conf) {
        return new IngestConfig(
                read(conf, BOOTSTRAP_SERVERS),
                topics(read(conf, TOPIC_PREFIX)),
                read(conf, GROUP_ID),
                read(conf, STARTING_OFFSETS),
                read(conf, BOUNDED),
                read(conf, TRANSACTIONAL_ID_PREFIX),
                read(conf, TRANSACTION_TIMEOUT),
                read(conf, TRANSACTION_NAMING),
                kafkaProperties(conf.toMap()),
                read(conf, DATA_ROOT),
                conf.getOptional(PARALLELISM).map(OptionalInt::of).orElse(OptionalInt.empty()),
                read(conf, CHECKPOINT_INTERVAL),
                read(conf, DEDUP_TTL),
                envSpecs(read(conf, ENV_SPECS)),
                read(conf, STATS_WINDOW),
                read(conf, OUT_OF_ORDERNESS),
                read(conf, IDLENESS),
                read(conf, LOG_COMPRESSION),
                read(conf, LOG_ROW_GROUP_SIZE).getBytes(),
                read(conf, COMPACTION_ENABLED),
                read(conf, COMPACTION_TARGET_SIZE).getBytes(),
                read(conf, COMPACTION_MAX_DELAY));
    }

    /** {@code <root>/experience}: the Parquet experience log. */
    public String experienceRoot() {
        return dataRoot + "/experience";
    }

    /**
     * How many checkpoints a partition's files wait at most before they are compacted: {@code
     * max-delay} rounded up to whole checkpoints, at least one (compaction runs on checkpoints).
     */
    public int compactionCheckpoints() {
        long interval = checkpointInterval.toMillis();
        return (int) Math.max(1, (compactionMaxDelay.toMillis() + interval - 1) / interval);
    }

    /**
     * Every setting as {@code key -> value} strings, in the form {@link #fromConfiguration} reads
     * (for {@code flink run} arguments or a log line).
     */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(BOOTSTRAP_SERVERS.key(), bootstrapServers);
        map.put(TOPIC_PREFIX.key(), topics.prefix());
        map.put(GROUP_ID.key(), groupId);
        map.put(STARTING_OFFSETS.key(), startingOffsets.name());
        map.put(BOUNDED.key(), Boolean.toString(bounded));
        map.put(TRANSACTIONAL_ID_PREFIX.key(), transactionalIdPrefix);
        map.put(TRANSACTION_TIMEOUT.key(), Durations.format(transactionTimeout));
        map.put(TRANSACTION_NAMING.key(), transactionNaming.name());
        new TreeMap<>(kafkaProperties).forEach((k, v) -> map.put(KAFKA_PROPERTIES_PREFIX + k, v));
        map.put(DATA_ROOT.key(), dataRoot);
        parallelism.ifPresent(p -> map.put(PARALLELISM.key(), Integer.toString(p)));
        map.put(CHECKPOINT_INTERVAL.key(), Durations.format(checkpointInterval));
        map.put(DEDUP_TTL.key(), Durations.format(dedupTtl));
        List<String> declared = envSpecs.declaredOnly().stream().map(EnvSpec::format).toList();
        map.put(ENV_SPECS.key(), String.join(";", declared));
        map.put(STATS_WINDOW.key(), Durations.format(statsWindow));
        map.put(OUT_OF_ORDERNESS.key(), Durations.format(outOfOrderness));
        map.put(IDLENESS.key(), Durations.format(idleness));
        map.put(LOG_COMPRESSION.key(), logCompression.name());
        map.put(LOG_ROW_GROUP_SIZE.key(), new MemorySize(rowGroupBytes).toString());
        map.put(COMPACTION_ENABLED.key(), Boolean.toString(compactionEnabled));
        map.put(COMPACTION_TARGET_SIZE.key(), new MemorySize(compactionTargetBytes).toString());
        map.put(COMPACTION_MAX_DELAY.key(), Durations.format(compactionMaxDelay));
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
            throw new IllegalArgumentException(TOPIC_PREFIX.key() + ": " + e.getMessage(), e);
        }
    }

    private static EnvSpecs envSpecs(List<String> entries) {
        try {
            return EnvSpecs.withDeclared(
                    entries.stream()
                            .filter(entry -> !entry.isBlank())
                            .map(EnvSpec::parse)
                            .toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_SPECS.key() + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> kafkaProperties(Map<String, String> all) {
        Map<String, String> props = new TreeMap<>();
        all.forEach(
                (key, value) -> {
                    if (key.startsWith(KAFKA_PROPERTIES_PREFIX)
                            && key.length() > KAFKA_PROPERTIES_PREFIX.length()) {
                        props.put(key.substring(KAFKA_PROPERTIES_PREFIX.length()), value);
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

    private static String normalizeDataRoot(String dataRoot) {
        String root = required(DATA_ROOT, dataRoot, "file:///var/lib/replayflow");
        URI uri;
        try {
            uri = new URI(root);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    DATA_ROOT.key()
                            + " '"
                            + root
                            + "' is not a URI ("
                            + e.getReason()
                            + "): give an absolute path or a URI such as"
                            + " file:///var/lib/replayflow",
                    e);
        }
        if (uri.getScheme() == null) {
            Path path = Path.of(root);
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException(
                        DATA_ROOT.key()
                                + " '"
                                + root
                                + "' is a relative path: the job runs elsewhere than this shell;"
                                + " give an absolute path or a URI such as"
                                + " file:///var/lib/replayflow");
            }
            root = path.normalize().toUri().toString();
        }
        while (root.endsWith("/") && !root.endsWith(":///") && !root.endsWith("://")) {
            root = root.substring(0, root.length() - 1);
        }
        return root;
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

    private static void atLeast(ConfigOption<MemorySize> option, long bytes, long min) {
        if (bytes < min) {
            throw new IllegalArgumentException(
                    option.key()
                            + " must be at least "
                            + new MemorySize(min).toHumanReadableString()
                            + ", was "
                            + new MemorySize(bytes).toHumanReadableString());
        }
    }

    /** Collects settings into a {@link Configuration}; {@link #build()} validates them. */
    public static final class Builder {
        private final Configuration conf = new Configuration();

        private Builder() {}

        public Builder bootstrapServers(String bootstrapServers) {
            return set(BOOTSTRAP_SERVERS, bootstrapServers);
        }

        public Builder topicPrefix(String prefix) {
            return set(TOPIC_PREFIX, prefix);
        }

        /** A Flink FileSystem URI or an absolute path. */
        public Builder dataRoot(String dataRoot) {
            return set(DATA_ROOT, dataRoot);
        }

        public <T> Builder set(ConfigOption<T> option, T value) {
            conf.set(option, value);
            return this;
        }

        /** String settings as in a config file, e.g. {@code "ingest.dedup.ttl" -> "30 min"}. */
        public Builder setAll(Map<String, String> settings) {
            conf.addAll(Configuration.fromMap(settings));
            return this;
        }

        public IngestConfig build() {
            return fromConfiguration(conf);
        }
    }
}
