package io.replayflow.ingest.join;

import io.replayflow.ingest.IngestOptions;
import io.replayflow.ingest.IngestOptions.StartingOffsets;
import io.replayflow.schemas.config.OptionTable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the join job: key, type, default and meaning. The Kafka connection keys ({@code
 * kafka.bootstrap.servers}, {@code kafka.topic-prefix}, {@code kafka.transaction.*}, {@code
 * kafka.properties.*}) are the ingest job's, so one cluster configuration serves both; the rest are
 * under {@code join.}. The keys work as {@code --key value} arguments of {@code flink run}, as
 * {@code -Dkey=value}, in a Flink {@code config.yaml}, and through {@link JoinConfig#builder()};
 * {@code docs/CONFIG.md} is generated from {@link #table()}.
 */
public final class JoinOptions {

    private static final OptionTable TABLE =
            new OptionTable("join", List.of(IngestOptions.KAFKA_PROPERTIES_PREFIX));

    static {
        TABLE.include(entry(IngestOptions.BOOTSTRAP_SERVERS));
        TABLE.add(
                IngestOptions.TOPIC_PREFIX,
                "string",
                "Replaces 'rf.' in every topic name: the job reads <prefix>decisions and"
                        + " <prefix>outcomes and writes <prefix>transitions and"
                        + " <prefix>transitions.dlq.");
        TABLE.include(entry(IngestOptions.TRANSACTION_TIMEOUT));
        TABLE.include(entry(IngestOptions.TRANSACTION_NAMING));
    }

    public static final ConfigOption<String> GROUP_ID =
            TABLE.add(
                    ConfigOptions.key("join.kafka.group-id")
                            .stringType()
                            .defaultValue("replayflow-join"),
                    "string",
                    "Consumer group of the decisions and outcomes source (offsets committed on"
                            + " each checkpoint, for monitoring; the job restarts from its"
                            + " checkpoints).");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            TABLE.add(
                    ConfigOptions.key("join.kafka.starting-offsets")
                            .enumType(StartingOffsets.class)
                            .defaultValue(StartingOffsets.COMMITTED),
                    "COMMITTED | EARLIEST | LATEST",
                    "Where a job without a checkpoint or savepoint starts reading: the group's"
                            + " committed offsets (earliest where it has none), the earliest or"
                            + " the latest offsets.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            TABLE.add(
                    ConfigOptions.key("join.kafka.transactional-id-prefix")
                            .stringType()
                            .defaultValue("replayflow-join"),
                    "string",
                    "Prefix of the transactional ids of the two exactly-once sinks"
                            + " (<prefix>-transitions, <prefix>-dlq). Unique per running join job"
                            + " on a Kafka cluster.");

    public static final ConfigOption<Integer> PARALLELISM =
            TABLE.add(
                    ConfigOptions.key("join.parallelism").intType().noDefaultValue(),
                    "int",
                    "Parallelism of the job's operators; unset uses the environment's default.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            TABLE.add(
                    ConfigOptions.key("join.checkpoint.interval")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(10)),
                    "duration",
                    "Exactly-once checkpoint interval: the transitions become visible to"
                            + " read_committed readers (ingest) when the checkpoint completes.");

    public static final ConfigOption<Duration> REWARD_HORIZON =
            TABLE.add(
                    ConfigOptions.key("join.reward-horizon")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(1)),
                    "duration",
                    "Rewards count for a decision up to this long after it (event time); later"
                            + " ones go to the DLQ as REWARD_AFTER_HORIZON. A decision becomes a"
                            + " transition no earlier than this after it.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT =
            TABLE.add(
                    ConfigOptions.key("join.session.idle-timeout")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(10)),
                    "duration",
                    "A session with no record for this long (processing time) is closed: its"
                            + " pending decisions become transitions, the last one truncated."
                            + " Longer than the reward horizon plus the out-of-orderness.");

    public static final ConfigOption<Duration> RETENTION =
            TABLE.add(
                    ConfigOptions.key("join.session.retention")
                            .durationType()
                            .defaultValue(Duration.ofHours(1)),
                    "duration",
                    "How long a session's ids stay after its last record (to drop resent"
                            + " decisions and rewards); then all its state is cleared. At least"
                            + " the idle timeout.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            TABLE.add(
                    ConfigOptions.key("join.watermark.out-of-orderness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(5)),
                    "duration",
                    "How far behind the newest event time a decision or outcome may arrive and"
                            + " still be joined. Adds to the join's latency.");

    public static final ConfigOption<Duration> IDLENESS =
            TABLE.add(
                    ConfigOptions.key("join.watermark.idleness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(30)),
                    "duration",
                    "A source partition with no records for this long stops holding back the"
                            + " watermark.");

    private JoinOptions() {}

    /** Every option, in the order of the reference table: the join job's section of CONFIG.md. */
    public static OptionTable table() {
        return TABLE;
    }

    private static OptionTable.Entry entry(ConfigOption<?> option) {
        return IngestOptions.table().entry(option.key()).orElseThrow();
    }
}
