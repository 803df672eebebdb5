package io.replayflow.replay.testing;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.job.ReplayStoreJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;

/** Starting the replay-store job on a test stack, and finding its retained checkpoints. */
public final class JobRuns {

    private JobRuns() {}

    /**
     * Submits the job at parallelism 2, with no restarts (a failure fails the test instead of
     * looping) and no Kryo anywhere; restored from {@code restoreFrom} when it is not null.
     */
    public static JobClient start(LocalStack stack, ReplayStoreConfig config, String restoreFrom)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        return ReplayStoreJob.start(stack.executionEnvironment(conf), config);
    }

    /** The newest retained checkpoint of a job: {@code <stack>/checkpoints/<job>/chk-N}. */
    public static String latestCheckpoint(LocalStack stack, String jobId) throws Exception {
        Path dir = stack.dataDir().resolve("checkpoints").resolve(jobId);
        try (var children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    p -> Long.parseLong(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint in " + dir))
                    .toUri()
                    .toString();
        }
    }
}
