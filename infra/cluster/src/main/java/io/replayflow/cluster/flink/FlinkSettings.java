package io.replayflow.cluster.flink;

import io.replayflow.cluster.ClusterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code config.yaml} of a local standalone Flink cluster (flat keys, which Flink 2's YAML
 * parser accepts next to nested ones).
 *
 * <ul>
 *   <li>everything binds to {@value ClusterConfig#HOST}; the JobManager's RPC and REST ports are
 *       fixed, TaskManagers and the blob server take free ones;
 *   <li>checkpoints go to {@code <dir>/flink/checkpoints} (hashmap state backend), savepoints to
 *       {@code <dir>/flink/savepoints}; the jobs choose their own interval;
 *   <li>restarts: fixed delay, 2 s, up to 50 attempts, so a killed TaskManager or broker is ridden
 *       out and a broken job still ends (it does not retry forever);
 *   <li>failure detection tightened for one machine: 2 s heartbeats, a TaskManager is declared lost
 *       after 2 failed heartbeat RPCs (it is dead) or 20 s without heartbeat;
 *   <li>{@code System.exit} in a job's {@code main} throws instead of ending the JobManager (the
 *       jobs' mains run in the JobManager on REST submission).
 * </ul>
 */
public final class FlinkSettings {

    private FlinkSettings() {}

    /** The cluster-wide settings of {@code config}. */
    public static Map<String, String> of(ClusterConfig config) {
        Path flink = config.dir().resolve("flink");
        Map<String, String> s = new LinkedHashMap<>();
        s.put("jobmanager.rpc.address", ClusterConfig.HOST);
        s.put("jobmanager.rpc.port", Integer.toString(config.flinkRpcPort()));
        s.put("jobmanager.bind-host", ClusterConfig.HOST);
        s.put("jobmanager.memory.process.size", (config.jobManagerHeapMb() + 640) + "m");
        s.put("rest.address", ClusterConfig.HOST);
        s.put("rest.bind-address", ClusterConfig.HOST);
        s.put("rest.port", Integer.toString(config.flinkRestPort()));
        s.put("taskmanager.host", ClusterConfig.HOST);
        s.put("taskmanager.bind-host", ClusterConfig.HOST);
        s.put("taskmanager.numberOfTaskSlots", Integer.toString(config.slotsPerTaskManager()));
        s.put("taskmanager.memory.process.size", config.taskManagerMemoryMb() + "m");
        s.put("taskmanager.memory.managed.fraction", "0.05");
        // Every job submitted to a TaskManager loads its own copies of Kafka, Avro, Parquet and
        // Hadoop
        // classes (child-first), and their threads keep a cancelled job's class loader alive for a
        // while: at 192m a TaskManager ran out of metaspace after six drill jobs.
        s.put("taskmanager.memory.jvm-metaspace.size", "384m");
        s.put("blob.server.port", "0");
        s.put("state.backend.type", "hashmap");
        s.put("execution.checkpointing.dir", flink.resolve("checkpoints").toUri().toString());
        s.put(
                "execution.checkpointing.savepoint-dir",
                flink.resolve("savepoints").toUri().toString());
        s.put("restart-strategy.type", "fixed-delay");
        s.put("restart-strategy.fixed-delay.attempts", "50");
        s.put("restart-strategy.fixed-delay.delay", "2 s");
        s.put("heartbeat.interval", "2000");
        s.put("heartbeat.timeout", "20000");
        s.put("heartbeat.rpc-failure-threshold", "2");
        // A loaded 2-core machine starts the RPC system slowly (the default allows 10 s).
        s.put("pekko.startup-timeout", "60 s");
        s.put("pekko.ask.timeout", "30 s");
        s.put("cluster.intercept-user-system-exit", "THROW");
        s.put("web.upload.dir", flink.resolve("uploads").toString());
        s.put("web.tmpdir", flink.resolve("web").toString());
        s.put("io.tmp.dirs", flink.resolve("tmp").toString());
        s.put(
                "env.java.opts.all",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.replayflow.schemas.avro");
        return s;
    }

    /** The settings as YAML text, every value single-quoted. */
    public static String render(Map<String, String> settings) {
        StringBuilder yaml = new StringBuilder("# Written by replayflow cluster up\n");
        settings.forEach(
                (k, v) -> yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
        return yaml.toString();
    }
}
