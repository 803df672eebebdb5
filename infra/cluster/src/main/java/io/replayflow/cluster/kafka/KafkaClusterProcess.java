package io.replayflow.cluster.kafka;

import io.replayflow.cluster.ClusterConfig;
import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.internal.Classpaths;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.cluster.internal.JvmLauncher;
import io.replayflow.cluster.internal.ProcessRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * The Kafka side of a {@link io.replayflow.cluster.LocalCluster}: {@link ClusterConfig#brokers()}
 * KRaft nodes, each a separate {@code kafka.Kafka} JVM with its own {@code server.properties}
 * ({@link BrokerProperties}) and data directory under {@code <dir>/kafka/broker-<id>/}.
 *
 * <p>Storage is formatted once, by Kafka's own storage tool ({@code kafka.tools.StorageTool
 * format}, what {@code kafka-storage.sh} runs) in a JVM per broker, with one cluster id kept in
 * {@code <dir>/kafka/cluster.id}; a formatted broker restarts on its data.
 */
public final class KafkaClusterProcess {

    /** The broker's entry point, as {@code kafka-server-start.sh} runs it. */
    public static final String MAIN = "kafka.Kafka";

    static final String STORAGE_TOOL = "kafka.tools.StorageTool";
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ClusterConfig config;
    private final ProcessRegistry registry;
    private final JvmLauncher launcher;

    public KafkaClusterProcess(
            ClusterConfig config, ProcessRegistry registry, JvmLauncher launcher) {
        this.config = config;
        this.registry = registry;
        this.launcher = launcher;
    }

    /** The registry name of broker {@code id}: {@code kafka-<id>}. */
    public static String processName(int id) {
        return "kafka-" + id;
    }

    /** Formats brokers that need it, starts every broker not running, waits until all serve. */
    public void start(Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.in(timeout);
        String clusterId = clusterId();
        List<Integer> toStart = new ArrayList<>();
        for (int id = 1; id <= config.brokers(); id++) {
            writeProperties(id);
            if (registry.find(processName(id)).isEmpty()) {
                toStart.add(id);
            }
        }
        format(toStart, clusterId);
        for (int id : toStart) {
            launch(id);
        }
        awaitBrokers(config.brokers(), deadline.remaining());
    }

    /** Starts broker {@code id} again (after {@link #kill}); returns once it is started. */
    public void restart(int id) {
        if (registry.find(processName(id)).isPresent()) {
            throw new ClusterException("broker " + id + " is running already");
        }
        launch(id);
    }

    /** {@code kill -9} of broker {@code id}; returns once the process is gone. */
    public void kill(int id) {
        if (!registry.stop(processName(id), Duration.ZERO)) {
            throw new ClusterException(
                    "broker " + id + " is not running: check 'replayflow cluster status'");
        }
    }

    /** Stops every broker: SIGTERM (a controlled shutdown), SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        List<String> names = new ArrayList<>();
        for (int id = 1; id <= config.brokers(); id++) {
            names.add(processName(id));
        }
        registry.stopAll(names, grace);
    }

    /** The pids of the running brokers by id; a missing id is down. */
    public Map<Integer, Long> running() {
        Map<Integer, Long> pids = new java.util.TreeMap<>();
        for (int id = 1; id <= config.brokers(); id++) {
            Optional<ProcessHandle> p = registry.find(processName(id));
            if (p.isPresent()) {
                pids.put(id, p.get().pid());
            }
        }
        return pids;
    }

    /** Waits until {@code count} brokers are registered with the controller quorum. */
    public void awaitBrokers(int count, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.in(timeout);
        try (Admin admin = admin()) {
            boolean ready =
                    deadline.await(
                            () -> {
                                checkAlive();
                                return liveBrokers(admin) >= count;
                            },
                            POLL);
            if (!ready) {
                throw new ClusterException(
                        "only "
                                + liveBrokers(admin)
                                + " of "
                                + count
                                + " Kafka brokers are up after "
                                + timeout.toSeconds()
                                + " s; see the logs under "
                                + config.dir().resolve("logs"));
            }
        }
    }

    /** An admin client for the cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        config.bootstrapServers(),
                        AdminClientConfig.CLIENT_ID_CONFIG,
                        "replayflow-cluster",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        "5000",
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        "10000"));
    }

    private static int liveBrokers(Admin admin) {
        try {
            return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
        } catch (Exception e) {
            return 0;
        }
    }

    private void checkAlive() {
        for (int id = 1; id <= config.brokers(); id++) {
            if (registry.find(processName(id)).isEmpty()) {
                throw new ClusterException(
                        "broker "
                                + id
                                + " exited while starting; last lines of its log:\n"
                                + launcher.tail(processName(id), 15));
            }
        }
    }

    private void launch(int id) {
        Process p =
                launcher.start(
                        new JvmLauncher.Command(
                                processName(id),
                                MAIN,
                                Classpaths.kafka(),
                                List.of(
                                        "-Xmx" + config.brokerHeapMb() + "m",
                                        "-Xms" + Math.min(128, config.brokerHeapMb()) + "m"),
                                List.of(propertiesFile(id).toString())));
        registry.register(processName(id), p.toHandle());
    }

    private void format(List<Integer> ids, String clusterId) throws InterruptedException {
        List<Integer> unformatted =
                ids.stream()
                        .filter(id -> !Files.exists(dataDir(id).resolve("meta.properties")))
                        .toList();
        List<Process> formats = new ArrayList<>();
        for (int id : unformatted) {
            formats.add(
                    launcher.start(
                            new JvmLauncher.Command(
                                    "kafka-" + id + "-format",
                                    STORAGE_TOOL,
                                    Classpaths.kafka(),
                                    List.of("-Xmx128m"),
                                    List.of(
                                            "format",
                                            "--cluster-id",
                                            clusterId,
                                            "--config",
                                            propertiesFile(id).toString(),
                                            "--ignore-formatted"))));
        }
        for (int i = 0; i < formats.size(); i++) {
            Process p = formats.get(i);
            int id = unformatted.get(i);
            if (!p.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new ClusterException(
                        "formatting the storage of broker "
                                + id
                                + " failed; last lines of its output:\n"
                                + launcher.tail("kafka-" + id + "-format", 15));
            }
        }
    }

    private String clusterId() {
        Path file = config.dir().resolve("kafka").resolve("cluster.id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.getParent());
            String id = Uuid.randomUuid().toString();
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private void writeProperties(int id) {
        try {
            Files.createDirectories(dataDir(id));
            Files.writeString(
                    propertiesFile(id),
                    BrokerProperties.render(BrokerProperties.of(config, id, dataDir(id))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + propertiesFile(id), e);
        }
    }

    private Path brokerDir(int id) {
        return config.dir().resolve("kafka").resolve("broker-" + id);
    }

    private Path dataDir(int id) {
        return brokerDir(id).resolve("data");
    }

    private Path propertiesFile(int id) {
        return brokerDir(id).resolve("server.properties");
    }
}
