package io.replayflow.ingest;

import io.replayflow.log.parquet.LogCompression;
import io.replayflow.schemas.config.OptionTable;
import io.replayflow.schemas.config.SharedOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * Every setting of the ingest job: key, type, default and meaning, in one table. The same keys work
 * as {@code --key value} arguments of {@code flink run}, as {@code -Dkey=value} dynamic properties,
 * in a Flink {@code config.yaml}, and through {@link IngestConfig#builder()}. {@code
 * docs/CONFIG.md} is generated from {@link #table()} by a test, so it cannot drift. The Kafka
 * connection and data root use the keys every component shares ({@link SharedOptions}).
 */
public final class IngestOptions {

    /** Kafka client settings passed through unchanged: {@code kafka.properties.sasl.mechanism}. */
    public static final String KAFKA_PROPERTIES_PREFIX = SharedOptions.KAFKA_PROPERTIES_PREFIX;

    private static final OptionTable TABLE =
            new OptionTable("ingest", List.of(KAFKA_PROPERTIES_PREFIX));

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
                    "Replaces 'rf.' in every topic name: the job reads <prefix>transitions and"
                            + " writes <prefix>transitions.dlq, <prefix>transitions.clean and"
                            + " <prefix>episodes.");

    public static final ConfigOption<String> GROUP_ID =
            TABLE.add(
                    ConfigOptions.key("kafka.group-id")
                            .stringType()
                            .defaultValue("replayflow-ingest"),
                    "string",
                    "Consumer group of the transitions source. Offsets are committed to it on"
                            + " each checkpoint for monitoring; the job itself restarts from its"
                            + " checkpoints.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            TABLE.add(
                    ConfigOptions.key("kafka.starting-offsets")
                            .enumType(StartingOffsets.class)
                            .defaultValue(StartingOffsets.COMMITTED),
                    "COMMITTED | EARLIEST | LATEST",
                    "Where a job without a checkpoint or savepoint starts reading: the group's"
                            + " committed offsets (earliest where it has none), the earliest or"
                            + " the latest offsets.");

    public static final ConfigOption<Boolean> BOUNDED =
            TABLE.add(
                    ConfigOptions.key("kafka.bounded").booleanType().defaultValue(false),
                    "boolean",
                    "Stop at the offsets that are the latest when the job starts (a backfill),"
                            + " then finish after a final checkpoint. Off for the live job.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            TABLE.add(
                    ConfigOptions.key("kafka.transactional-id-prefix")
                            .stringType()
                            .defaultValue("replayflow-ingest"),
                    "string",
                    "Prefix of the transactional ids of the three exactly-once Kafka sinks"
                            + " (<prefix>-dlq, <prefix>-clean, <prefix>-episodes). Must be unique"
                            + " per running ingest job on a Kafka cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            TABLE.add(
                    ConfigOptions.key("kafka.transaction.timeout")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(15)),
                    "duration",
                    "transaction.timeout.ms of the sinks' producers. Longer than a checkpoint"
                            + " plus a restart, at most the broker's transaction.max.timeout.ms"
                            + " (15 min by default).");

    public static final ConfigOption<TransactionNamingStrategy> TRANSACTION_NAMING =
            TABLE.add(
                    ConfigOptions.key("kafka.transaction.naming")
                            .enumType(TransactionNamingStrategy.class)
                            .defaultValue(TransactionNamingStrategy.POOLING),
                    "POOLING | INCREMENTING",
                    "How the sinks name transactions. POOLING reuses a small set of"
                            + " transactional ids (the broker keeps each id's metadata for days);"
                            + " INCREMENTING makes one per checkpoint, as connector 3.x did.");

    public static final ConfigOption<String> DATA_ROOT =
            TABLE.add(
                    SharedOptions.dataRoot(),
                    "URI",
                    "(required)",
                    "Dataset root, a Flink FileSystem URI (file:///var/lib/rf, s3://bucket/rf)"
                            + " or an absolute path. The experience log goes to"
                            + " <root>/experience/. Required.");

    public static final ConfigOption<Integer> PARALLELISM =
            TABLE.add(
                    ConfigOptions.key("ingest.parallelism").intType().noDefaultValue(),
                    "int",
                    "Parallelism of the job's operators; unset uses the environment's default.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            TABLE.add(
                    ConfigOptions.key("ingest.checkpoint.interval")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(10)),
                    "duration",
                    "Exactly-once checkpoint interval: Parquet files and Kafka transactions"
                            + " commit on each checkpoint, so it is also the visibility latency"
                            + " of the outputs.");

    public static final ConfigOption<Duration> DEDUP_TTL =
            TABLE.add(
                    ConfigOptions.key("ingest.dedup.ttl")
                            .durationType()
                            .defaultValue(Duration.ofHours(1)),
                    "duration",
                    "How long an episode's state (the steps seen, for deduplication, and its"
                            + " running return) lives after its last record, in processing time."
                            + " A resend later than this is no longer recognised as a duplicate."
                            + " State size grows with the episodes started within one TTL.");

    public static final ConfigOption<List<String>> ENV_SPECS =
            TABLE.add(
                    ConfigOptions.key("ingest.env-specs").stringType().asList().defaultValues(),
                    "list of ID:SHAPE:ACTIONS",
                    "Environments besides the built-ins (CartPole-v1:4:2, CartPole-v1-masked:2:2,"
                            + " Acrobot-v1:6:3,"
                            + " MountainCar-v0:2:3, and the MinAtar games MinAtar/<Game>-v1 as"
                            + " uint8 10x10xn images with 6 actions), separated by ';', e.g."
                            + " 'MyPlant-v0:8:4;Pixels-v0:84x84x3:6'. An env_id that is neither"
                            + " built in nor declared is accepted with the shape of its first"
                            + " record.");

    public static final ConfigOption<Duration> STATS_WINDOW =
            TABLE.add(
                    ConfigOptions.key("ingest.stats.window")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(1)),
                    "duration",
                    "Event-time tumbling window of the episode statistics per env and policy"
                            + " version.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            TABLE.add(
                    ConfigOptions.key("ingest.watermark.out-of-orderness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(10)),
                    "duration",
                    "How far behind the newest event time a transition may arrive and still"
                            + " count as on time. Later ones still reach the log and the topics;"
                            + " they are counted in ingest/late_records.");

    public static final ConfigOption<Duration> IDLENESS =
            TABLE.add(
                    ConfigOptions.key("ingest.watermark.idleness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(30)),
                    "duration",
                    "A source subtask with no records for this long stops holding back the"
                            + " watermark, so statistics windows still close.");

    public static final ConfigOption<LogCompression> LOG_COMPRESSION =
            TABLE.add(
                    ConfigOptions.key("ingest.log.compression")
                            .enumType(LogCompression.class)
                            .defaultValue(LogCompression.ZSTD),
                    "ZSTD | SNAPPY | GZIP | UNCOMPRESSED",
                    "Parquet compression codec of the experience log.");

    public static final ConfigOption<MemorySize> LOG_ROW_GROUP_SIZE =
            TABLE.add(
                    ConfigOptions.key("ingest.log.row-group-size")
                            .memoryType()
                            .defaultValue(MemorySize.parse("64 mb")),
                    "memory size",
                    "Parquet row group size (buffered in memory per open file).");

    public static final ConfigOption<Boolean> COMPACTION_ENABLED =
            TABLE.add(
                    ConfigOptions.key("ingest.log.compaction.enabled")
                            .booleanType()
                            .defaultValue(true),
                    "boolean",
                    "Merge each partition's per-checkpoint files into larger files before they"
                            + " become visible. Off: every checkpoint makes one file per partition"
                            + " and subtask, visible at once.");

    public static final ConfigOption<MemorySize> COMPACTION_TARGET_SIZE =
            TABLE.add(
                    ConfigOptions.key("ingest.log.compaction.target-size")
                            .memoryType()
                            .defaultValue(MemorySize.parse("128 mb")),
                    "memory size",
                    "Compact a partition as soon as its pending files add up to this much.");

    public static final ConfigOption<Duration> COMPACTION_MAX_DELAY =
            TABLE.add(
                    ConfigOptions.key("ingest.log.compaction.max-delay")
                            .durationType()
                            .defaultValue(Duration.ZERO),
                    "duration",
                    "Compact a partition at the latest after this long, rounded up to whole"
                            + " checkpoints (at least one), however little it holds: a committed"
                            + " record stays hidden until then. The default compacts at every"
                            + " checkpoint, so a record is visible one checkpoint after the one"
                            + " that commits it (one file per partition and checkpoint); a longer"
                            + " delay makes fewer, larger files but hides committed records that"
                            + " long, e.g. 5 min: at most 12 files per hour and env.");

    private IngestOptions() {}

    static {
        TABLE.describePrefix(
                KAFKA_PROPERTIES_PREFIX,
                "Kafka client settings (security, tuning) of every source and sink, without the"
                        + " prefix, e.g. `kafka.properties.security.protocol: SASL_SSL`. Secret"
                        + " values are never printed.");
    }

    /**
     * Every option, in the order of the reference table: ingest's section of {@code
     * docs/CONFIG.md}.
     */
    public static OptionTable table() {
        return TABLE;
    }

    /** Where a job without restored state starts reading {@code rf.transitions}. */
    public enum StartingOffsets {
        /** The consumer group's committed offsets, or the earliest where it has none. */
        COMMITTED,
        EARLIEST,
        LATEST
    }
}
