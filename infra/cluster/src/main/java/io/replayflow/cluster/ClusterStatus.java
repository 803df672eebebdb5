package io.replayflow.cluster;

import io.replayflow.cluster.internal.ProcessRegistry;
import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code replayflow cluster status} shows: every registered process (alive or not) and what
 * the services themselves report.
 *
 * @param config the cluster's settings
 * @param processes the registered processes
 * @param kafkaBrokersServing brokers registered with the controller quorum (0 if none answers)
 * @param flinkTaskManagers TaskManagers registered with the JobManager (-1 if REST does not answer)
 * @param flinkSlotsAvailable free task slots (-1 if unknown)
 * @param flinkJobsRunning running jobs (-1 if unknown)
 */
public record ClusterStatus(
        ClusterConfig config,
        List<ProcessRegistry.Entry> processes,
        int kafkaBrokersServing,
        int flinkTaskManagers,
        int flinkSlotsAvailable,
        int flinkJobsRunning) {

    public ClusterStatus {
        processes = List.copyOf(processes);
    }

    /** Whether every broker serves and the JobManager has at least one TaskManager. */
    public boolean healthy() {
        return kafkaBrokersServing == config.brokers() && flinkTaskManagers >= 1;
    }

    /** Whether any registered process is alive. */
    public boolean anyAlive() {
        return processes.stream().anyMatch(ProcessRegistry.Entry::alive);
    }

    /** A readable multi-line report. */
    public void render(PrintWriter out) {
        out.printf(
                "Cluster in %s: %s%n",
                config.dir(), healthy() ? "UP" : anyAlive() ? "DEGRADED" : "DOWN");
        out.printf(
                "  Kafka: %d of %d brokers serving, bootstrap %s%n",
                kafkaBrokersServing, config.brokers(), config.bootstrapServers());
        if (flinkTaskManagers < 0) {
            out.printf("  Flink: JobManager REST %s does not answer%n", config.flinkRestUrl());
        } else {
            out.printf(
                    "  Flink: %d TaskManager(s), %d free slot(s), %d running job(s), REST %s%n",
                    flinkTaskManagers,
                    flinkSlotsAvailable,
                    flinkJobsRunning,
                    config.flinkRestUrl());
        }
        for (ProcessRegistry.Entry p : processes) {
            out.printf("  %-16s pid %-8d %s%n", p.name(), p.pid(), p.alive() ? "running" : "gone");
        }
        out.flush();
    }
}
