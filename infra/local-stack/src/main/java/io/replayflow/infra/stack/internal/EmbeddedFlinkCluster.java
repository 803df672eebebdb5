package io.replayflow.infra.stack.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink {@link MiniCluster} with its REST endpoint on {@link Ports#HOST}. Jobs reach it through
 * {@link #executionEnvironment}, a remote environment pointed at that endpoint: the job graph goes
 * over REST exactly as to a real session cluster, and its classes resolve from this JVM's class
 * path because the job ships no jars.
 */
public final class EmbeddedFlinkCluster implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final MiniCluster miniCluster;
    private final URI restAddress;
    private final int totalSlots;

    private EmbeddedFlinkCluster(MiniCluster miniCluster, URI restAddress, int totalSlots) {
        this.miniCluster = miniCluster;
        this.restAddress = restAddress;
        this.totalSlots = totalSlots;
    }

    /**
     * The stack's cluster settings: modest memory, state under {@code dataDir}, REST on loopback,
     * and a restart strategy that gives up on a job failing over and over (Flink's default with
     * checkpointing retries forever, so a missing class would look like a hang).
     */
    public static Configuration clusterConfiguration(
            Path dataDir, int restPort, Map<String, String> overrides) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, Ports.HOST);
        conf.set(RestOptions.BIND_ADDRESS, Ports.HOST);
        conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, uri(dataDir.resolve("checkpoints")));
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, uri(dataDir.resolve("savepoints")));
        conf.set(CoreOptions.TMP_DIRS, dataDir.resolve("flink-tmp").toAbsolutePath().toString());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL, 3);
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL,
                Duration.ofMinutes(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, Duration.ofSeconds(1));
        // Clients such as Kafka's keep using a job's class loader after the job ends; every
        // class here comes from the application class path, so the leak check only gets in the way.
        conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        conf.addAll(Configuration.fromMap(overrides));
        return conf;
    }

    /** Starts the MiniCluster and waits for its REST endpoint. */
    public static EmbeddedFlinkCluster start(
            Configuration configuration, int taskManagers, int slotsPerTaskManager)
            throws Exception {
        MiniClusterConfiguration clusterConfiguration =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(configuration)
                        .setNumTaskManagers(taskManagers)
                        .setNumSlotsPerTaskManager(slotsPerTaskManager)
                        .build();
        MiniCluster miniCluster = new MiniCluster(clusterConfiguration);
        try {
            miniCluster.start();
            URI restAddress =
                    miniCluster.getRestAddress().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new EmbeddedFlinkCluster(
                    miniCluster, restAddress, taskManagers * slotsPerTaskManager);
        } catch (Exception e) {
            try {
                miniCluster.closeAsync().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public MiniCluster miniCluster() {
        return miniCluster;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI restAddress() {
        return restAddress;
    }

    /**
     * A new environment that submits to this cluster, at a default parallelism of every slot.
     * {@code jobConfiguration} is applied last, so it can set the parallelism, checkpointing or
     * restart strategy of the job.
     */
    public StreamExecutionEnvironment executionEnvironment(Configuration jobConfiguration) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, totalSlots);
        conf.addAll(jobConfiguration);
        return StreamExecutionEnvironment.createRemoteEnvironment(
                restAddress.getHost(), restAddress.getPort(), conf);
    }

    /** Cancels the running jobs and stops the cluster. */
    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            miniCluster.closeAsync().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the Flink MiniCluster", e);
        }
    }

    private static String uri(Path dir) {
        return dir.toAbsolutePath().toUri().toString();
    }
}
