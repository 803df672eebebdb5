package io.replayflow.trainer.ope;

/**
 * Logged transitions for {@link FittedQEvaluation}, row-major, {@code N} rows.
 *
 * @param obs {@code [N * obsDim]} observations {@code s}
 * @param action {@code [N]} logged actions {@code a}
 * @param reward {@code [N]} rewards {@code r} (for a multi-step target, the discounted reward sum
 *     up to the bootstrap state, see {@link TraceTargets})
 * @param discount {@code [N]} {@code gamma (1 - terminated)}: 0 where the episode terminated, gamma
 *     where it goes on or was truncated (multi-step: {@code gamma^n} or 0)
 * @param nextObs {@code [N * obsDim]} next observations {@code s'} (multi-step: the bootstrap
 *     state)
 * @param nextAction {@code [N]} the evaluated policy's action {@code pi(s')}
 * @param obsDim observation length
 */
public record FqeData(
        float[] obs,
        int[] action,
        float[] reward,
        float[] discount,
        float[] nextObs,
        int[] nextAction,
        int obsDim) {

    public FqeData {
        int n = action.length;
        if (n == 0) {
            throw new IllegalArgumentException("FQE needs at least one transition");
        }
        if (reward.length != n
                || discount.length != n
                || nextAction.length != n
                || obs.length != n * obsDim
                || nextObs.length != n * obsDim) {
            throw new IllegalArgumentException(
                    "FQE columns disagree: every column needs one entry per transition");
        }
    }

    public int rows() {
        return action.length;
    }

    /**
     * The rows where {@code keep} is true, in order.
     *
     * @throws IllegalArgumentException when {@code keep} has not one entry per row, or keeps none
     */
    public FqeData select(boolean[] keep) {
        if (keep.length != rows()) {
            throw new IllegalArgumentException(
                    keep.length + " row flags for " + rows() + " FQE rows: give one per row");
        }
        int n = 0;
        for (boolean k : keep) {
            n += k ? 1 : 0;
        }
        float[] o = new float[n * obsDim];
        float[] nx = new float[n * obsDim];
        int[] a = new int[n];
        int[] na = new int[n];
        float[] r = new float[n];
        float[] d = new float[n];
        int j = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                System.arraycopy(obs, i * obsDim, o, j * obsDim, obsDim);
                System.arraycopy(nextObs, i * obsDim, nx, j * obsDim, obsDim);
                a[j] = action[i];
                na[j] = nextAction[i];
                r[j] = reward[i];
                d[j] = discount[i];
                j++;
            }
        }
        return new FqeData(o, a, r, d, nx, na, obsDim);
    }
}
