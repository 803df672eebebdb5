package io.replayflow.ingest;

import io.replayflow.log.parquet.LogCompression;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * Every setting of the ingest job: key, type, default and meaning, in one table. The same keys work
 * as {@code --key value} arguments of {@code flink run}, as {@code -Dkey=value} dynamic properties,
 * in a Flink {@code config.yaml}, and through {@link IngestConfig#builder()}. {@code
 * docs/CONFIG.md} is generated from {@link #documented()} by a test, so it cannot drift.
 */
public final class IngestOptions {

    /** One documented option: the Flink option, a type label and its description. */
    public record Documented(ConfigOption<?> option, String type, String description) {}

    /** Kafka client settings passed through unchanged: {@code kafka.properties.sasl.mechanism}. */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    private static final List<Documented> DOCUMENTED = new ArrayList<>();

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            doc(
                    ConfigOptions.key("kafka.bootstrap.servers").stringType().noDefaultValue(),
                    "string",
                    "Kafka brokers, host:port[,host:port...]. Required.");

    public static final ConfigOption<String> TOPIC_PREFIX =
            doc(
                    ConfigOptions.key("kafka.topic-prefix")
                            .stringType()
                            .defaultValue(Topics.DEFAULT_PREFIX),
                    "string",
                    "Replaces 'rf.' in every topic name: the job reads <prefix>transitions and"
                            + " writes <prefix>transitions.dlq, <prefix>transitions.clean and"
                            + " <prefix>episodes.");

    public static final ConfigOption<String> GROUP_ID =
            doc(
                    ConfigOptions.key("kafka.group-id")
                            .stringType()
                            .defaultValue("replayflow-ingest"),
                    "string",
                    "Consumer group of the transitions source. Offsets are committed to it on"
                            + " each checkpoint for monitoring; the job itself restarts from its"
                            + " checkpoints.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            doc(
                    ConfigOptions.key("kafka.starting-offsets")
                            .enumType(StartingOffsets.class)
                            .defaultValue(StartingOffsets.COMMITTED),
                    "COMMITTED | EARLIEST | LATEST",
                    "Where a job without a checkpoint or savepoint starts reading: the group's"
                            + " committed offsets (earliest where it has none), the earliest or"
                            + " the latest offsets.");

    public static final ConfigOption<Boolean> BOUNDED =
            doc(
                    ConfigOptions.key("kafka.bounded").booleanType().defaultValue(false),
                    "boolean",
                    "Stop at the offsets that are the latest when the job starts (a backfill),"
                            + " then finish after a final checkpoint. Off for the live job.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            doc(
                    ConfigOptions.key("kafka.transactional-id-prefix")
                            .stringType()
                            .defaultValue("replayflow-ingest"),
                    "string",
                    "Prefix of the transactional ids of the three exactly-once Kafka sinks"
                            + " (<prefix>-dlq, <prefix>-clean, <prefix>-episodes). Must be unique"
                            + " per running ingest job on a Kafka cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            doc(
                    ConfigOptions.key("kafka.transaction.timeout")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(15)),
                    "duration",
                    "transaction.timeout.ms of the sinks' producers. Longer than a checkpoint"
                            + " plus a restart, at most the broker's transaction.max.timeout.ms"
                            + " (15 min by default).");

    public static final ConfigOption<TransactionNamingStrategy> TRANSACTION_NAMING =
            doc(
                    ConfigOptions.key("kafka.transaction.naming")
                            .enumType(TransactionNamingStrategy.class)
                            .defaultValue(TransactionNamingStrategy.POOLING),
                    "POOLING | INCREMENTING",
                    "How the sinks name transactions. POOLING reuses a small set of"
                            + " transactional ids (the broker keeps each id's metadata for days);"
                            + " INCREMENTING makes one per checkpoint, as connector 3.x did.");

    public static final ConfigOption<String> DATA_ROOT =
            doc(
                    ConfigOptions.key("data.root").stringType().noDefaultValue(),
                    "URI",
                    "Dataset root, a Flink FileSystem URI (file:///var/lib/rf, s3://bucket/rf)"
                            + " or an absolute path. The experience log goes to"
                            + " <root>/experience/. Required.");

    public static final ConfigOption<Integer> PARALLELISM =
            doc(
                    ConfigOptions.key("ingest.parallelism").intType().noDefaultValue(),
                    "int",
                    "Parallelism of the job's operators; unset uses the environment's default.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            doc(
                    ConfigOptions.key("ingest.checkpoint.interval")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(10)),
                    "duration",
                    "Exactly-once checkpoint interval: Parquet files and Kafka transactions"
                            + " commit on each checkpoint, so it is also the visibility latency"
                            + " of the outputs.");

    public static final ConfigOption<Duration> DEDUP_TTL =
            doc(
                    ConfigOptions.key("ingest.dedup.ttl")
                            .durationType()
                            .defaultValue(Duration.ofHours(1)),
                    "duration",
                    "How long an episode's state (the steps seen, for deduplication, and its"
                            + " running return) lives after its last record, in processing time."
                            + " A resend later than this is no longer recognised as a duplicate."
                            + " State size grows with the episodes started within one TTL.");

    public static final ConfigOption<List<String>> ENV_SPECS =
            doc(
                    ConfigOptions.key("ingest.env-specs").stringType().asList().defaultValues(),
                    "list of ID:SHAPE:ACTIONS",
                    "Environments besides the built-ins (CartPole-v1:4:2, Acrobot-v1:6:3,"
                            + " MountainCar-v0:2:3), separated by ';', e.g."
                            + " 'MyPlant-v0:8:4;Pixels-v0:84x84x3:6'. An env_id that is neither"
                            + " built in nor declared is accepted with the shape of its first"
                            + " record.");

    public static final ConfigOption<Duration> STATS_WINDOW =
            doc(
                    ConfigOptions.key("ingest.stats.window")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(1)),
                    "duration",
                    "Event-time tumbling window of the episode statistics per env and policy"
                            + " version.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            doc(
                    ConfigOptions.key("ingest.watermark.out-of-orderness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(10)),
                    "duration",
                    "How far behind the newest event time a transition may arrive and still"
                            + " count as on time. Later ones still reach the log and the topics;"
                            + " they are counted in ingest/late_records.");

    public static final ConfigOption<Duration> IDLENESS =
            doc(
                    ConfigOptions.key("ingest.watermark.idleness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(30)),
                    "duration",
                    "A source subtask with no records for this long stops holding back the"
                            + " watermark, so statistics windows still close.");

    public static final ConfigOption<LogCompression> LOG_COMPRESSION =
            doc(
                    ConfigOptions.key("ingest.log.compression")
                            .enumType(LogCompression.class)
                            .defaultValue(LogCompression.ZSTD),
                    "ZSTD | SNAPPY | GZIP | UNCOMPRESSED",
                    "Parquet compression codec of the experience log.");

    public static final ConfigOption<MemorySize> LOG_ROW_GROUP_SIZE =
            doc(
                    ConfigOptions.key("ingest.log.row-group-size")
                            .memoryType()
                            .defaultValue(MemorySize.parse("64 mb")),
                    "memory size",
                    "Parquet row group size (buffered in memory per open file).");

    public static final ConfigOption<Boolean> COMPACTION_ENABLED =
            doc(
                    ConfigOptions.key("ingest.log.compaction.enabled")
                            .booleanType()
                            .defaultValue(true),
                    "boolean",
                    "Merge each partition's per-checkpoint files into larger files before they"
                            + " become visible. Off: every checkpoint makes one file per partition"
                            + " and subtask, visible at once.");

    public static final ConfigOption<MemorySize> COMPACTION_TARGET_SIZE =
            doc(
                    ConfigOptions.key("ingest.log.compaction.target-size")
                            .memoryType()
                            .defaultValue(MemorySize.parse("128 mb")),
                    "memory size",
                    "Compact a partition as soon as its pending files add up to this much.");

    public static final ConfigOption<Duration> COMPACTION_MAX_DELAY =
            doc(
                    ConfigOptions.key("ingest.log.compaction.max-delay")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(5)),
                    "duration",
                    "Compact a partition at the latest after this long (rounded up to whole"
                            + " checkpoints), however little it holds: the longest a record waits"
                            + " before it is visible in the log. At most 12 files per hour and"
                            + " env at the default with a steady trickle.");

    private IngestOptions() {}

    /** Every option, in the order of the reference table. */
    public static List<Documented> documented() {
        return List.copyOf(DOCUMENTED);
    }

    /** The reference table as Markdown (its section of {@code docs/CONFIG.md}). */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Ingest job configuration\n\n")
                .append("Generated from `io.replayflow.ingest.IngestOptions` by")
                .append(" `IngestDocsTest`; edit the options, not this file.\n\n")
                .append("The same keys work as `--key value` program arguments of `flink run`,")
                .append(" as `-Dkey=value` dynamic properties, in a Flink `config.yaml`, and")
                .append(" through `IngestConfig.builder()`. Durations read like `10 s`, `5 min`,")
                .append(" `1 h`; memory sizes like `64 mb`. Kafka client settings (security,")
                .append(" tuning) pass through with the prefix `")
                .append(KAFKA_PROPERTIES_PREFIX)
                .append("`, e.g. `kafka.properties.security.protocol: SASL_SSL`.\n\n")
                .append(table(DOCUMENTED));
        return md.toString();
    }

    /** The Markdown reference table of {@code options} (also the join job's). */
    public static String table(List<Documented> options) {
        StringBuilder md = new StringBuilder();
        md.append("| key | type | default | meaning |\n").append("|---|---|---|---|\n");
        for (Documented d : options) {
            md.append("| `")
                    .append(d.option().key())
                    .append("` | ")
                    .append(cell(d.type()))
                    .append(" | ")
                    .append(defaultText(d.option()))
                    .append(" | ")
                    .append(cell(d.description()))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String defaultText(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        if (value instanceof List<?> list) {
            return list.isEmpty()
                    ? "(empty)"
                    : "`" + String.join(";", list.stream().map(String::valueOf).toList()) + "`";
        }
        if (value instanceof Duration duration) {
            return "`" + Durations.format(duration) + "`";
        }
        return "`" + value + "`";
    }

    private static <T> ConfigOption<T> doc(ConfigOption<T> option, String type, String text) {
        return document(DOCUMENTED, option, type, text);
    }

    /** Adds {@code option} with its description to {@code table}; returns the described option. */
    public static <T> ConfigOption<T> document(
            List<Documented> table, ConfigOption<T> option, String type, String text) {
        ConfigOption<T> described = option.withDescription(text);
        table.add(new Documented(described, type, text));
        return described;
    }

    /** Where a job without restored state starts reading {@code rf.transitions}. */
    public enum StartingOffsets {
        /** The consumer group's committed offsets, or the earliest where it has none. */
        COMMITTED,
        EARLIEST,
        LATEST
    }
}
