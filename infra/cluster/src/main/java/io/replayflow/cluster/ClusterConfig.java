package io.replayflow.cluster;

import io.replayflow.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * The validated, immutable settings of one {@link LocalCluster}: where it lives, its ports (all on
 * {@value #HOST}) and the sizes of its processes. Every rule is checked here, once; a broken
 * setting fails with a message naming the setting, the rule and the fix.
 *
 * <p>Ports: broker {@code i} (1-based) listens for clients on {@code kafkaPort + i - 1} and for its
 * controller quorum on {@code controllerPort + i - 1}; the JobManager on {@code flinkRpcPort} (RPC)
 * and {@code flinkRestPort} (REST, the web UI). TaskManagers and the blob server take free ports.
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.defaults(Path.of("replayflow-cluster"))
 *         .withPorts(29092, 29192, 28081, 26123);
 * }</pre>
 *
 * @param dir the cluster directory: configs, data, logs and pid files of every process
 * @param brokers Kafka brokers (each a KRaft broker and controller voter), at least 3
 * @param kafkaPort client port of broker 1
 * @param controllerPort controller port of broker 1
 * @param flinkRestPort the JobManager's REST port
 * @param flinkRpcPort the JobManager's RPC port
 * @param taskManagers TaskManagers started by {@code up}
 * @param slotsPerTaskManager task slots of each TaskManager
 * @param partitions partitions of each data topic ({@code policies} always has one)
 * @param topicPrefix prefix of ReplayFlow's topic names
 * @param brokerHeapMb heap of each broker JVM
 * @param jobManagerHeapMb heap of the JobManager JVM
 * @param taskManagerMemoryMb {@code taskmanager.memory.process.size} of each TaskManager
 */
public record ClusterConfig(
        Path dir,
        int brokers,
        int kafkaPort,
        int controllerPort,
        int flinkRestPort,
        int flinkRpcPort,
        int taskManagers,
        int slotsPerTaskManager,
        int partitions,
        String topicPrefix,
        int brokerHeapMb,
        int jobManagerHeapMb,
        int taskManagerMemoryMb) {

    /** Every process binds to loopback only. */
    public static final String HOST = "127.0.0.1";

    /** Replication factor of every topic; needs at least this many brokers. */
    public static final int REPLICATION_FACTOR = 3;

    /** {@code min.insync.replicas}: one broker may be down and producers with acks=all go on. */
    public static final int MIN_INSYNC_REPLICAS = 2;

    static final String FILE_NAME = "cluster.properties";

    /** A TaskManager below this cannot fit Flink's fixed memory pools and two jobs' heaps. */
    static final int MIN_TASK_MANAGER_MB = 1280;

    public ClusterConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        dir = dir.toAbsolutePath().normalize();
        if (brokers < REPLICATION_FACTOR) {
            throw new IllegalArgumentException(
                    "brokers must be at least "
                            + REPLICATION_FACTOR
                            + " (topics are replicated "
                            + REPLICATION_FACTOR
                            + " times with min.insync.replicas "
                            + MIN_INSYNC_REPLICAS
                            + "), was "
                            + brokers
                            + ": pass --brokers 3 or more");
        }
        atLeast("taskManagers", taskManagers, 1, "pass --task-managers 1 or more");
        atLeast("slotsPerTaskManager", slotsPerTaskManager, 1, "pass --slots 1 or more");
        atLeast("partitions", partitions, 1, "pass --partitions 1 or more");
        atLeast("brokerHeapMb", brokerHeapMb, 128, "a broker needs at least 128 MB of heap");
        atLeast("jobManagerHeapMb", jobManagerHeapMb, 128, "the JobManager needs 128 MB or more");
        atLeast(
                "taskManagerMemoryMb",
                taskManagerMemoryMb,
                MIN_TASK_MANAGER_MB,
                "Flink's fixed pools (metaspace, overhead, framework, network) take ~900 MB of it");
        Topics.withPrefix(topicPrefix);
        checkPorts(brokers, kafkaPort, controllerPort, flinkRestPort, flinkRpcPort);
    }

    /**
     * Defaults: 3 brokers on client ports 19092-19094 and controller ports 19192-19194, the
     * JobManager on 18081 (REST) and 16123 (RPC), one TaskManager with 4 slots and 1664 MB, 4
     * partitions per topic, topic prefix {@code rf.}, 384 MB heaps.
     */
    public static ClusterConfig defaults(Path dir) {
        return new ClusterConfig(
                dir, 3, 19092, 19192, 18081, 16123, 1, 4, 4, Topics.DEFAULT_PREFIX, 384, 384, 1664);
    }

    /** This config with other ports. */
    public ClusterConfig withPorts(int kafka, int controller, int flinkRest, int flinkRpc) {
        return new ClusterConfig(
                dir,
                brokers,
                kafka,
                controller,
                flinkRest,
                flinkRpc,
                taskManagers,
                slotsPerTaskManager,
                partitions,
                topicPrefix,
                brokerHeapMb,
                jobManagerHeapMb,
                taskManagerMemoryMb);
    }

    /** This config with other process sizes. */
    public ClusterConfig withSizes(
            int taskManagerCount, int slots, int brokerHeap, int jobManagerHeap, int tmMemory) {
        return new ClusterConfig(
                dir,
                brokers,
                kafkaPort,
                controllerPort,
                flinkRestPort,
                flinkRpcPort,
                taskManagerCount,
                slots,
                partitions,
                topicPrefix,
                brokerHeap,
                jobManagerHeap,
                tmMemory);
    }

    /** The client port of broker {@code id} (1-based). */
    public int brokerPort(int id) {
        return kafkaPort + id - 1;
    }

    /** The controller port of broker {@code id} (1-based). */
    public int brokerControllerPort(int id) {
        return controllerPort + id - 1;
    }

    /** {@code 127.0.0.1:P1,127.0.0.1:P2,...}: every broker, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int id = 1; id <= brokers; id++) {
            servers.add(HOST + ":" + brokerPort(id));
        }
        return String.join(",", servers);
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String flinkRestUrl() {
        return "http://" + HOST + ":" + flinkRestPort;
    }

    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /** Writes this config to {@code dir/cluster.properties}, for later invocations. */
    public void save() {
        Properties p = new Properties();
        p.setProperty("brokers", Integer.toString(brokers));
        p.setProperty("kafka.port", Integer.toString(kafkaPort));
        p.setProperty("kafka.controller-port", Integer.toString(controllerPort));
        p.setProperty("flink.rest-port", Integer.toString(flinkRestPort));
        p.setProperty("flink.rpc-port", Integer.toString(flinkRpcPort));
        p.setProperty("flink.task-managers", Integer.toString(taskManagers));
        p.setProperty("flink.slots", Integer.toString(slotsPerTaskManager));
        p.setProperty("topics.partitions", Integer.toString(partitions));
        p.setProperty("topics.prefix", topicPrefix);
        p.setProperty("kafka.heap-mb", Integer.toString(brokerHeapMb));
        p.setProperty("flink.jobmanager.heap-mb", Integer.toString(jobManagerHeapMb));
        p.setProperty("flink.taskmanager.memory-mb", Integer.toString(taskManagerMemoryMb));
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(dir.resolve(FILE_NAME))) {
                p.store(w, "ReplayFlow local cluster (written by 'replayflow cluster up')");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME), e);
        }
    }

    /**
     * The config that {@code replayflow cluster up} saved in {@code dir}.
     *
     * @throws IllegalStateException if there is none: the cluster was never started there
     */
    public static ClusterConfig load(Path dir) {
        Path file = dir.toAbsolutePath().resolve(FILE_NAME);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(
                    "no cluster in "
                            + dir.toAbsolutePath()
                            + " (no "
                            + FILE_NAME
                            + "): run 'replayflow cluster up --dir "
                            + dir
                            + "' first, or pass the --dir it was started with");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new ClusterConfig(
                dir,
                intOf(p, "brokers"),
                intOf(p, "kafka.port"),
                intOf(p, "kafka.controller-port"),
                intOf(p, "flink.rest-port"),
                intOf(p, "flink.rpc-port"),
                intOf(p, "flink.task-managers"),
                intOf(p, "flink.slots"),
                intOf(p, "topics.partitions"),
                p.getProperty("topics.prefix", Topics.DEFAULT_PREFIX),
                intOf(p, "kafka.heap-mb"),
                intOf(p, "flink.jobmanager.heap-mb"),
                intOf(p, "flink.taskmanager.memory-mb"));
    }

    private static int intOf(Properties p, String key) {
        String value = p.getProperty(key);
        try {
            return Integer.parseInt(Objects.requireNonNull(value, key).trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalStateException(
                    FILE_NAME
                            + " has no valid '"
                            + key
                            + "' (found "
                            + value
                            + "): run 'replayflow cluster down' and 'up' again to rewrite it");
        }
    }

    private static void atLeast(String name, int value, int min, String fix) {
        if (value < min) {
            throw new IllegalArgumentException(
                    name + " must be at least " + min + ", was " + value + ": " + fix);
        }
    }

    private static void checkPorts(int brokers, int kafka, int controller, int rest, int rpc) {
        record Range(String name, int first, int count) {
            boolean overlaps(Range o) {
                return first < o.first + o.count && o.first < first + count;
            }
        }
        List<Range> ranges =
                List.of(
                        new Range("kafkaPort", kafka, brokers),
                        new Range("controllerPort", controller, brokers),
                        new Range("flinkRestPort", rest, 1),
                        new Range("flinkRpcPort", rpc, 1));
        for (Range r : ranges) {
            if (r.first < 1024 || r.first + r.count - 1 > 65_535) {
                throw new IllegalArgumentException(
                        r.name
                                + " "
                                + r.first
                                + (r.count > 1 ? " (" + r.count + " ports from it)" : "")
                                + " must lie within 1024-65535: pick an unprivileged port");
            }
        }
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                Range a = ranges.get(i);
                Range b = ranges.get(j);
                if (a.overlaps(b)) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s %d-%d overlaps %s %d-%d: each broker takes one port"
                                            + " from kafkaPort and one from controllerPort;"
                                            + " move one of them",
                                    a.name,
                                    a.first,
                                    a.first + a.count - 1,
                                    b.name,
                                    b.first,
                                    b.first + b.count - 1));
                }
            }
        }
    }
}
