package io.replayflow.actor.policy;

/**
 * The exploration rate ε as a function of the actor's environment step count t (transitions taken
 * by one actor, all its slots together).
 *
 * <ul>
 *   <li>{@link Constant}: ε(t) = ε.
 *   <li>{@link Linear}: ε(t) = start + (end − start) · min(t, decaySteps) / decaySteps, the DQN
 *       schedule (Mnih et al., 2015: 1.0 → 0.1 over the first million frames).
 * </ul>
 *
 * <pre>{@code
 * EpsilonSchedule.constant(0.05);
 * EpsilonSchedule.linear(1.0, 0.05, 100_000);
 * }</pre>
 */
public sealed interface EpsilonSchedule permits EpsilonSchedule.Constant, EpsilonSchedule.Linear {

    /** ε at environment step {@code step} (0-based), in [0, 1]. */
    double epsilon(long step);

    static EpsilonSchedule constant(double epsilon) {
        return new Constant(epsilon);
    }

    static EpsilonSchedule linear(double start, double end, long decaySteps) {
        return new Linear(start, end, decaySteps);
    }

    /**
     * Parses {@code "0.05"} (constant) or {@code "START:END:DECAY_STEPS"} (linear), e.g. {@code
     * "1.0:0.05:100000"}.
     *
     * @throws IllegalArgumentException naming the text and both accepted forms
     */
    static EpsilonSchedule parse(String text) {
        String usage =
                "; use a constant such as 0.05, or START:END:DECAY_STEPS such as 1.0:0.05:100000";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("epsilon is empty" + usage);
        }
        String[] parts = text.trim().split(":", -1);
        try {
            if (parts.length == 1) {
                return constant(Double.parseDouble(parts[0]));
            }
            if (parts.length == 3) {
                return linear(
                        Double.parseDouble(parts[0]),
                        Double.parseDouble(parts[1]),
                        Long.parseLong(parts[2]));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("epsilon '" + text + "' is not a number" + usage, e);
        }
        throw new IllegalArgumentException("epsilon '" + text + "' is not understood" + usage);
    }

    /** ε(t) = epsilon. */
    record Constant(double epsilon) implements EpsilonSchedule {
        public Constant {
            checkProbability("epsilon", epsilon);
        }

        @Override
        public double epsilon(long step) {
            return epsilon;
        }
    }

    /** ε(t) = start + (end − start) · min(t, decaySteps) / decaySteps. */
    record Linear(double start, double end, long decaySteps) implements EpsilonSchedule {
        public Linear {
            checkProbability("start", start);
            checkProbability("end", end);
            if (decaySteps < 1) {
                throw new IllegalArgumentException(
                        "linear epsilon decaySteps must be >= 1 (the steps over which epsilon goes"
                                + " from start to end); got "
                                + decaySteps
                                + ". Use a constant schedule for no decay");
            }
        }

        @Override
        public double epsilon(long step) {
            if (step >= decaySteps) {
                return end;
            }
            double fraction = (double) Math.max(step, 0L) / decaySteps;
            return start + (end - start) * fraction;
        }
    }

    private static void checkProbability(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(
                    "epsilon " + name + " must be a probability in [0, 1]; got " + value);
        }
    }
}
