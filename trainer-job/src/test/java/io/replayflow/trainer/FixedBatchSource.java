package io.replayflow.trainer;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.data.BatchSource;
import io.replayflow.trainer.data.TrainingBatch;
import java.util.List;

/** A source that always yields the same batch (for hand-computed losses). */
final class FixedBatchSource implements BatchSource {

    private final TransitionSpec spec;
    private final float[] obs;
    private final int[] actions;
    private final float[] returns;
    private final float[] discounts;
    private final float[] nextObs;
    private final float[] weights;
    float[] lastTdErrors;

    FixedBatchSource(
            TransitionSpec spec,
            float[] obs,
            int[] actions,
            float[] returns,
            float[] discounts,
            float[] nextObs,
            float[] weights) {
        this.spec = spec;
        this.obs = obs;
        this.actions = actions;
        this.returns = returns;
        this.discounts = discounts;
        this.nextObs = nextObs;
        this.weights = weights;
    }

    @Override
    public TransitionSpec spec() {
        return spec;
    }

    @Override
    public void fill(TrainingBatch batch) {
        System.arraycopy(obs, 0, batch.obs(), 0, obs.length);
        System.arraycopy(actions, 0, batch.actions(), 0, actions.length);
        System.arraycopy(returns, 0, batch.nStepReturns(), 0, returns.length);
        System.arraycopy(discounts, 0, batch.bootstrapDiscounts(), 0, discounts.length);
        System.arraycopy(nextObs, 0, batch.nextObs(), 0, nextObs.length);
        System.arraycopy(weights, 0, batch.weights(), 0, weights.length);
    }

    @Override
    public boolean wantsTdErrors() {
        return true;
    }

    @Override
    public void onTdErrors(TrainingBatch batch, float[] tdErrors, long trainerStep) {
        lastTdErrors = tdErrors.clone();
    }

    @Override
    public PolicyManifest.Lineage lineage() {
        return new PolicyManifest.Lineage(List.of("fixed"), null, null, actions.length, List.of());
    }
}
