package io.replayflow.replay.job;

import io.replayflow.replay.priority.PriorityOptions;
import io.replayflow.schemas.config.OptionTable;
import io.replayflow.schemas.config.SharedOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the replay-store job: key, type, default and description, in one {@link
 * OptionTable} (the mechanism every component uses) that {@link ReplayStoreConfig} reads and {@code
 * docs/CONFIG.md} is generated from. The shared keys ({@code kafka.bootstrap.servers}, {@code
 * kafka.topic-prefix}, {@code kafka.properties.*}, {@code data.root}, {@code
 * replay.priority.epsilon}) replace the job's former spellings, which are still read.
 */
public final class ReplayStoreOptions {

    /**
     * Kafka client settings passed to every source as they are, minus the prefix: {@code
     * kafka.properties.security.protocol: SASL_SSL}.
     */
    public static final String KAFKA_PROPERTIES_PREFIX = SharedOptions.KAFKA_PROPERTIES_PREFIX;

    /** The former spelling of {@link #KAFKA_PROPERTIES_PREFIX}, still read. */
    public static final String DEPRECATED_KAFKA_PROPERTIES_PREFIX = "replay.kafka.properties.";

    private static final OptionTable TABLE =
            new OptionTable(
                    "replay-store",
                    List.of(KAFKA_PROPERTIES_PREFIX, DEPRECATED_KAFKA_PROPERTIES_PREFIX));

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            TABLE.add(
                    SharedOptions.bootstrapServers("replay.kafka.bootstrap-servers"),
                    "string",
                    "(required)",
                    SharedOptions.BOOTSTRAP_SERVERS_DESCRIPTION);

    public static final ConfigOption<String> TOPIC_PREFIX =
            TABLE.add(
                    SharedOptions.topicPrefix("replay.kafka.topic-prefix"),
                    "string",
                    "Prefix of the topic names: reads <prefix>transitions.clean,"
                            + " <prefix>priorities and <prefix>policies.");

    public static final ConfigOption<String> GROUP_ID =
            TABLE.add(
                    ConfigOptions.key("replay.kafka.group-id").stringType().noDefaultValue(),
                    "string",
                    "Kafka consumer group (offsets are committed on checkpoints, for"
                            + " monitoring). Default: replayflow-replay-store-<dataset"
                            + " name>.");

    public static final ConfigOption<String> DATA_ROOT =
            TABLE.add(
                    SharedOptions.dataRoot("replay.data-root"),
                    "URI",
                    "(required)",
                    "Data root, a Flink FileSystem URI (file:///..., s3://...). The"
                            + " dataset goes to <root>/replay/<dataset-name>/. Required.");

    public static final ConfigOption<String> DATASET_NAME =
            TABLE.add(
                    ConfigOptions.key("replay.dataset-name").stringType().defaultValue("default"),
                    "string",
                    "Name of the replay dataset directory.");

    public static final ConfigOption<Duration> WINDOW_DURATION =
            TABLE.add(
                    ConfigOptions.key("replay.window.duration")
                            .durationType()
                            .defaultValue(Duration.ofHours(6)),
                    "duration",
                    "A partition (one env, one hour of event time) leaves the dataset"
                            + " once its hour ended this long before the watermark.");

    public static final ConfigOption<Long> WINDOW_MAX_TRANSITIONS =
            TABLE.add(
                    ConfigOptions.key("replay.window.max-transitions").longType().noDefaultValue(),
                    "long",
                    "Optional count window: the oldest partitions leave once the newer"
                            + " ones hold at least this many transitions. Applies"
                            + " together with replay.window.duration (either rule"
                            + " expires).");

    public static final ConfigOption<Duration> WINDOW_ALLOWED_LATENESS =
            TABLE.add(
                    ConfigOptions.key("replay.window.allowed-lateness")
                            .durationType()
                            .defaultValue(Duration.ofHours(1)),
                    "duration",
                    "Rows older than the watermark minus this are dropped (counted),"
                            + " and no partition is deleted before its hour ended this"
                            + " long before the watermark, so a partition is never"
                            + " written after it was deleted. At most"
                            + " replay.window.duration.");

    public static final ConfigOption<Duration> WINDOW_CHECK_INTERVAL =
            TABLE.add(
                    ConfigOptions.key("replay.window.check-interval")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(1)),
                    "duration",
                    "How often the expiry looks for partitions to delete.");

    public static final ConfigOption<Duration> WINDOW_DELETE_DELAY =
            TABLE.add(
                    ConfigOptions.key("replay.window.delete-delay")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(1)),
                    "duration",
                    "Time between deciding that a partition expired and deleting it,"
                            + " so files in flight commit first. At least twice the"
                            + " checkpoint interval is sensible.");

    public static final ConfigOption<Integer> N_STEP =
            TABLE.add(
                    ConfigOptions.key("replay.n-step").intType().defaultValue(3),
                    "int",
                    "n of the n-step targets (1 = one-step TD).");

    public static final ConfigOption<String> DATASET_KIND =
            TABLE.add(
                    ConfigOptions.key("replay.dataset.kind")
                            .stringType()
                            .defaultValue("transitions"),
                    "string",
                    "What the job builds: transitions (one row per step, with n-step"
                            + " targets and priorities) or segments (trajectory segments of"
                            + " replay.segment.length steps per episode, for the policy-gradient"
                            + " learners; read with SegmentDataset).");

    public static final ConfigOption<Integer> SEGMENT_LENGTH =
            TABLE.add(
                    ConfigOptions.key("replay.segment.length").intType().defaultValue(20),
                    "int",
                    "T, the most steps of a trajectory segment (replay.dataset.kind=segments):"
                            + " an episode's steps are written in segments of T as soon as T"
                            + " arrived; the last one is shorter at the episode's end or idle"
                            + " flush.");

    public static final ConfigOption<Double> GAMMA =
            TABLE.add(
                    ConfigOptions.key("replay.gamma").doubleType().defaultValue(0.99),
                    "double",
                    "Discount of the n-step targets and returns-to-go, in [0, 1].");

    public static final ConfigOption<Duration> EPISODE_IDLE_TIMEOUT =
            TABLE.add(
                    ConfigOptions.key("replay.episode.idle-timeout")
                            .durationType()
                            .defaultValue(Duration.ofMinutes(10)),
                    "duration",
                    "An episode with no new step for this long (processing time) is"
                            + " written without its end: its tail bootstraps as if"
                            + " truncated and return_to_go is null.");

    public static final ConfigOption<Double> INITIAL_PRIORITY =
            TABLE.add(
                    ConfigOptions.key("replay.priority.initial").doubleType().defaultValue(1.0),
                    "double",
                    "Priority of new rows until a trainer update raises the running"
                            + " max; new rows get max(initial, running max) unless a"
                            + " policy scored them (replay.priority.scoring.*).");

    public static final ConfigOption<Duration> PRIORITY_FLUSH_INTERVAL =
            TABLE.add(
                    ConfigOptions.key("replay.priority.flush-interval")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(10)),
                    "duration",
                    "How long after a partition's first unsaved update its compacted"
                            + " priority file is rewritten.");

    public static final ConfigOption<Duration> PRIORITY_RETENTION =
            TABLE.add(
                    ConfigOptions.key("replay.priority.retention").durationType().noDefaultValue(),
                    "duration",
                    "How long the job keeps an episode's location and a partition's"
                            + " priorities in state after their last use (processing"
                            + " time). Default: window duration + allowed lateness.");

    public static final ConfigOption<Boolean> SCORING_ENABLED =
            TABLE.add(
                    ConfigOptions.key("replay.priority.scoring.enabled")
                            .booleanType()
                            .defaultValue(true),
                    "boolean",
                    "Score new rows by |TD error| under the latest policy on"
                            + " <prefix>policies (TensorFlow Java): priority = |r_n +"
                            + " gamma^n * (1 - done_n) * max_a Q(s_n, a) - Q(s, a)| +"
                            + " epsilon. Rows get the running max priority until a"
                            + " policy passes its checks, and whenever none is loaded.");

    public static final ConfigOption<Integer> SCORING_BATCH_SIZE =
            TABLE.add(
                    ConfigOptions.key("replay.priority.scoring.batch-size")
                            .intType()
                            .defaultValue(256),
                    "int",
                    "Rows scored per model call (each row feeds two observations: s and"
                            + " s_n). A batch also goes when max-wait passes, on every"
                            + " checkpoint and at the end of input.");

    public static final ConfigOption<Duration> SCORING_MAX_WAIT =
            TABLE.add(
                    ConfigOptions.key("replay.priority.scoring.max-wait")
                            .durationType()
                            .defaultValue(Duration.ofMillis(500)),
                    "duration",
                    "Longest a row waits for its batch to fill (processing time).");

    public static final ConfigOption<String> SCORING_POLICY_ROOT =
            TABLE.add(
                    ConfigOptions.key("replay.priority.scoring.policy-root")
                            .stringType()
                            .noDefaultValue(),
                    "string",
                    "Policy artifacts are loaded only from under this directory, a file:"
                            + " URI or local path; an announced URI that resolves"
                            + " elsewhere is refused. Default: <data-root>/policies"
                            + " when the data root is a file: URI (required otherwise).");

    public static final ConfigOption<String> SCORING_POLICY_NAME =
            TABLE.add(
                    ConfigOptions.key("replay.priority.scoring.policy-name")
                            .stringType()
                            .noDefaultValue(),
                    "string",
                    "Follow only this policy name on the policies topic. Default: any"
                            + " name (set it when several policies are published).");

    public static final ConfigOption<Double> PRIORITY_EPSILON =
            TABLE.add(
                    PriorityOptions.epsilon("replay.priority.scoring.epsilon"),
                    "double",
                    PriorityOptions.EPSILON_DESCRIPTION);

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            TABLE.add(
                    ConfigOptions.key("replay.checkpoint.interval")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(10)),
                    "duration",
                    "Checkpoint interval when the environment has none configured;"
                            + " dataset files commit on checkpoints.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            TABLE.add(
                    ConfigOptions.key("replay.watermark.out-of-orderness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(5)),
                    "duration",
                    "Bounded out-of-orderness of event time.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS =
            TABLE.add(
                    ConfigOptions.key("replay.watermark.idleness")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(30)),
                    "duration",
                    "A Kafka partition without records for this long stops holding the"
                            + " watermark back.");

    public static final ConfigOption<String> COMPRESSION =
            TABLE.add(
                    ConfigOptions.key("replay.parquet.compression")
                            .stringType()
                            .defaultValue("SNAPPY"),
                    "string",
                    "Parquet codec: SNAPPY, ZSTD, GZIP or UNCOMPRESSED.");

    private ReplayStoreOptions() {}

    static {
        TABLE.describePrefix(
                KAFKA_PROPERTIES_PREFIX,
                "Kafka client settings for every source, without the prefix, e.g."
                        + " `kafka.properties.security.protocol: SASL_SSL`,"
                        + " `kafka.properties.sasl.mechanism`, `kafka.properties.sasl.jaas.config`,"
                        + " `kafka.properties.ssl.truststore.location` (formerly"
                        + " `replay.kafka.properties.*`, still read). Secret values are never"
                        + " printed.");
    }

    /** Every option, in documentation order: the replay job's section of {@code docs/CONFIG.md}. */
    public static OptionTable table() {
        return TABLE;
    }

    /** Every option, in documentation order. */
    public static List<ConfigOption<?>> all() {
        return TABLE.entries().stream().<ConfigOption<?>>map(OptionTable.Entry::option).toList();
    }

    /** The option's description as the docs show it. */
    public static String describe(ConfigOption<?> option) {
        return TABLE.entry(option.key()).map(OptionTable.Entry::description).orElse("");
    }
}
