package io.replayflow.schemas.config;

import io.replayflow.schemas.Topics;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The keys that several components read, spelled once. A component adds them to its {@link
 * OptionTable} through these methods, naming the spellings it read before, which stay readable:
 *
 * <pre>{@code
 * static final ConfigOption<String> BOOTSTRAP_SERVERS =
 *         TABLE.add(SharedOptions.bootstrapServers("actor.bootstrap-servers"), "string",
 *                 "(required)", SharedOptions.BOOTSTRAP_SERVERS_DESCRIPTION);
 * }</pre>
 *
 * <p>One Flink {@code config.yaml} or properties file can therefore configure the Kafka connection
 * of every component with {@code kafka.bootstrap.servers}, {@code kafka.topic-prefix} and {@code
 * kafka.properties.*}.
 */
public final class SharedOptions {

    /** Kafka brokers. */
    public static final String BOOTSTRAP_SERVERS_KEY = "kafka.bootstrap.servers";

    public static final String BOOTSTRAP_SERVERS_DESCRIPTION =
            "Kafka brokers, host:port[,host:port...]. Required.";

    /** Replaces {@code rf.} in every topic name. */
    public static final String TOPIC_PREFIX_KEY = "kafka.topic-prefix";

    /**
     * Kafka client settings passed to every client of the component without the prefix: {@code
     * kafka.properties.security.protocol=SASL_SSL}. Secrets among them are never printed.
     */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    /** The dataset root. */
    public static final String DATA_ROOT_KEY = "data.root";

    private SharedOptions() {}

    /**
     * {@value #DATA_ROOT_KEY}, no default: a Flink FileSystem URI ({@code file:///var/lib/rf},
     * {@code s3://bucket/rf}) or an absolute path.
     */
    public static ConfigOption<String> dataRoot(String... deprecatedKeys) {
        return ConfigOptions.key(DATA_ROOT_KEY)
                .stringType()
                .noDefaultValue()
                .withDeprecatedKeys(deprecatedKeys);
    }

    /** {@value #BOOTSTRAP_SERVERS_KEY}, no default. */
    public static ConfigOption<String> bootstrapServers(String... deprecatedKeys) {
        return ConfigOptions.key(BOOTSTRAP_SERVERS_KEY)
                .stringType()
                .noDefaultValue()
                .withDeprecatedKeys(deprecatedKeys);
    }

    /** {@value #TOPIC_PREFIX_KEY}, default {@code rf.}. */
    public static ConfigOption<String> topicPrefix(String... deprecatedKeys) {
        return ConfigOptions.key(TOPIC_PREFIX_KEY)
                .stringType()
                .defaultValue(Topics.DEFAULT_PREFIX)
                .withDeprecatedKeys(deprecatedKeys);
    }
}
