package io.replayflow.policy;

/**
 * Chooses one action for each of a batch of observations in a single call, and says how likely the
 * chosen action was under this policy; a model that also exposes its Q-values says so with {@link
 * #hasQValues()}.
 *
 * <pre>{@code
 * float[] obs = envs.obs();                 // [numEnvs * observationSize], row-major
 * policy.act(obs, envs.numEnvs(), actions, probs);
 * }</pre>
 *
 * <p>Implementations: {@link io.replayflow.policy.savedmodel.SavedModelPolicy} (a TensorFlow
 * SavedModel, greedy, with Q-values when its signature exports them); the actor service adds its
 * behaviours (uniform random, ε-greedy around a deterministic policy, hand-written policies).
 *
 * <p>Thread-safety is stated by each implementation. {@link #close()} releases native resources;
 * callers must not call {@link #act} or {@link #qValues} afterwards (the reference counting of
 * {@link io.replayflow.policy.swap.PolicyRef} sees to that).
 */
public interface Policy extends AutoCloseable {

    /** The version recorded in every transition this policy chose; 0 = uniform random. */
    long version();

    /** Size of the discrete action space; actions are {@code 0..numActions()-1}. */
    int numActions();

    /** Floats per observation (the product of the observation shape). */
    int observationSize();

    /**
     * True when the same observation always gets the same action (a greedy policy), so that the
     * probability of the chosen action is 1 and an ε-greedy behaviour may explore around it.
     */
    boolean deterministic();

    /**
     * Chooses actions for {@code batch} observations.
     *
     * @param obs [batch * observationSize()] observations, row-major; only read
     * @param batch number of observations, at least 1
     * @param actionsOut [>= batch] receives one action per observation
     * @param behaviorProbOut [>= batch] receives the probability of each chosen action under this
     *     policy, in (0, 1]
     */
    void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut);

    /**
     * This policy acting greedily, for evaluation: a stochastic policy's most likely action with
     * probability 1; a deterministic policy is itself (the default).
     */
    default Policy greedy() {
        return this;
    }

    /** True when {@link #qValues} answers; false by default. */
    default boolean hasQValues() {
        return false;
    }

    /**
     * Computes {@code Q(s, ·)} for each of {@code rows} observations.
     *
     * @param obs {@code [rows * observationSize()]}, row-major; only read
     * @param rows observations in {@code obs}, >= 1
     * @param qOut receives {@code [rows * numActions()]}, row-major
     * @throws UnsupportedOperationException when {@link #hasQValues()} is false
     */
    default void qValues(float[] obs, int rows, float[] qOut) {
        throw new UnsupportedOperationException(
                this + " exports no Q-values: export a 'q_values' output in its serving signature");
    }

    /** Releases the policy's resources; idempotent. */
    @Override
    void close();
}
