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
 * <p>A recurrent policy ({@link #stateSize()} &gt; 0, a format-3 artifact) keeps a state per
 * episode that its caller holds: it is driven with {@link #act(float[], float[], int, int[],
 * float[], float[])}, which takes each row's state and writes the next one, still one call for the
 * batch. The caller starts each episode at zeros and feeds each step's next state to the next step
 * of the same episode, with the same policy (a state means nothing to another network).
 *
 * <pre>{@code
 * float[] state = new float[numEnvs * policy.stateSize()];   // zeros: every episode's first step
 * policy.act(envs.obs(), state, envs.numEnvs(), actions, probs, state);   // next state in place
 * }</pre>
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
     * The actions for {@code rows} observations of any number, asked {@value #ACTIONS_CHUNK} rows
     * at a time so that no call builds a tensor of the whole set (offline evaluation asks for every
     * logged state at once); the behaviour probabilities are dropped.
     *
     * @param obs [rows * observationSize()] observations, row-major; only read
     * @return one action per observation
     */
    default int[] actions(float[] obs, int rows) {
        int d = observationSize();
        int[] actions = new int[rows];
        int[] chunk = new int[ACTIONS_CHUNK];
        float[] probs = new float[ACTIONS_CHUNK];
        float[] in = new float[ACTIONS_CHUNK * d];
        for (int start = 0; start < rows; start += ACTIONS_CHUNK) {
            int n = Math.min(ACTIONS_CHUNK, rows - start);
            System.arraycopy(obs, start * d, in, 0, n * d);
            act(in, n, chunk, probs);
            System.arraycopy(chunk, 0, actions, start, n);
        }
        return actions;
    }

    /** Rows per call of {@link #actions}. */
    int ACTIONS_CHUNK = 256;

    /**
     * Floats of recurrent state per row that {@link #act(float[], float[], int, int[], float[],
     * float[])} takes and returns: 0 for a feed-forward policy (the default), {@code units × state
     * tensors} for a recurrent one (an LSTM of 64 units: 128, {@code [h | c]}).
     */
    default int stateSize() {
        return 0;
    }

    /**
     * Chooses actions for {@code batch} observations and their recurrent states, in one call.
     *
     * <p>Row i's state is {@code state[i * stateSize() .. (i + 1) * stateSize())}, the policy's
     * state tensors one after the other ({@code [h_i | c_i]} for an LSTM). A feed-forward policy
     * ({@link #stateSize()} 0) ignores both state arrays and acts as {@link #act(float[], int,
     * int[], float[])} (the default).
     *
     * @param state [batch * stateSize()] each row's state: zeros at its episode's first step, then
     *     the next state this policy returned for the row's previous step; only read
     * @param nextStateOut [>= batch * stateSize()] receives each row's next state; may be {@code
     *     state} itself
     */
    default void act(
            float[] obs,
            float[] state,
            int batch,
            int[] actionsOut,
            float[] behaviorProbOut,
            float[] nextStateOut) {
        if (stateSize() != 0) {
            throw new UnsupportedOperationException(
                    this + " keeps a recurrent state but does not implement act with state");
        }
        act(obs, batch, actionsOut, behaviorProbOut);
    }

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
