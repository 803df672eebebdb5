package io.replayflow.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.replayflow.cluster.flink.FlinkClusterProcess;
import io.replayflow.cluster.flink.JobSubmitter;
import io.replayflow.cluster.internal.Classpaths;
import io.replayflow.cluster.internal.JvmLauncher;
import io.replayflow.cluster.internal.ProcessRegistry;
import io.replayflow.cluster.kafka.ClusterTopics;
import io.replayflow.cluster.kafka.KafkaClusterProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * A real cluster on this machine, every part a separate process bound to loopback: {@link
 * ClusterConfig#brokers()} Kafka brokers in KRaft mode ({@link KafkaClusterProcess}) and a
 * standalone Flink session cluster ({@link FlinkClusterProcess}). The processes outlive the JVM
 * that started them; pid files under {@code <dir>/pids} let a later invocation {@link #attach} to
 * them for {@link #status()} and {@link #down()}.
 *
 * <pre>{@code
 * LocalCluster cluster = LocalCluster.up(ClusterConfig.defaults(Path.of("replayflow-cluster")),
 *         Duration.ofMinutes(3));
 * String bootstrap = cluster.config().bootstrapServers();
 * ...
 * LocalCluster.attach(Path.of("replayflow-cluster")).down();
 * }</pre>
 *
 * <p>Layout of {@code <dir>}: {@code cluster.properties} (the config), {@code kafka/broker-<id>/}
 * (server.properties, data), {@code flink/conf/config.yaml}, {@code flink/checkpoints/}, {@code
 * logs/<process>.out}, {@code pids/<process>.pid}.
 */
public final class LocalCluster {

    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final ClusterConfig config;
    private final ProcessRegistry registry;
    private final JvmLauncher launcher;
    private final KafkaClusterProcess kafka;
    private final FlinkClusterProcess flink;

    private LocalCluster(ClusterConfig config) {
        this.config = config;
        this.registry = new ProcessRegistry(config.dir());
        this.launcher = new JvmLauncher(config.dir().resolve("logs"), log4jConfig(config));
        this.kafka = new KafkaClusterProcess(config, registry, launcher);
        this.flink = new FlinkClusterProcess(config, registry, launcher);
    }

    /**
     * Starts the whole cluster and creates ReplayFlow's topics; returns once every broker serves,
     * every TaskManager is registered and the topics are fully replicated. On failure, stops what
     * it started.
     *
     * @throws ClusterException if a cluster already runs in the directory, or a part fails to start
     */
    public static LocalCluster up(ClusterConfig config, Duration timeout)
            throws InterruptedException {
        LocalCluster cluster = new LocalCluster(config);
        long alive =
                cluster.registry.entries().stream().filter(ProcessRegistry.Entry::alive).count();
        if (alive > 0) {
            throw new ClusterException(
                    alive
                            + " process(es) of a cluster already run in "
                            + config.dir()
                            + ": use it, or stop it with 'replayflow cluster down --dir "
                            + config.dir()
                            + "'");
        }
        cluster.registry.entries().forEach(e -> cluster.registry.forget(e.name()));
        config.save();
        writeLog4jConfig(config);
        try {
            cluster.kafka.start(timeout);
            try (Admin admin = cluster.kafka.admin()) {
                ClusterTopics.ensure(admin, config.topics(), config.partitions(), timeout);
            }
            cluster.flink.start(timeout);
        } catch (InterruptedException | RuntimeException e) {
            cluster.down();
            throw e;
        }
        return cluster;
    }

    /** The cluster that {@code up} started in {@code dir} (alive or not). */
    public static LocalCluster attach(Path dir) {
        return new LocalCluster(ClusterConfig.load(dir));
    }

    /** Deletes the data of a stopped cluster (Kafka logs, checkpoints, drill outputs, logs). */
    public static void deleteData(Path dir) {
        LocalCluster cluster = new LocalCluster(ClusterConfig.defaults(dir));
        if (cluster.registry.entries().stream().anyMatch(ProcessRegistry.Entry::alive)) {
            throw new ClusterException(
                    "a cluster still runs in " + dir + ": run 'replayflow cluster down' first");
        }
        for (String sub : new String[] {"kafka", "flink", "drills", "logs", "pids"}) {
            deleteTree(dir.toAbsolutePath().resolve(sub));
        }
    }

    public ClusterConfig config() {
        return config;
    }

    public KafkaClusterProcess kafka() {
        return kafka;
    }

    public FlinkClusterProcess flink() {
        return flink;
    }

    public JobSubmitter jobs() {
        return flink.jobs();
    }

    /** The registry of this cluster's processes (drills register theirs there too). */
    public ProcessRegistry processes() {
        return registry;
    }

    /** The launcher that starts this cluster's JVMs (drills start theirs with it too). */
    public JvmLauncher launcher() {
        return launcher;
    }

    /** What runs, and what the services report. */
    public ClusterStatus status() {
        int brokers = 0;
        if (!kafka.running().isEmpty()) {
            try (Admin admin = kafka.admin()) {
                brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            } catch (Exception e) {
                brokers = 0;
            }
        }
        int taskManagers = -1;
        int slots = -1;
        int jobs = -1;
        if (registry.find(FlinkClusterProcess.JOB_MANAGER).isPresent()) {
            try {
                JsonNode overview = flink.jobs().overview();
                taskManagers = overview.path("taskmanagers").asInt(-1);
                slots = overview.path("slots-available").asInt(-1);
                jobs = overview.path("jobs-running").asInt(-1);
            } catch (IOException | RuntimeException e) {
                taskManagers = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ClusterStatus(config, registry.entries(), brokers, taskManagers, slots, jobs);
    }

    /**
     * Stops every process of the cluster (drill processes first, then TaskManagers, JobManager,
     * brokers): SIGTERM, SIGKILL after a grace period. Data stays; {@link #deleteData} removes it.
     */
    public void down() {
        registry.stopAll(
                registry.entries().stream()
                        .map(ProcessRegistry.Entry::name)
                        .filter(n -> n.startsWith("drill-"))
                        .toList(),
                STOP_GRACE);
        flink.stop(STOP_GRACE);
        kafka.stop(STOP_GRACE);
        registry.stopAll(
                registry.entries().stream().map(ProcessRegistry.Entry::name).toList(), STOP_GRACE);
    }

    private static Path log4jConfig(ClusterConfig config) {
        return config.dir().resolve("conf").resolve("log4j2-process.properties");
    }

    private static void writeLog4jConfig(ClusterConfig config) {
        Path file = log4jConfig(config);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Classpaths.log4jProcessConfig());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
