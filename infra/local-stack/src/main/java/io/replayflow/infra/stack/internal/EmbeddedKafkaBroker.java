package io.replayflow.infra.stack.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka node in KRaft combined mode (broker and controller), in this JVM, built from Kafka's
 * production classes. The log directory is formatted programmatically before the first start (the
 * storage tool's {@code main} would exit the JVM); a formatted directory is reused as it is.
 *
 * <p>The controller quorum is static ({@code controller.quorum.voters}, kraft.version 0), so a
 * restart on the same directory may use different ports.
 *
 * <p>With {@link TlsMaterial} the client listener is {@code SASL_SSL} (SCRAM-SHA-512 over TLS, the
 * broker's certificate from the material) and a second, PLAINTEXT listener on loopback serves the
 * broker itself (inter-broker traffic) and the stack's own set-up (topics, SCRAM users): {@link
 * #internalBootstrapServers()}. Without it, one PLAINTEXT listener serves everything.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    static final int NODE_ID = 1;
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String SECURE_LISTENER = "SASL_SSL";
    private static final String INTERNAL_LISTENER = "INTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** The SASL mechanism of the secure listener. */
    public static final String SASL_MECHANISM = "SCRAM-SHA-512";

    /**
     * Single-node settings. Replication factors and min ISR of the internal topics must be 1 or
     * groups and transactions never become available; the internal topics get one partition because
     * one broker owns them all anyway, which makes the first group or transaction fast.
     */
    static final Map<String, String> SINGLE_NODE_DEFAULTS = singleNodeDefaults();

    private final KafkaRaftServer server;
    private final int port;
    private final int internalPort;

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, int internalPort) {
        this.server = server;
        this.port = port;
        this.internalPort = internalPort;
    }

    /**
     * Formats {@code logDir} unless it already holds a broker's data, then starts the node and
     * returns once the broker is unfenced (ready for clients).
     *
     * @param port client port on {@link Ports#HOST}, 0 for a free one
     * @param overrides broker settings applied over {@link #SINGLE_NODE_DEFAULTS}
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, Map<String, String> overrides)
            throws Exception {
        return start(logDir, port, overrides, null);
    }

    /**
     * As {@link #start(Path, int, Map)}; with {@code tls} (may be null) the client listener is
     * SASL_SSL with that key store, and a PLAINTEXT listener serves the stack internally.
     */
    public static EmbeddedKafkaBroker start(
            Path logDir, int port, Map<String, String> overrides, TlsMaterial tls)
            throws Exception {
        int clientPort = Ports.resolve(port);
        int controllerPort = Ports.resolveOtherThan(0, clientPort);
        int internalPort =
                tls == null ? clientPort : Ports.resolveOtherThan(0, clientPort, controllerPort);
        Properties props = properties(logDir, clientPort, controllerPort, overrides);
        if (tls != null) {
            props.putAll(secureListeners(clientPort, internalPort, controllerPort, tls));
        }
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        Files.createDirectories(logDir);
        if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            LOG.info("Restarting Kafka on existing data in {}", logDir);
        } else {
            format(config);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdown(server);
            throw e;
        }
        return new EmbeddedKafkaBroker(server, clientPort, internalPort);
    }

    /** {@code 127.0.0.1:PORT} of the client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Ports.HOST + ":" + port;
    }

    /**
     * {@code 127.0.0.1:PORT} of the PLAINTEXT listener the stack uses for its own set-up: the
     * client listener itself unless it is SASL_SSL.
     */
    public String internalBootstrapServers() {
        return Ports.HOST + ":" + internalPort;
    }

    public int port() {
        return port;
    }

    /** Shuts the node down and waits until its threads have stopped. */
    @Override
    public void close() {
        shutdown(server);
    }

    private static void shutdown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void format(KafkaConfig config) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Formatter formatter =
                    new Formatter()
                            .setPrintStream(printStream)
                            .setNodeId(config.nodeId())
                            .setClusterId(Uuid.randomUuid().toString())
                            .setReleaseVersion(MetadataVersion.latestProduction())
                            .setControllerListenerName(config.controllerListenerNames().get(0))
                            .setMetadataLogDirectory(config.metadataLogDir())
                            .setDirectories(config.logDirs());
            formatter.run();
        }
        LOG.debug("Formatted Kafka storage: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    static Properties properties(
            Path logDir, int clientPort, int controllerPort, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(SINGLE_NODE_DEFAULTS);
        settings.putAll(overrides);
        String client = CLIENT_LISTENER + "://" + Ports.HOST + ":" + clientPort;
        String controller = CONTROLLER_LISTENER + "://" + Ports.HOST + ":" + controllerPort;
        settings.put("node.id", Integer.toString(NODE_ID));
        settings.put("process.roles", "broker,controller");
        settings.put("controller.quorum.voters", NODE_ID + "@" + Ports.HOST + ":" + controllerPort);
        settings.put("listeners", client + "," + controller);
        settings.put("advertised.listeners", client);
        settings.put("controller.listener.names", CONTROLLER_LISTENER);
        settings.put("inter.broker.listener.name", CLIENT_LISTENER);
        settings.put(
                "listener.security.protocol.map",
                CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        settings.put("log.dirs", logDir.toAbsolutePath().toString());
        Properties props = new Properties();
        props.putAll(settings);
        return props;
    }

    /** The listener settings of a SASL_SSL client listener plus a PLAINTEXT internal one. */
    static Map<String, String> secureListeners(
            int clientPort, int internalPort, int controllerPort, TlsMaterial tls) {
        String secure = SECURE_LISTENER + "://" + Ports.HOST + ":" + clientPort;
        String internal = INTERNAL_LISTENER + "://" + Ports.HOST + ":" + internalPort;
        String controller = CONTROLLER_LISTENER + "://" + Ports.HOST + ":" + controllerPort;
        String prefix = "listener.name." + SECURE_LISTENER.toLowerCase(Locale.ROOT) + ".";
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listeners", secure + "," + internal + "," + controller);
        s.put("advertised.listeners", secure + "," + internal);
        s.put("inter.broker.listener.name", INTERNAL_LISTENER);
        s.put(
                "listener.security.protocol.map",
                SECURE_LISTENER
                        + ":SASL_SSL,"
                        + INTERNAL_LISTENER
                        + ":PLAINTEXT,"
                        + CONTROLLER_LISTENER
                        + ":PLAINTEXT");
        s.put(prefix + "sasl.enabled.mechanisms", SASL_MECHANISM);
        s.put(
                prefix + SASL_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        s.put(prefix + "ssl.keystore.type", "PKCS12");
        s.put(prefix + "ssl.keystore.location", tls.keyStore().toAbsolutePath().toString());
        s.put(prefix + "ssl.keystore.password", tls.password());
        s.put(prefix + "ssl.key.password", tls.password());
        s.put(prefix + "ssl.client.auth", "none");
        return s;
    }

    private static Map<String, String> singleNodeDefaults() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("auto.create.topics.enable", "false");
        s.put("num.partitions", "1");
        s.put("default.replication.factor", "1");
        s.put("min.insync.replicas", "1");
        s.put("offsets.topic.replication.factor", "1");
        s.put("offsets.topic.num.partitions", "1");
        s.put("group.initial.rebalance.delay.ms", "0");
        s.put("transaction.state.log.replication.factor", "1");
        s.put("transaction.state.log.min.isr", "1");
        s.put("transaction.state.log.num.partitions", "1");
        // Flink's exactly-once sink may ask for long transactions; the broker default caps at 15
        // min.
        s.put("transaction.max.timeout.ms", "3600000");
        s.put("share.coordinator.state.topic.replication.factor", "1");
        s.put("share.coordinator.state.topic.min.isr", "1");
        s.put("share.coordinator.state.topic.num.partitions", "1");
        // The log cleaner allocates this buffer on the heap at start-up (128 MiB by default).
        s.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        return Map.copyOf(s);
    }
}
