package io.replayflow.trainer.data;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import java.util.Map;

/**
 * Where training batches come from: an in-memory dataset ({@link ArrayBatchSource}), a replay
 * dataset or the experience log read from Parquet, or a live window that grows while training.
 *
 * <p>Contract: {@link #fill} writes every column of every slot of the batch (observations, actions,
 * n-step returns, bootstrap discounts, next observations, importance weights and row ids); the
 * trainer then copies the batch into its tensors and runs one step. Not thread-safe: a source is
 * owned by the training thread.
 */
public interface BatchSource {

    /** The shape of the transitions this source yields. */
    TransitionSpec spec();

    /** Fills every slot of {@code batch}. */
    void fill(TrainingBatch batch);

    /** Whether {@link #onTdErrors} should be called (it costs one extra fetch per step). */
    default boolean wantsTdErrors() {
        return false;
    }

    /**
     * The TD errors {@code y - Q(s, a)} of the batch last filled, after the step that computed them
     * ({@code tdErrors[j]} belongs to {@code batch.rowIds()[j]}): a prioritized source updates its
     * priorities; a source backed by a replay dataset also publishes {@code PriorityUpdate}s.
     */
    default void onTdErrors(TrainingBatch batch, float[] tdErrors, long trainerStep) {}

    /**
     * Continuous mode: picks up newly committed data files (called every {@code
     * trainer.data.refresh-period} steps). In-memory sources have nothing to do.
     */
    default void refresh() {}

    /** What data this source has served, for the policy's lineage. */
    PolicyManifest.Lineage lineage();

    /**
     * State that a checkpoint keeps so that a resumed run draws the same batches (e.g. the sampler
     * RNG); empty if none.
     */
    default Map<String, String> checkpointState() {
        return Map.of();
    }

    /** Restores what {@link #checkpointState()} returned. */
    default void restoreState(Map<String, String> state) {}
}
