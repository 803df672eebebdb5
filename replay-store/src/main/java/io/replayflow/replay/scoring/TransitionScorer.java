package io.replayflow.replay.scoring;

import io.replayflow.policy.Policy;
import io.replayflow.replay.row.ReplayRow;
import java.util.List;
import java.util.Objects;

/**
 * Scores a batch of replay rows with one {@link Policy#qValues} call: the observations {@code s} of
 * the scorable rows and their bootstrap observations {@code s_n} are stacked into one input of
 * {@code 2m} rows, and each scorable row gets {@link TdPriority#of} as its {@link
 * ReplayRow#priority}.
 *
 * <p>A row is scorable when its {@code obs} and {@code bootstrapObs} have the model's observation
 * size and its action is one of the model's; its priority is set only when finite. An image row
 * ({@code obsImage} and {@code bootstrapObsImage}, uint8) is scorable the same way and is fed as
 * the actors and the trainer feed it: each byte as its unsigned value 0..255 in a float, the
 * model's graph casting and scaling. Other rows are left as they are (priority 0: the running max
 * is assigned downstream) and counted as unscored.
 *
 * <p>The policy is passed per batch and not owned: the scoring operator holds it in a {@link
 * io.replayflow.policy.swap.PolicyHolder} and lends it for the call.
 *
 * <p>Cost: one model call of {@code 2m} rows plus O(m * (d + A)). Buffers grow to the largest batch
 * seen and are reused. Not thread-safe: owned by one subtask.
 */
public final class TransitionScorer {

    private final double epsilon;
    private float[] input = new float[0]; // [2m * obsSize]: s of each row, then s_n of each row
    private float[] output = new float[0]; // [2m * numActions]
    private int[] scorable = new int[0]; // indexes into the batch

    /**
     * @param epsilon priority floor, finite and >= 0
     */
    public TransitionScorer(double epsilon) {
        if (!(epsilon >= 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon is " + epsilon + "; it must be >= 0");
        }
        this.epsilon = epsilon;
    }

    /**
     * Sets the priority of every scorable row of {@code rows} under {@code q}.
     *
     * @param q a policy with {@linkplain Policy#hasQValues() Q-values}; left open
     * @return how many rows got a TD priority
     */
    public int score(Policy q, List<ReplayRow> rows) {
        Objects.requireNonNull(q, "q");
        int d = q.observationSize();
        int actions = q.numActions();
        int m = select(rows, d, actions);
        if (m == 0) {
            return 0;
        }
        ensureCapacity(2 * m, d, actions);
        for (int j = 0; j < m; j++) {
            ReplayRow row = rows.get(scorable[j]);
            if (row.hasImages()) {
                pixels(row.obsImage, j * d, d);
                pixels(row.bootstrapObsImage, (m + j) * d, d);
            } else {
                System.arraycopy(row.obs, 0, input, j * d, d);
                System.arraycopy(row.bootstrapObs, 0, input, (m + j) * d, d);
            }
        }
        q.qValues(input, 2 * m, output);
        int scored = 0;
        for (int j = 0; j < m; j++) {
            ReplayRow row = rows.get(scorable[j]);
            double priority =
                    TdPriority.of(
                            row.nStepReturn,
                            row.bootstrapDiscount,
                            row.bootstrapCut,
                            TdPriority.maxQ(output, (m + j) * actions, actions),
                            output[j * actions + row.action],
                            epsilon);
            if (Double.isFinite(priority)) {
                row.priority = priority;
                scored++;
            }
        }
        return scored;
    }

    /** Collects the indexes of scorable rows into {@link #scorable}; returns their count. */
    private int select(List<ReplayRow> rows, int d, int actions) {
        if (scorable.length < rows.size()) {
            scorable = new int[rows.size()];
        }
        int m = 0;
        for (int i = 0; i < rows.size(); i++) {
            ReplayRow row = rows.get(i);
            boolean vectors =
                    !row.hasImages()
                            && row.obs != null
                            && row.obs.length == d
                            && row.bootstrapObs != null
                            && row.bootstrapObs.length == d;
            boolean images =
                    row.hasImages()
                            && row.obsImage.length == d
                            && row.bootstrapObsImage != null
                            && row.bootstrapObsImage.length == d;
            if ((vectors || images) && row.action >= 0 && row.action < actions) {
                scorable[m++] = i;
            }
        }
        return m;
    }

    /** Copies {@code d} uint8 pixels into {@link #input} at {@code at} as their values 0..255. */
    private void pixels(byte[] image, int at, int d) {
        for (int k = 0; k < d; k++) {
            input[at + k] = image[k] & 0xFF;
        }
    }

    private void ensureCapacity(int inputRows, int d, int actions) {
        if (input.length < inputRows * d) {
            input = new float[inputRows * d];
        }
        if (output.length < inputRows * actions) {
            output = new float[inputRows * actions];
        }
    }
}
