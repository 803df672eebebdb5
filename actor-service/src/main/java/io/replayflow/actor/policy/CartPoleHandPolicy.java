package io.replayflow.actor.policy;

import io.replayflow.policy.Policy;

/**
 * A hand-written CartPole-v1 controller: push the cart toward the side the pole is falling to,
 * judged by the pole angle plus half its angular velocity,
 *
 * <pre>
 *   action = 1 (push right)   if theta + 0.5 * theta_dot > 0
 *            0 (push left)    otherwise
 * </pre>
 *
 * with observations {@code [x, x_dot, theta, theta_dot]}. Alone it balances the pole for the whole
 * 500 steps of almost every episode (it ignores the cart position, which occasionally drifts out);
 * under heavy ε-greedy noise ({@code --behaviour cartpole-hand --epsilon 0.65}) it makes a poor
 * logged behaviour policy whose greedy part is still informative — the offline benchmark in
 * docs/ALGORITHMS.md.
 *
 * <p>Deterministic (behaviour probability 1; {@link EpsilonGreedy} explores around it), version 0,
 * no state: thread-safe. Allocates nothing.
 */
public final class CartPoleHandPolicy implements Policy {

    /** Floats per CartPole observation. */
    public static final int OBSERVATION_SIZE = 4;

    /** CartPole's two actions: 0 left, 1 right. */
    public static final int NUM_ACTIONS = 2;

    private static final int THETA = 2, THETA_DOT = 3;

    @Override
    public long version() {
        return RandomPolicy.VERSION;
    }

    @Override
    public int numActions() {
        return NUM_ACTIONS;
    }

    @Override
    public int observationSize() {
        return OBSERVATION_SIZE;
    }

    @Override
    public boolean deterministic() {
        return true;
    }

    @Override
    public void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut) {
        for (int i = 0; i < batch; i++) {
            int row = i * OBSERVATION_SIZE;
            actionsOut[i] = obs[row + THETA] + 0.5f * obs[row + THETA_DOT] > 0f ? 1 : 0;
            behaviorProbOut[i] = 1.0f;
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "CartPoleHandPolicy[v0, theta + 0.5 theta_dot > 0 -> right]";
    }
}
