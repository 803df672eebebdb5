package io.replayflow.cluster.drill;

import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.flink.FlinkClusterProcess;
import io.replayflow.cluster.internal.Deadline;
import java.time.Duration;
import java.util.List;

/**
 * {@code kill -9} of the newest TaskManager (the one running the jobs), then a replacement is
 * started; returns once the JobManager lists the new TaskManager and no longer the dead one.
 */
final class TaskManagerKill implements Fault {

    private static final Duration REPLACE_TIMEOUT = Duration.ofMinutes(2);

    @Override
    public void inject(LocalCluster cluster, String run, DrillReport report) throws Exception {
        FlinkClusterProcess flink = cluster.flink();
        List<String> running = flink.runningTaskManagers();
        if (running.isEmpty()) {
            throw new ClusterException("no TaskManager runs: start the cluster first");
        }
        String victim = running.get(running.size() - 1);
        long pid = cluster.processes().find(victim).map(ProcessHandle::pid).orElse(-1L);
        flink.killTaskManager(victim);
        report.line("kill -9 %s (pid %d)", victim, pid);
        String replacement = flink.startTaskManager();
        report.line("started %s", replacement);
        boolean replaced =
                Deadline.in(REPLACE_TIMEOUT)
                        .await(
                                () -> {
                                    try {
                                        List<String> ids = flink.registeredTaskManagerIds();
                                        return ids.contains(replacement) && !ids.contains(victim);
                                    } catch (Exception e) {
                                        return false;
                                    }
                                },
                                Duration.ofMillis(500));
        if (!replaced) {
            throw new ClusterException(
                    replacement + " did not replace " + victim + " within " + REPLACE_TIMEOUT);
        }
        report.line("%s registered, %s declared lost by the JobManager", replacement, victim);
    }

    @Override
    public boolean restartsJobs() {
        return true;
    }
}
