package io.replayflow.replay.sample;

/**
 * The importance-sampling exponent beta of prioritized replay, annealed linearly from {@code beta0}
 * to 1 over {@code annealSteps} steps and held at 1 afterwards:
 *
 * <pre>
 *   beta(t) = beta0 + (1 - beta0) * min(1, t / annealSteps)
 * </pre>
 *
 * (Schaul et al., "Prioritized Experience Replay", ICLR 2016, section 3.4; the paper's Atari runs
 * use beta0 = 0.4 or 0.5.) With {@code annealSteps == 0} beta is 1 from the start. Immutable.
 *
 * @param beta0 beta at step 0, in [0, 1]
 * @param annealSteps steps until beta reaches 1, >= 0
 */
public record BetaSchedule(double beta0, long annealSteps) {

    public BetaSchedule {
        if (!(beta0 >= 0.0 && beta0 <= 1.0)) {
            throw new IllegalArgumentException(
                    "beta0 is " + beta0 + "; it must be in [0, 1] (1 means full correction)");
        }
        if (annealSteps < 0) {
            throw new IllegalArgumentException(
                    "annealSteps is " + annealSteps + "; it must be >= 0 (0 means beta = 1 now)");
        }
    }

    /** Beta at {@code step}, for {@code step >= 0}. */
    public double beta(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step is " + step + "; it must be >= 0");
        }
        if (step >= annealSteps) {
            return 1.0;
        }
        return beta0 + (1.0 - beta0) * ((double) step / annealSteps);
    }
}
