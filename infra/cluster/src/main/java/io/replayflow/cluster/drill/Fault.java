package io.replayflow.cluster.drill;

import io.replayflow.cluster.LocalCluster;

/** A fault that a {@link StreamDrill} injects while transitions flow. */
interface Fault {

    /** Injects the fault and brings the cluster back to full strength, reporting each step. */
    void inject(LocalCluster cluster, String run, DrillReport report) throws Exception;

    /** Whether the jobs must have restarted from a checkpoint afterwards. */
    boolean restartsJobs();
}
