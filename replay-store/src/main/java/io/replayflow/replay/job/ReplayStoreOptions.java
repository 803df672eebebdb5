package io.replayflow.replay.job;

import io.replayflow.replay.priority.Priorities;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;

/**
 * Every option of the replay-store job: key, type, default and description, in one table that
 * {@link ReplayStoreConfig} reads and {@link #markdownTable()} documents ({@code docs/CONFIG.md} is
 * generated from it by a test, so the docs cannot drift).
 */
public final class ReplayStoreOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("replay.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers, e.g. 127.0.0.1:9092. Required.");

    /**
     * Kafka client settings passed to every source as they are, minus the prefix: {@code
     * replay.kafka.properties.security.protocol: SASL_SSL}.
     */
    public static final String KAFKA_PROPERTIES_PREFIX = "replay.kafka.properties.";

    public static final ConfigOption<String> TOPIC_PREFIX =
            ConfigOptions.key("replay.kafka.topic-prefix")
                    .stringType()
                    .defaultValue("rf.")
                    .withDescription(
                            "Prefix of the topic names: reads <prefix>transitions.clean,"
                                    + " <prefix>priorities and <prefix>policies.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("replay.kafka.group-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Kafka consumer group (offsets are committed on checkpoints, for"
                                    + " monitoring). Default: replayflow-replay-store-<dataset"
                                    + " name>.");

    public static final ConfigOption<String> DATA_ROOT =
            ConfigOptions.key("replay.data-root")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Data root, a Flink FileSystem URI (file:///..., s3://...). The"
                                    + " dataset goes to <root>/replay/<dataset-name>/. Required.");

    public static final ConfigOption<String> DATASET_NAME =
            ConfigOptions.key("replay.dataset-name")
                    .stringType()
                    .defaultValue("default")
                    .withDescription("Name of the replay dataset directory.");

    public static final ConfigOption<Duration> WINDOW_DURATION =
            ConfigOptions.key("replay.window.duration")
                    .durationType()
                    .defaultValue(Duration.ofHours(6))
                    .withDescription(
                            "A partition (one env, one hour of event time) leaves the dataset"
                                    + " once its hour ended this long before the watermark.");

    public static final ConfigOption<Long> WINDOW_MAX_TRANSITIONS =
            ConfigOptions.key("replay.window.max-transitions")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "Optional count window: the oldest partitions leave once the newer"
                                    + " ones hold at least this many transitions. Applies"
                                    + " together with replay.window.duration (either rule"
                                    + " expires).");

    public static final ConfigOption<Duration> WINDOW_ALLOWED_LATENESS =
            ConfigOptions.key("replay.window.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Rows older than the watermark minus this are dropped (counted),"
                                    + " and no partition is deleted before its hour ended this"
                                    + " long before the watermark, so a partition is never"
                                    + " written after it was deleted. At most"
                                    + " replay.window.duration.");

    public static final ConfigOption<Duration> WINDOW_CHECK_INTERVAL =
            ConfigOptions.key("replay.window.check-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription("How often the expiry looks for partitions to delete.");

    public static final ConfigOption<Duration> WINDOW_DELETE_DELAY =
            ConfigOptions.key("replay.window.delete-delay")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Time between deciding that a partition expired and deleting it,"
                                    + " so files in flight commit first. At least twice the"
                                    + " checkpoint interval is sensible.");

    public static final ConfigOption<Integer> N_STEP =
            ConfigOptions.key("replay.n-step")
                    .intType()
                    .defaultValue(3)
                    .withDescription("n of the n-step targets (1 = one-step TD).");

    public static final ConfigOption<Double> GAMMA =
            ConfigOptions.key("replay.gamma")
                    .doubleType()
                    .defaultValue(0.99)
                    .withDescription(
                            "Discount of the n-step targets and returns-to-go, in [0, 1].");

    public static final ConfigOption<Duration> EPISODE_IDLE_TIMEOUT =
            ConfigOptions.key("replay.episode.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "An episode with no new step for this long (processing time) is"
                                    + " written without its end: its tail bootstraps as if"
                                    + " truncated and return_to_go is null.");

    public static final ConfigOption<Double> INITIAL_PRIORITY =
            ConfigOptions.key("replay.priority.initial")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Priority of new rows until a trainer update raises the running"
                                    + " max; new rows get max(initial, running max) unless a"
                                    + " policy scored them (replay.priority.scoring.*).");

    public static final ConfigOption<Duration> PRIORITY_FLUSH_INTERVAL =
            ConfigOptions.key("replay.priority.flush-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How long after a partition's first unsaved update its compacted"
                                    + " priority file is rewritten.");

    public static final ConfigOption<Duration> PRIORITY_RETENTION =
            ConfigOptions.key("replay.priority.retention")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "How long the job keeps an episode's location and a partition's"
                                    + " priorities in state after their last use (processing"
                                    + " time). Default: window duration + allowed lateness.");

    public static final ConfigOption<Boolean> SCORING_ENABLED =
            ConfigOptions.key("replay.priority.scoring.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Score new rows by |TD error| under the latest policy on"
                                    + " <prefix>policies (TensorFlow Java): priority = |r_n +"
                                    + " gamma^n * (1 - done_n) * max_a Q(s_n, a) - Q(s, a)| +"
                                    + " epsilon. Rows get the running max priority until a"
                                    + " policy passes its checks, and whenever none is loaded.");

    public static final ConfigOption<Integer> SCORING_BATCH_SIZE =
            ConfigOptions.key("replay.priority.scoring.batch-size")
                    .intType()
                    .defaultValue(256)
                    .withDescription(
                            "Rows scored per model call (each row feeds two observations: s and"
                                    + " s_n). A batch also goes when max-wait passes, on every"
                                    + " checkpoint and at the end of input.");

    public static final ConfigOption<Duration> SCORING_MAX_WAIT =
            ConfigOptions.key("replay.priority.scoring.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "Longest a row waits for its batch to fill (processing time).");

    public static final ConfigOption<String> SCORING_POLICY_ROOT =
            ConfigOptions.key("replay.priority.scoring.policy-root")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Policy artifacts are loaded only from under this directory, a file:"
                                    + " URI or local path; an announced URI that resolves"
                                    + " elsewhere is refused. Default: <data-root>/policies"
                                    + " when the data root is a file: URI (required otherwise).");

    public static final ConfigOption<String> SCORING_POLICY_NAME =
            ConfigOptions.key("replay.priority.scoring.policy-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Follow only this policy name on the policies topic. Default: any"
                                    + " name (set it when several policies are published).");

    public static final ConfigOption<Double> SCORING_EPSILON =
            ConfigOptions.key("replay.priority.scoring.epsilon")
                    .doubleType()
                    .defaultValue(Priorities.DEFAULT_EPSILON)
                    .withDescription(
                            "Added to |TD error| so every scored row stays drawable; >= 0. Keep"
                                    + " it equal to the trainer's trainer.priority.epsilon.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("replay.checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval when the environment has none configured;"
                                    + " dataset files commit on checkpoints.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("replay.watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Bounded out-of-orderness of event time.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS =
            ConfigOptions.key("replay.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A Kafka partition without records for this long stops holding the"
                                    + " watermark back.");

    public static final ConfigOption<String> COMPRESSION =
            ConfigOptions.key("replay.parquet.compression")
                    .stringType()
                    .defaultValue("SNAPPY")
                    .withDescription("Parquet codec: SNAPPY, ZSTD, GZIP or UNCOMPRESSED.");

    private ReplayStoreOptions() {}

    /** Every option, in documentation order. */
    public static List<ConfigOption<?>> all() {
        return List.of(
                BOOTSTRAP_SERVERS,
                TOPIC_PREFIX,
                GROUP_ID,
                DATA_ROOT,
                DATASET_NAME,
                WINDOW_DURATION,
                WINDOW_MAX_TRANSITIONS,
                WINDOW_ALLOWED_LATENESS,
                WINDOW_CHECK_INTERVAL,
                WINDOW_DELETE_DELAY,
                N_STEP,
                GAMMA,
                EPISODE_IDLE_TIMEOUT,
                INITIAL_PRIORITY,
                PRIORITY_FLUSH_INTERVAL,
                PRIORITY_RETENTION,
                SCORING_ENABLED,
                SCORING_BATCH_SIZE,
                SCORING_MAX_WAIT,
                SCORING_POLICY_ROOT,
                SCORING_POLICY_NAME,
                SCORING_EPSILON,
                CHECKPOINT_INTERVAL,
                OUT_OF_ORDERNESS,
                SOURCE_IDLENESS,
                COMPRESSION);
    }

    /** The options as a Markdown table: key, default, description. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| key | default | description |\n|---|---|---|\n");
        for (ConfigOption<?> option : all()) {
            String value =
                    option.hasDefaultValue() ? "`" + format(option.defaultValue()) + "`" : "—";
            out.append("| `")
                    .append(option.key())
                    .append("` | ")
                    .append(value)
                    .append(" | ")
                    .append(describe(option).replace("|", "\\|"))
                    .append(" |\n");
        }
        out.append("| `")
                .append(KAFKA_PROPERTIES_PREFIX)
                .append("*` | — | Kafka client settings for every source, without the prefix, e.g.")
                .append(" `replay.kafka.properties.security.protocol: SASL_SSL`,")
                .append(" `replay.kafka.properties.sasl.mechanism`,")
                .append(" `replay.kafka.properties.sasl.jaas.config`,")
                .append(" `replay.kafka.properties.ssl.truststore.location`. Secret values are")
                .append(" never printed. |\n");
        return out.toString();
    }

    /** The option's description as plain text. */
    public static String describe(ConfigOption<?> option) {
        StringBuilder out = new StringBuilder();
        for (BlockElement block : option.description().getBlocks()) {
            if (block instanceof TextElement text) {
                out.append(text.getFormat());
            }
        }
        return out.toString();
    }

    private static String format(Object value) {
        if (value instanceof Duration d) {
            if (d.toHours() > 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
                return d.toHours() + " h";
            }
            if (d.toMinutes() > 0 && d.toSecondsPart() == 0) {
                return d.toMinutes() + " min";
            }
            if (d.toMillisPart() == 0) {
                return d.toSeconds() + " s";
            }
            return d.toMillis() + " ms";
        }
        return String.valueOf(value);
    }
}
