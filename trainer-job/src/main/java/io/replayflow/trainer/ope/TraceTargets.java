package io.replayflow.trainer.ope;

/**
 * FQE's multi-step regression targets for a deterministic target policy along one logged episode:
 * Retrace with {@code lambda = 1} (Munos, Stepleton, Harutyunyan and Bellemare, "Safe and Efficient
 * Off-Policy Reinforcement Learning", NeurIPS 2016), whose trace coefficient {@code c_k = lambda
 * min(1, pi(a_k|s_k) / mu(a_k|s_k))} is 1 where the logged action is the target's and 0 elsewhere
 * for a deterministic {@code pi} (the tree-backup case of Precup, Sutton and Singh, ICML 2000).
 * Retrace's target for {@code Q(s_t, a_t)} then telescopes to the logged rewards for as long as the
 * log follows the target, and the bootstrap at the first step {@code m > t} where it does not:
 *
 * <pre>
 *   y_t = r_t + gamma r_{t+1} + ... + gamma^{m-1-t} r_{m-1} + gamma^{m-t} (1 - end_{m-1}) Q(s_m, pi(s_m))
 *   m   = the first k > t with a_k != pi(s_k), or the episode's length
 * </pre>
 *
 * It is an unbiased target of {@code Q^pi(s_t, a_t)} like the one-step {@code r_t + gamma
 * Q(s_{t+1}, pi(s_{t+1}))} (every step inside the segment is one the target takes), but carries the
 * logged return across the whole segment in one backup: FQE at {@code gamma = 1} needs about
 * horizon / (mean segment length) backups instead of the horizon.
 *
 * @param reward {@code [T]} the discounted reward sum {@code r_t + ... + gamma^{m-1-t} r_{m-1}}
 * @param discount {@code [T]} {@code gamma^{m-t}}, or 0 where the episode ended at {@code m - 1}
 * @param bootstrapRow {@code [T]} {@code m - 1}: the row whose next observation is {@code s_m}
 */
record TraceTargets(double[] reward, double[] discount, int[] bootstrapRow) {

    /**
     * @param reward {@code [T]} logged rewards
     * @param action {@code [T]} logged actions
     * @param targetAction {@code [T]} the target's action {@code pi(s_t)} in each logged state
     * @param end {@code [T]} whether step {@code t} ended the episode (terminated or truncated)
     * @param gamma the discount
     * @param trace false: one-step targets ({@code m = t + 1} always)
     */
    static TraceTargets of(
            float[] reward,
            int[] action,
            int[] targetAction,
            boolean[] end,
            double gamma,
            boolean trace) {
        int n = reward.length;
        double[] sum = new double[n];
        double[] discount = new double[n];
        int[] row = new int[n];
        for (int t = n - 1; t >= 0; t--) {
            boolean follow = trace && t + 1 < n && !end[t] && action[t + 1] == targetAction[t + 1];
            if (follow) {
                sum[t] = reward[t] + gamma * sum[t + 1];
                discount[t] = gamma * discount[t + 1];
                row[t] = row[t + 1];
            } else {
                sum[t] = reward[t];
                discount[t] = end[t] ? 0 : gamma;
                row[t] = t;
            }
        }
        return new TraceTargets(sum, discount, row);
    }
}
