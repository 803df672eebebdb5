package io.replayflow.actor.policy;

/**
 * Chooses one action for each of a batch of observations in a single call, and says how likely the
 * chosen action was under this policy.
 *
 * <pre>{@code
 * float[] obs = envs.obs();                 // [numEnvs * observationSize], row-major
 * policy.act(obs, envs.numEnvs(), actions, probs);
 * }</pre>
 *
 * <p>Implementations: {@link RandomPolicy} (version 0, uniform), {@link SavedModelPolicy} (a
 * TensorFlow SavedModel, greedy). Exploration is not the policy's business: {@link EpsilonGreedy}
 * mixes it into a {@linkplain #deterministic() deterministic} policy's choices.
 *
 * <p>Thread-safety is stated by each implementation. {@link #close()} releases native resources;
 * callers must not call {@link #act} afterwards (the swap holder's reference counting sees to
 * that).
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
     * probability of the chosen action is 1 and {@link EpsilonGreedy} may explore around it.
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

    /** Releases the policy's resources; idempotent. */
    @Override
    void close();
}
