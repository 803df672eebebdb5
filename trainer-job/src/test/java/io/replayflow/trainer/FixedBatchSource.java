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

    /**
     * The two-row batch of {@link LossValuesTest}'s worked examples, 2-float observations and 2
     * actions: {@code s=[1,0] a=0 R=1 gamma^n=0.9 s'=[0,1] w=1} and {@code s=[0,1] a=1 R=0
     * (terminal) s'=[1,1] w=0.5}.
     */
    static FixedBatchSource twoStates() {
        return new FixedBatchSource(
                TransitionSpec.vector(2, 2),
                new float[] {1, 0, 0, 1},
                new int[] {0, 1},
                new float[] {1.0f, 0.0f},
                new float[] {0.9f, 0.0f},
                new float[] {0, 1, 1, 1},
                new float[] {1.0f, 0.5f});
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
