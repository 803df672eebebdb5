package io.replayflow.actor.serve.decide;

import io.replayflow.actor.policy.EpsilonGreedy;
import io.replayflow.policy.Policy;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * ε-greedy over the actions a client allows, with the exact probability of the action returned.
 *
 * <p>For a deterministic policy, with {@code A} the allowed set ({@code |A| = k}, all actions when
 * the client sends none) and {@code g} the greedy action in {@code A}: the policy's own action (its
 * {@code action} output: argmax Q, or for BCQ the argmax over the actions its imitation network
 * allows) when that is in {@code A}, else the argmax of the exported Q-values over {@code A}
 * (unfiltered: BCQ's filter is not applied inside a client's mask):
 *
 * <pre>
 *   μ(a | s) = ε/k + (1 − ε)   if a = g
 *   μ(a | s) = ε/k             if a ∈ A, a ≠ g
 * </pre>
 *
 * the same law the actors use ({@link EpsilonGreedy}) restricted to {@code A}. A deterministic
 * policy without Q-values whose greedy action is not in {@code A} falls back to uniform over {@code
 * A} (μ = 1/k). A policy that is not deterministic (version 0, uniform random) keeps its own draw
 * and probability when nothing is masked, and is uniform over {@code A} (μ = 1/k) when a mask is
 * given.
 *
 * <p>Not thread-safe (one {@link RandomGenerator}): owned by the batching thread. Allocates only
 * when the batch grows past the largest seen.
 */
public final class DecisionChooser {
    private final double epsilon;
    private final RandomGenerator random;
    private float[] q = new float[0];

    /**
     * @param epsilon exploration rate in [0, 1]
     * @param random exploration draws, seeded explicitly
     */
    public DecisionChooser(double epsilon, RandomGenerator random) {
        if (!(epsilon >= 0.0 && epsilon <= 1.0)) {
            throw new IllegalArgumentException(
                    "epsilon must be in [0, 1] (the share of exploratory actions); got " + epsilon);
        }
        this.epsilon = epsilon;
        this.random = Objects.requireNonNull(random, "random");
    }

    public double epsilon() {
        return epsilon;
    }

    /**
     * Chooses one action per row.
     *
     * @param obs [rows * policy.observationSize()] row-major
     * @param allowed [rows], each null (every action) or the distinct allowed actions
     * @param actionsOut [>= rows]
     * @param probOut [>= rows] receives μ(action | s) over the allowed set
     */
    public void choose(
            Policy policy,
            float[] obs,
            int rows,
            int[][] allowed,
            int[] actionsOut,
            float[] probOut) {
        int numActions = policy.numActions();
        boolean deterministic = policy.deterministic();
        policy.act(obs, rows, actionsOut, probOut);
        boolean haveQ = false;
        if (deterministic && policy.hasQValues() && greedyOutsideMask(rows, allowed, actionsOut)) {
            if (q.length < rows * numActions) {
                q = new float[rows * numActions];
            }
            policy.qValues(obs, rows, q);
            haveQ = true;
        }
        for (int i = 0; i < rows; i++) {
            int[] mask = allowed[i];
            if (deterministic && (mask == null || contains(mask, actionsOut[i]))) {
                explore(actionsOut[i], numActions, mask, i, actionsOut, probOut);
            } else if (deterministic && haveQ) {
                explore(argmax(q, i * numActions, mask), numActions, mask, i, actionsOut, probOut);
            } else if (mask != null) {
                actionsOut[i] = mask[random.nextInt(mask.length)];
                probOut[i] = 1.0f / mask.length;
            }
        }
    }

    /** True when some row's mask leaves out the action the policy chose for it. */
    private static boolean greedyOutsideMask(int rows, int[][] allowed, int[] actions) {
        for (int i = 0; i < rows; i++) {
            if (allowed[i] != null && !contains(allowed[i], actions[i])) {
                return true;
            }
        }
        return false;
    }

    private void explore(
            int greedy, int numActions, int[] mask, int row, int[] actionsOut, float[] probOut) {
        int k = mask == null ? numActions : mask.length;
        int chosen = greedy;
        if (epsilon > 0.0 && random.nextDouble() < epsilon) {
            int draw = random.nextInt(k);
            chosen = mask == null ? draw : mask[draw];
        }
        actionsOut[row] = chosen;
        probOut[row] =
                chosen == greedy
                        ? EpsilonGreedy.greedyProbability(epsilon, k)
                        : EpsilonGreedy.exploratoryProbability(epsilon, k);
    }

    private static int argmax(float[] q, int offset, int[] mask) {
        int best = mask[0];
        for (int a : mask) {
            if (q[offset + a] > q[offset + best]) {
                best = a;
            }
        }
        return best;
    }

    private static boolean contains(int[] mask, int action) {
        for (int a : mask) {
            if (a == action) {
                return true;
            }
        }
        return false;
    }
}
