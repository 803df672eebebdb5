package io.replayflow.trainer.ope;

/** The evaluated policy, deterministic: its action for each of a batch of observations. */
@FunctionalInterface
public interface TargetPolicy {

    /**
     * @param obs {@code [rows * obsDim]}, row-major; only read
     * @param rows observations, >= 1
     * @return the action for each row
     */
    int[] act(float[] obs, int rows);
}
