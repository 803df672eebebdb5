package io.replayflow.replay.scoring;

/**
 * Q-values of a batch of observations: {@code Q(s, ·)} for each row. Implemented by {@link
 * SavedModelQFunction}; a small interface so that the batching around it can be tested alone.
 */
public interface QFunction extends AutoCloseable {

    /** The policy version these Q-values come from. */
    long version();

    /** Floats per observation (the product of the observation shape). */
    int observationSize();

    /** Number of discrete actions: Q-values per observation. */
    int numActions();

    /**
     * Computes Q-values.
     *
     * @param obs {@code [rows * observationSize()]}, row-major
     * @param rows observations in {@code obs}, >= 1
     * @param qOut receives {@code [rows * numActions()]}, row-major
     */
    void qValues(float[] obs, int rows, float[] qOut);

    /** Frees the model; no call may follow or overlap. */
    @Override
    void close();
}
