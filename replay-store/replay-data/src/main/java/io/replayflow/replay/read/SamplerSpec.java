package io.replayflow.replay.read;

import io.replayflow.replay.sample.BetaSchedule;
import io.replayflow.replay.sample.Sampler;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Which {@link Sampler} a {@link ReplayDataset} draws with. Immutable.
 *
 * <pre>{@code
 * SamplerSpec.uniform()
 * SamplerSpec.prioritized(0.6, new BetaSchedule(0.4, trainSteps))   // Schaul et al. 2016
 * SamplerSpec.prioritized(0.6, new BetaSchedule(0.4, trainSteps), resumedStep)  // after a restart
 * SamplerSpec.fifo()
 * }</pre>
 */
public sealed interface SamplerSpec {

    /** Creates the sampler; {@code rng} is its only source of randomness. */
    Sampler create(RandomGenerator rng);

    /** Whether priorities matter to this sampler (the dataset then loads stored ones). */
    default boolean usesPriorities() {
        return false;
    }

    static SamplerSpec uniform() {
        return new Uniform();
    }

    static SamplerSpec prioritized(double alpha, BetaSchedule beta) {
        return new Prioritized(alpha, beta, 0L);
    }

    /**
     * Prioritized replay whose beta schedule resumes at {@code betaStartStep}: pass the trainer's
     * step when it resumes from a checkpoint (one batch per step), with the same schedule as the
     * first run, and beta continues where it was. See {@link
     * io.replayflow.replay.sample.PrioritizedSampler} ("Resuming").
     */
    static SamplerSpec prioritized(double alpha, BetaSchedule beta, long betaStartStep) {
        return new Prioritized(alpha, beta, betaStartStep);
    }

    static SamplerSpec fifo() {
        return new Fifo();
    }

    /** Every live row equally likely. */
    record Uniform() implements SamplerSpec {
        @Override
        public Sampler create(RandomGenerator rng) {
            return Sampler.uniform(rng);
        }
    }

    /**
     * Proportional prioritized replay with exponent {@code alpha} and annealed beta, the schedule
     * starting at {@code betaStartStep}.
     */
    record Prioritized(double alpha, BetaSchedule beta, long betaStartStep) implements SamplerSpec {
        public Prioritized {
            Objects.requireNonNull(beta, "beta");
            if (betaStartStep < 0) {
                throw new IllegalArgumentException(
                        "betaStartStep is " + betaStartStep + "; it must be >= 0");
            }
            if (!(alpha >= 0.0) || alpha == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(
                        "alpha is " + alpha + "; it must be finite and >= 0 (0.6 is usual)");
            }
        }

        @Override
        public Sampler create(RandomGenerator rng) {
            return Sampler.prioritized(alpha, beta, betaStartStep, rng);
        }

        @Override
        public boolean usesPriorities() {
            return true;
        }
    }

    /** Oldest first, wrapping around. */
    record Fifo() implements SamplerSpec {
        @Override
        public Sampler create(RandomGenerator rng) {
            return Sampler.fifo();
        }
    }
}
