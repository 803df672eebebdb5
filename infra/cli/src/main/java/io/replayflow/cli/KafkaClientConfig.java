package io.replayflow.cli;

import io.replayflow.schemas.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}: a Kafka client {@code .properties} file (the convention of Kafka's
 * own tools and their {@code --command-config}) whose settings every Kafka client of the verb gets,
 * e.g.
 *
 * <pre>
 * security.protocol=SASL_SSL
 * sasl.mechanism=SCRAM-SHA-512
 * sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
 *     username="actor" password="...";
 * ssl.truststore.location=/etc/replayflow/truststore.p12
 * ssl.truststore.password=...
 * </pre>
 *
 * A picocli mixin: a verb that talks to Kafka adds {@code @Mixin KafkaClientConfig kafka;} and
 * passes {@link #properties()} to every client it creates. Values are never printed; a bad file is
 * a one-line usage error naming the flag and the file.
 */
final class KafkaClientConfig {

    /** Settings that come from other flags; a file that sets them is refused. */
    private static final Map<String, String> OWNED =
            Map.of(
                    "bootstrap.servers", "give the address with --bootstrap",
                    "group.id", "the verb names its own consumer groups",
                    "client.id", "the verb names its own clients");

    private static final Set<String> PREFIXES_OF_OTHER_COMPONENTS =
            Set.of("actor.", "kafka.properties.", "replay.", "trainer.");

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description =
                    "Kafka client settings for every Kafka client of this verb, as a Java"
                            + " .properties file (security.protocol, sasl.mechanism,"
                            + " sasl.jaas.config, ssl.truststore.location, ...), like the"
                            + " --command-config of Kafka's tools. Secret values are never"
                            + " printed.")
    Path file;

    /** The file's settings, empty without the flag. */
    Map<String, String> properties() {
        return file == null ? Map.of() : load(file);
    }

    /**
     * Reads a client properties file.
     *
     * @throws UsageError naming {@code --kafka-config} and the file when it is missing, unreadable
     *     or sets a key the verb owns
     */
    static Map<String, String> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageError(
                    "--kafka-config "
                            + file
                            + (Files.exists(file) ? " is not a file" : " does not exist")
                            + ": give a Kafka client .properties file (security.protocol=...,"
                            + " sasl.jaas.config=...)");
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError(
                    "--kafka-config "
                            + file
                            + " cannot be read as a .properties file: "
                            + e.getClass().getSimpleName());
        }
        Map<String, String> out = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            check(file, key);
            out.put(key, props.getProperty(key).strip());
        }
        return Secrets.hidingSecrets(out);
    }

    private static void check(Path file, String key) {
        String why = OWNED.get(key);
        if (why != null) {
            throw new UsageError("--kafka-config " + file + " sets " + key + ": " + why);
        }
        for (String prefix : PREFIXES_OF_OTHER_COMPONENTS) {
            if (key.startsWith(prefix)) {
                throw new UsageError(
                        "--kafka-config "
                                + file
                                + " sets "
                                + key
                                + ": the file holds plain Kafka client settings"
                                + " (security.protocol, sasl.mechanism, ...) without a prefix");
            }
        }
    }
}
