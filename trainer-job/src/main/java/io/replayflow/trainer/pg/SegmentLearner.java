package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicySnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A learner on trajectory segments ({@link io.replayflow.trainer.Algo#segments()}): the
 * actor-critics of {@link PolicyGradientLearner} and R2D2's recurrent Q-network ({@code
 * io.replayflow.trainer.r2d2.RecurrentQLearner}), both built on {@link SegmentLearnerBase}. {@link
 * PolicyGradientLoop} drives either.
 *
 * <p>Not thread-safe: owned by the learner's thread.
 */
public interface SegmentLearner extends AutoCloseable {

    /**
     * One gradient step on {@code batch}.
     *
     * @param learnerVersion the newest version this learner has published, for the policy lag
     * @param nowMs the learner's clock, for the lag in seconds
     */
    PgStepMetrics step(SegmentBatch batch, long learnerVersion, long nowMs);

    SegmentConfig config();

    /** Valid segment steps the gradient steps have learned from. */
    long samplesSeen();

    /** Segments that started mid-episode from the zero state, their burn-in prefix unknown. */
    long zeroStateSegments();

    /** Gradient steps taken, read from the graph's counter. */
    long globalStep();

    /** Saves the variables and a trainer state as a new checkpoint in {@code store}. */
    Path saveCheckpoint(CheckpointStore store) throws IOException;

    /** Restores the newest checkpoint in {@code store}, if any; refuses another network's. */
    Optional<Path> restoreLatest(CheckpointStore store) throws IOException;

    /** Everything the exporter needs to write the current weights as a policy version. */
    PolicySnapshot snapshot(String policyName, PolicyManifest.Lineage lineage);

    @Override
    void close();
}
