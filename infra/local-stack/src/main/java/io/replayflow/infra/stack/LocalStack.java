package io.replayflow.infra.stack;

import io.replayflow.infra.stack.internal.DataDirectories;
import io.replayflow.infra.stack.internal.EmbeddedFlinkCluster;
import io.replayflow.infra.stack.internal.EmbeddedKafkaBroker;
import io.replayflow.infra.stack.internal.Ports;
import io.replayflow.infra.stack.internal.ScramUsers;
import io.replayflow.infra.stack.internal.TlsMaterial;
import io.replayflow.infra.stack.internal.TopicInitializer;
import io.replayflow.infra.stack.internal.TopicInitializer.TopicSpec;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded all-in-one stack: a real Kafka broker (KRaft, broker and controller in one node, in
 * this JVM) with ReplayFlow's topics, and optionally a Flink MiniCluster to run jobs on.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().partitions(4).start()) {
 *     String bootstrap = stack.bootstrapServers();          // "127.0.0.1:PORT"
 *     StreamExecutionEnvironment env = stack.executionEnvironment();
 *     env.fromSequence(1, 100).print();
 *     JobClient job = env.executeAsync("demo");             // job.cancel() to stop it
 * }
 * }</pre>
 *
 * <p>Security: PLAINTEXT by default; with {@link Builder#saslSsl(KafkaSecurity)} the client
 * listener is SASL_SSL (SCRAM-SHA-512 over TLS, a self-signed certificate for 127.0.0.1 generated
 * with {@code keytool} under {@code <dataDir>/tls/} at every start) and {@link #clientProperties()}
 * holds what a client needs ({@code security.protocol}, {@code sasl.*}, {@code ssl.truststore.*}).
 * The stack itself creates its topics and the SCRAM user over a second, PLAINTEXT listener on
 * loopback that is not advertised to clients.
 *
 * <p>Topics: every name of {@link Topics} with {@link LocalStackConfig#partitions()} partitions,
 * except {@code policies} and {@code policy.assignments}: one partition, {@code
 * cleanup.policy=compact}.
 *
 * <p>Thread-safe. {@link #close()} stops Flink, then Kafka, waits for their threads and is
 * idempotent; the stack registers no shutdown hook, so a command line that wants Ctrl-C to stop it
 * cleanly adds one that calls {@link #close()}.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final LocalStackConfig config;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final EmbeddedKafkaBroker kafka;
    private final EmbeddedFlinkCluster flink;
    private final Map<String, String> clientProperties;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalStack(
            LocalStackConfig config,
            Path dataDir,
            boolean ownsDataDir,
            EmbeddedKafkaBroker kafka,
            EmbeddedFlinkCluster flink,
            Map<String, String> clientProperties) {
        this.config = config;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.kafka = kafka;
        this.flink = flink;
        this.clientProperties = clientProperties;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a stack; on any failure, whatever had started is stopped again. */
    public static LocalStack start(LocalStackConfig config) {
        long started = System.nanoTime();
        Path dataDir = prepareDataDir(config);
        boolean ownsDataDir = config.dataDir().isEmpty();
        EmbeddedKafkaBroker kafka = null;
        EmbeddedFlinkCluster flink = null;
        try {
            TlsMaterial tls =
                    config.saslSsl().isPresent()
                            ? TlsMaterial.generate(dataDir.resolve("tls"))
                            : null;
            kafka = startKafka(config, dataDir, tls);
            Map<String, String> client = clientProperties(config.saslSsl(), tls);
            if (tls != null) {
                KafkaSecurity user = config.saslSsl().get();
                ScramUsers.upsertAndAwait(
                        kafka.internalBootstrapServers(),
                        kafka.bootstrapServers(),
                        user.username(),
                        user.password(),
                        client,
                        TOPIC_TIMEOUT);
            }
            long kafkaUp = System.nanoTime();
            TopicInitializer.ensureTopics(
                    kafka.internalBootstrapServers(), topicSpecs(config), TOPIC_TIMEOUT);
            long topicsUp = System.nanoTime();
            if (config.withFlink()) {
                flink = startFlink(config, dataDir);
            }
            long flinkUp = System.nanoTime();
            LOG.info(
                    "LocalStack up in {} ms (Kafka broker {} ms, topics {} ms, Flink MiniCluster"
                            + " {}): bootstrap.servers={} ({}), Flink REST {}, data in {}",
                    millis(started, flinkUp),
                    millis(started, kafkaUp),
                    millis(kafkaUp, topicsUp),
                    config.withFlink() ? millis(topicsUp, flinkUp) + " ms" : "off",
                    kafka.bootstrapServers(),
                    config.saslSsl().map(KafkaSecurity::toString).orElse("PLAINTEXT"),
                    flink == null ? "off" : flink.restAddress(),
                    dataDir);
            return new LocalStack(config, dataDir, ownsDataDir, kafka, flink, client);
        } catch (Exception e) {
            RuntimeException failure = startFailure(config, e);
            stopQuietly(flink, kafka, failure);
            if (ownsDataDir && !config.keepData()) {
                deleteQuietly(dataDir, failure);
            }
            throw failure;
        }
    }

    /** {@code 127.0.0.1:PORT} of the broker, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /**
     * The Kafka client settings every client of this stack needs besides {@code bootstrap.servers}:
     * empty for a PLAINTEXT stack; for SASL_SSL, {@code security.protocol}, {@code sasl.mechanism},
     * {@code sasl.jaas.config} and {@code ssl.truststore.*}. Printing the map shows no secret.
     */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    /**
     * Writes {@link #clientProperties()} as a Kafka client {@code .properties} file (readable by
     * the owner only where the file system allows), for {@code --kafka-config FILE}.
     */
    public Path writeClientProperties(Path file) throws IOException {
        Properties props = new Properties();
        props.putAll(clientProperties);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            LOG.debug("{} does not support POSIX permissions", file);
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "Kafka client settings of a ReplayFlow LocalStack");
        }
        return file;
    }

    /** The directory holding {@code kafka/}, {@code checkpoints/} and {@code savepoints/}. */
    public Path dataDir() {
        return dataDir;
    }

    public Topics topics() {
        return config.topics();
    }

    public LocalStackConfig config() {
        return config;
    }

    /** The running MiniCluster. */
    public MiniCluster miniCluster() {
        return requireFlink("miniCluster()").miniCluster();
    }

    /** The MiniCluster's REST endpoint, {@code http://127.0.0.1:PORT}. */
    public URI flinkRestAddress() {
        return requireFlink("flinkRestAddress()").restAddress();
    }

    /**
     * A new environment whose jobs run on this stack's MiniCluster, at a default parallelism of all
     * its slots. {@code execute} waits for the job; {@code executeAsync} returns a {@link
     * org.apache.flink.core.execution.JobClient} to watch or cancel it.
     */
    public StreamExecutionEnvironment executionEnvironment() {
        return executionEnvironment(new Configuration());
    }

    /**
     * As {@link #executionEnvironment()}, with job settings (parallelism, checkpointing, restart
     * strategy...) applied over the defaults.
     */
    public StreamExecutionEnvironment executionEnvironment(Configuration jobConfiguration) {
        Objects.requireNonNull(jobConfiguration, "jobConfiguration");
        return requireFlink("executionEnvironment()").executionEnvironment(jobConfiguration);
    }

    /** Stops Flink (cancelling its jobs), then Kafka; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        RuntimeException failure = new LocalStackException("LocalStack did not stop cleanly");
        stopQuietly(flink, kafka, failure);
        if (ownsDataDir && !config.keepData()) {
            deleteQuietly(dataDir, failure);
        }
        LOG.info("LocalStack stopped in {} ms", millis(started, System.nanoTime()));
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private EmbeddedFlinkCluster requireFlink(String accessor) {
        if (flink == null) {
            throw new IllegalStateException(
                    accessor
                            + " needs Flink, but this stack was started with withFlink(false):"
                            + " build it with withFlink(true)");
        }
        if (closed.get()) {
            throw new IllegalStateException(accessor + " called on a closed LocalStack");
        }
        return flink;
    }

    private static Path prepareDataDir(LocalStackConfig config) {
        try {
            if (config.dataDir().isEmpty()) {
                return Files.createTempDirectory("replayflow-stack-");
            }
            Path dir = config.dataDir().get().toAbsolutePath();
            Files.createDirectories(dir);
            Path kafkaDir = dir.resolve("kafka");
            if (!config.keepData() && Files.exists(kafkaDir)) {
                LOG.info(
                        "Starting Kafka afresh: deleting {} (keepData(true) restarts on it)",
                        kafkaDir);
                DataDirectories.deleteRecursively(kafkaDir);
            }
            return dir;
        } catch (IOException e) {
            throw new LocalStackException("cannot prepare the data directory: " + e, e);
        }
    }

    private static Map<String, String> clientProperties(
            Optional<KafkaSecurity> user, TlsMaterial tls) {
        if (user.isEmpty()) {
            return Map.of();
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", KafkaSecurity.MECHANISM);
        p.put("sasl.jaas.config", user.get().jaasConfig());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", tls.trustStore().toAbsolutePath().toString());
        p.put("ssl.truststore.password", tls.password());
        return Secrets.hidingSecrets(p);
    }

    private static EmbeddedKafkaBroker startKafka(
            LocalStackConfig config, Path dataDir, TlsMaterial tls) throws Exception {
        try {
            return EmbeddedKafkaBroker.start(
                    dataDir.resolve("kafka"), config.kafkaPort(), config.brokerProperties(), tls);
        } catch (Exception e) {
            if (config.kafkaPort() != 0 && Ports.isBindFailure(e)) {
                throw new LocalStackException(
                        "kafkaPort "
                                + config.kafkaPort()
                                + " is already in use on 127.0.0.1: pick another port, or pass 0"
                                + " to choose a free one",
                        e);
            }
            throw e;
        }
    }

    private static EmbeddedFlinkCluster startFlink(LocalStackConfig config, Path dataDir)
            throws Exception {
        Configuration conf =
                EmbeddedFlinkCluster.clusterConfiguration(
                        dataDir, config.flinkRestPort(), config.flinkProperties());
        try {
            return EmbeddedFlinkCluster.start(
                    conf, config.taskManagers(), config.slotsPerTaskManager());
        } catch (Exception e) {
            if (config.flinkRestPort() != 0 && Ports.isBindFailure(e)) {
                throw new LocalStackException(
                        "flinkRestPort "
                                + config.flinkRestPort()
                                + " is already in use on 127.0.0.1: pick another port, or pass 0"
                                + " to choose a free one",
                        e);
            }
            throw e;
        }
    }

    private static List<TopicSpec> topicSpecs(LocalStackConfig config) {
        Topics topics = config.topics();
        List<TopicSpec> specs = new ArrayList<>();
        for (String name : topics.all()) {
            if (topics.compacted(name)) {
                specs.add(new TopicSpec(name, 1, Map.of("cleanup.policy", "compact")));
            } else {
                specs.add(new TopicSpec(name, config.partitions(), Map.of()));
            }
        }
        return specs;
    }

    private static RuntimeException startFailure(LocalStackConfig config, Exception e) {
        if (e instanceof LocalStackException stackFailure) {
            return stackFailure;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new LocalStackException(
                "LocalStack failed to start ("
                        + e
                        + "); the log above has the details. Settings: "
                        + config,
                e);
    }

    private static void stopQuietly(
            EmbeddedFlinkCluster flink, EmbeddedKafkaBroker kafka, RuntimeException failure) {
        if (flink != null) {
            try {
                flink.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void deleteQuietly(Path dir, RuntimeException failure) {
        try {
            DataDirectories.deleteRecursively(dir);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /**
     * Builds a {@link LocalStackConfig} and starts the stack. Defaults: a fresh temporary data
     * directory, free ports, topics {@code rf.*} with 4 partitions, Flink on with one TaskManager
     * of two slots.
     *
     * <pre>{@code
     * LocalStack stack = LocalStack.builder()
     *         .dataDir(Path.of("/tmp/rf")).keepData(true)   // restart on the same broker data
     *         .kafkaPort(9092)
     *         .topicPrefix("rf.")
     *         .partitions(4)
     *         .slotsPerTaskManager(2)
     *         .brokerProperty("log.retention.hours", "1")
     *         .start();
     * }</pre>
     */
    public static final class Builder {
        private Path dataDir;
        private boolean keepData;
        private int kafkaPort;
        private int partitions = 4;
        private String topicPrefix = Topics.DEFAULT_PREFIX;
        private boolean withFlink = true;
        private int taskManagers = 1;
        private int slotsPerTaskManager = 2;
        private int flinkRestPort;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final Configuration flinkConfiguration = new Configuration();
        private KafkaSecurity saslSsl;

        private Builder() {}

        /**
         * Makes the broker's client listener SASL_SSL: SCRAM-SHA-512 over TLS with a certificate
         * generated at start, accepting {@code user}; {@link LocalStack#clientProperties()} gives
         * the settings a client needs. Default: PLAINTEXT.
         */
        public Builder saslSsl(KafkaSecurity user) {
            this.saslSsl = Objects.requireNonNull(user, "user");
            return this;
        }

        /** Where data lives; unset means a fresh temporary directory deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Restart on existing Kafka data in the data directory, and never delete it. */
        public Builder keepData(boolean keepData) {
            this.keepData = keepData;
            return this;
        }

        /** The broker's client port; 0 (the default) picks a free one. */
        public Builder kafkaPort(int kafkaPort) {
            this.kafkaPort = kafkaPort;
            return this;
        }

        /** Partitions of every topic except {@code policies} (always 1). Default 4. */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Replaces {@code rf.} in every topic name. */
        public Builder topicPrefix(String topicPrefix) {
            this.topicPrefix = Objects.requireNonNull(topicPrefix, "topicPrefix");
            return this;
        }

        /** Start a Flink MiniCluster too (default true). */
        public Builder withFlink(boolean withFlink) {
            this.withFlink = withFlink;
            return this;
        }

        public Builder taskManagers(int taskManagers) {
            this.taskManagers = taskManagers;
            return this;
        }

        public Builder slotsPerTaskManager(int slotsPerTaskManager) {
            this.slotsPerTaskManager = slotsPerTaskManager;
            return this;
        }

        /** The MiniCluster's REST port; 0 (the default) picks a free one. */
        public Builder flinkRestPort(int flinkRestPort) {
            this.flinkRestPort = flinkRestPort;
            return this;
        }

        /** One extra Kafka broker setting, applied over the single-node defaults. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(
                    Objects.requireNonNull(key, "key"),
                    Objects.requireNonNull(value, "value of broker property " + key));
            return this;
        }

        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** Extra Flink settings, applied over the MiniCluster defaults. */
        public Builder flinkConfiguration(Configuration configuration) {
            flinkConfiguration.addAll(Objects.requireNonNull(configuration, "configuration"));
            return this;
        }

        /** Validates the settings; throws {@link IllegalArgumentException} naming a bad one. */
        public LocalStackConfig config() {
            return new LocalStackConfig(
                    Optional.ofNullable(dataDir),
                    keepData,
                    kafkaPort,
                    partitions,
                    Topics.withPrefix(topicPrefix),
                    withFlink,
                    taskManagers,
                    slotsPerTaskManager,
                    flinkRestPort,
                    brokerProperties,
                    flinkConfiguration.toMap(),
                    Optional.ofNullable(saslSsl));
        }

        /** Validates the settings and starts the stack. */
        public LocalStack start() {
            return LocalStack.start(config());
        }
    }
}
