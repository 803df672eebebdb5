package io.replayflow.infra.stack;

import io.replayflow.infra.stack.internal.Ports;
import io.replayflow.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The validated, immutable settings of one {@link LocalStack}. Build it with {@link
 * LocalStack#builder()}; every rule is checked here, once, and a broken setting fails with a
 * message that names the option and how to fix it.
 *
 * @param dataDir where Kafka logs ({@code kafka/}), Flink checkpoints ({@code checkpoints/}) and
 *     savepoints live; empty means a fresh temporary directory, deleted on close unless {@code
 *     keepData}
 * @param keepData restart on the Kafka data already in {@code dataDir} (and never delete it); when
 *     false each start begins with an empty broker
 * @param kafkaPort the broker's client port on 127.0.0.1; 0 picks a free one
 * @param partitions partitions of every topic except {@code policies}, which always has one
 * @param topics the topic names to create
 * @param withFlink whether to start a Flink MiniCluster next to the broker
 * @param taskManagers number of Flink TaskManagers
 * @param slotsPerTaskManager task slots of each TaskManager
 * @param flinkRestPort the MiniCluster's REST port on 127.0.0.1; 0 picks a free one
 * @param brokerProperties extra Kafka broker settings, applied over the single-node defaults
 * @param flinkProperties extra Flink settings, applied over the MiniCluster defaults
 * @param saslSsl when present, the broker's client listener is SASL_SSL (SCRAM-SHA-512 over TLS
 *     with a certificate generated at start) and accepts this user; empty: PLAINTEXT
 */
public record LocalStackConfig(
        Optional<Path> dataDir,
        boolean keepData,
        int kafkaPort,
        int partitions,
        Topics topics,
        boolean withFlink,
        int taskManagers,
        int slotsPerTaskManager,
        int flinkRestPort,
        Map<String, String> brokerProperties,
        Map<String, String> flinkProperties,
        Optional<KafkaSecurity> saslSsl) {

    /** Broker settings the stack derives from its own options; setting them would break it. */
    static final Map<String, String> OWNED_BROKER_KEYS =
            Map.ofEntries(
                    Map.entry("node.id", "the stack runs one combined node with id 1"),
                    Map.entry("process.roles", "the stack runs broker and controller together"),
                    Map.entry("listeners", "use kafkaPort to choose the client port"),
                    Map.entry("advertised.listeners", "use kafkaPort to choose the client port"),
                    Map.entry(
                            "listener.security.protocol.map",
                            "the stack uses PLAINTEXT, or SASL_SSL with saslSsl(...)"),
                    Map.entry(
                            "inter.broker.listener.name",
                            "the stack uses PLAINTEXT, or SASL_SSL with saslSsl(...)"),
                    Map.entry("controller.listener.names", "the stack names its own"),
                    Map.entry("controller.quorum.voters", "the stack is its own single voter"),
                    Map.entry(
                            "controller.quorum.bootstrap.servers",
                            "the stack is its own single voter"),
                    Map.entry("log.dirs", "use dataDir; Kafka logs go to <dataDir>/kafka"),
                    Map.entry("log.dir", "use dataDir; Kafka logs go to <dataDir>/kafka"),
                    Map.entry("metadata.log.dir", "use dataDir; Kafka logs go to <dataDir>/kafka"));

    /** Flink settings that have a typed option of their own. */
    static final Map<String, String> OWNED_FLINK_KEYS =
            Map.of(
                    "rest.port", "use flinkRestPort",
                    "rest.bind-port", "use flinkRestPort",
                    "taskmanager.numberOfTaskSlots", "use slotsPerTaskManager",
                    "local.number-taskmanager", "use taskManagers");

    private static final int MAX_SLOTS = 64;

    public LocalStackConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(saslSsl, "saslSsl");
        brokerProperties = Map.copyOf(Objects.requireNonNull(brokerProperties, "brokerProperties"));
        flinkProperties = Map.copyOf(Objects.requireNonNull(flinkProperties, "flinkProperties"));
        dataDir.ifPresent(LocalStackConfig::checkDataDir);
        checkPortRange("kafkaPort", kafkaPort);
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "partitions must be at least 1, was " + partitions + ": pass 1 or more");
        }
        checkOwnedKeys("brokerProperties", brokerProperties, OWNED_BROKER_KEYS);
        checkOwnedKeys("flinkConfiguration", flinkProperties, OWNED_FLINK_KEYS);
        if (withFlink) {
            checkFlink(taskManagers, slotsPerTaskManager, flinkRestPort, kafkaPort);
        }
        checkPortFree("kafkaPort", kafkaPort);
        if (withFlink) {
            checkPortFree("flinkRestPort", flinkRestPort);
        }
    }

    /** All task slots of the MiniCluster, the highest parallelism a job can run at. */
    public int totalSlots() {
        return taskManagers * slotsPerTaskManager;
    }

    private static void checkFlink(int taskManagers, int slots, int restPort, int kafkaPort) {
        if (taskManagers < 1) {
            throw new IllegalArgumentException(
                    "taskManagers must be at least 1, was "
                            + taskManagers
                            + ": pass 1 or more, or withFlink(false) for a Kafka-only stack");
        }
        if (slots < 1) {
            throw new IllegalArgumentException(
                    "slotsPerTaskManager must be at least 1, was " + slots + ": pass 1 or more");
        }
        if ((long) taskManagers * slots > MAX_SLOTS) {
            throw new IllegalArgumentException(
                    "taskManagers x slotsPerTaskManager is "
                            + ((long) taskManagers * slots)
                            + ", over the local limit of "
                            + MAX_SLOTS
                            + ": a local stack shares one JVM; use a real Flink cluster for more");
        }
        checkPortRange("flinkRestPort", restPort);
        if (restPort != 0 && restPort == kafkaPort) {
            throw new IllegalArgumentException(
                    "flinkRestPort and kafkaPort are both "
                            + restPort
                            + ": pick different ports, or pass 0 for either to choose a free one");
        }
    }

    private static void checkPortRange(String option, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(
                    option + " must be between 1 and 65535, or 0 to pick a free port; was " + port);
        }
    }

    private static void checkPortFree(String option, int port) {
        if (port != 0 && !Ports.isFree(port)) {
            throw new IllegalArgumentException(
                    option
                            + " "
                            + port
                            + " is already in use on 127.0.0.1: pick another port, or pass 0 to"
                            + " choose a free one");
        }
    }

    private static void checkDataDir(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "dataDir "
                            + dir
                            + " exists but is not a directory: pass a directory, or leave dataDir"
                            + " unset to use a fresh temporary directory");
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isWritable(existing)) {
            throw new IllegalArgumentException(
                    "dataDir "
                            + dir
                            + " is not writable"
                            + (existing == null || existing.equals(dir.toAbsolutePath())
                                    ? ""
                                    : " (its nearest existing parent " + existing + " is not)")
                            + ": choose a directory you can write to, or leave dataDir unset to"
                            + " use a fresh temporary directory");
        }
    }

    private static void checkOwnedKeys(
            String option, Map<String, String> properties, Map<String, String> owned) {
        Set<String> keys = properties.keySet();
        for (String key : keys) {
            String why = owned.get(key);
            if (why != null) {
                throw new IllegalArgumentException(
                        option + " may not set '" + key + "': LocalStack owns it (" + why + ")");
            }
        }
    }
}
