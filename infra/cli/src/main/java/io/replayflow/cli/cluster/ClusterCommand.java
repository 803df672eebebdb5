package io.replayflow.cli.cluster;

import io.replayflow.cli.UsageError;
import io.replayflow.cluster.ClusterConfig;
import io.replayflow.cluster.ClusterStatus;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow cluster up|down|status}: a real cluster on this machine, every part its own
 * process on 127.0.0.1 (3 KRaft brokers, a Flink JobManager and TaskManagers). The processes
 * outlive the command; {@code status} and {@code down} find them through pid files in the cluster
 * directory.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "Run a real local cluster as separate processes: 3 Kafka brokers in KRaft mode"
                    + " (replication factor 3, min.insync.replicas 2) and a standalone Flink"
                    + " cluster (JobManager + TaskManagers), all on 127.0.0.1. Fault drills run"
                    + " against it ('replayflow drill')."
        },
        subcommands = {
            ClusterCommand.Up.class,
            ClusterCommand.Down.class,
            ClusterCommand.Status.class
        })
public final class ClusterCommand {

    /** The default cluster directory. */
    static final String DEFAULT_DIR = "replayflow-cluster";

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description =
                    "Start the cluster in DIR, create ReplayFlow's topics, return when all serve.")
    static final class Up implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                defaultValue = DEFAULT_DIR,
                description =
                        "Cluster directory: configs, data, logs, pid files (default:"
                                + " ${DEFAULT-VALUE}).")
        Path dir;

        @Option(
                names = "--brokers",
                paramLabel = "N",
                defaultValue = "3",
                description = "Kafka brokers, at least 3 (default: ${DEFAULT-VALUE}).")
        int brokers;

        @Option(
                names = "--kafka-port",
                paramLabel = "PORT",
                defaultValue = "19092",
                description =
                        "Client port of broker 1; broker i uses PORT+i-1 (default:"
                                + " ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(
                names = "--controller-port",
                paramLabel = "PORT",
                defaultValue = "19192",
                description =
                        "KRaft controller port of broker 1, likewise (default: ${DEFAULT-VALUE}).")
        int controllerPort;

        @Option(
                names = "--flink-rest-port",
                paramLabel = "PORT",
                defaultValue = "18081",
                description = "JobManager REST and web UI port (default: ${DEFAULT-VALUE}).")
        int restPort;

        @Option(
                names = "--flink-rpc-port",
                paramLabel = "PORT",
                defaultValue = "16123",
                description = "JobManager RPC port (default: ${DEFAULT-VALUE}).")
        int rpcPort;

        @Option(
                names = "--task-managers",
                paramLabel = "N",
                defaultValue = "1",
                description = "TaskManagers to start (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(
                names = "--slots",
                paramLabel = "N",
                defaultValue = "4",
                description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(
                names = "--partitions",
                paramLabel = "N",
                defaultValue = "4",
                description = "Partitions of each data topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(
                names = "--topic-prefix",
                paramLabel = "PREFIX",
                defaultValue = Topics.DEFAULT_PREFIX,
                description = "Prefix of the topic names (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Option(
                names = "--broker-heap",
                paramLabel = "MB",
                defaultValue = "384",
                description = "Heap of each broker JVM in MB (default: ${DEFAULT-VALUE}).")
        int brokerHeap;

        @Option(
                names = "--jobmanager-heap",
                paramLabel = "MB",
                defaultValue = "384",
                description = "Heap of the JobManager JVM in MB (default: ${DEFAULT-VALUE}).")
        int jobManagerHeap;

        @Option(
                names = "--taskmanager-memory",
                paramLabel = "MB",
                defaultValue = "1664",
                description =
                        "Total process memory of each TaskManager in MB (default:"
                                + " ${DEFAULT-VALUE}).")
        int taskManagerMemory;

        @Option(
                names = "--fresh",
                description =
                        "Delete the data of an earlier cluster in DIR first (Kafka logs,"
                                + " checkpoints, drill outputs).")
        boolean fresh;

        @Option(
                names = "--timeout-s",
                paramLabel = "SECONDS",
                defaultValue = "300",
                description =
                        "Give up (and stop what started) after this long (default:"
                                + " ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            ClusterConfig config = config();
            PrintWriter out = spec.commandLine().getOut();
            if (fresh) {
                LocalCluster.deleteData(config.dir());
            }
            out.printf(
                    "Starting %d brokers, a JobManager and %d TaskManager(s) in %s ...%n",
                    config.brokers(), config.taskManagers(), config.dir());
            out.flush();
            long started = System.nanoTime();
            LocalCluster cluster = LocalCluster.up(config, Duration.ofSeconds(timeoutSeconds));
            out.printf("Cluster up in %.1f s.%n", (System.nanoTime() - started) / 1e9);
            cluster.status().render(out);
            out.printf(
                    "Logs: %s; stop with 'replayflow cluster down --dir %s'.%n",
                    config.dir().resolve("logs"), dir);
            out.flush();
            return 0;
        }

        private ClusterConfig config() {
            try {
                return new ClusterConfig(
                        dir,
                        brokers,
                        kafkaPort,
                        controllerPort,
                        restPort,
                        rpcPort,
                        taskManagers,
                        slots,
                        partitions,
                        topicPrefix,
                        brokerHeap,
                        jobManagerHeap,
                        taskManagerMemory);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }
    }

    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description =
                    "Stop every process of the cluster in DIR (SIGTERM, then SIGKILL after 15 s).")
    static final class Down implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                defaultValue = DEFAULT_DIR,
                description = "Cluster directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--purge", description = "Also delete the cluster's data and logs.")
        boolean purge;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LocalCluster cluster = attach(dir);
            long alive = cluster.status().processes().stream().filter(p -> p.alive()).count();
            cluster.down();
            out.printf(
                    "Stopped %d process(es) of the cluster in %s.%n",
                    alive, cluster.config().dir());
            if (purge) {
                LocalCluster.deleteData(cluster.config().dir());
                out.println("Deleted its data and logs.");
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description =
                    "Show the processes and what Kafka and Flink report; exit 1 unless healthy.")
    static final class Status implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                defaultValue = DEFAULT_DIR,
                description = "Cluster directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() {
            ClusterStatus status = attach(dir).status();
            status.render(spec.commandLine().getOut());
            return status.healthy() ? 0 : 1;
        }
    }

    static LocalCluster attach(Path dir) {
        try {
            return LocalCluster.attach(dir);
        } catch (IllegalStateException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
