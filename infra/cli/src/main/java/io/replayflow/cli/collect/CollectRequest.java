package io.replayflow.cli.collect;

import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code replayflow collect} logs: N transitions of one environment under one behaviour
 * policy, into the experience log of a fresh data root.
 *
 * <pre>{@code
 * new CollectRequest(Path.of("data/cartpole-poor"), "CartPole-v1", Behaviour.CARTPOLE_HAND, 0.65,
 *         100_000, 16, 1, 4, Duration.ofSeconds(2), Duration.ofMinutes(5));
 * }</pre>
 *
 * @param dataDir the data root; its experience log must be empty or absent
 * @param envId a built-in environment
 * @param behaviour the policy that acts (version 0)
 * @param epsilon ε of the ε-greedy exploration around a deterministic behaviour, as a function of
 *     the actor's step: a constant, or a linear schedule (e.g. 1.0 down to 0.1 over the whole
 *     collection, so that one log holds short, failing episodes and ones that reach the time limit,
 *     each step with its exact {@code behavior_prob})
 * @param transitions exactly how many transitions to publish: a multiple of {@code envs}
 * @param envs environments stepped together by the one actor
 * @param seed derives the environments' and the exploration's seeds; also the seed of the 100
 *     evaluation episodes of the behaviour policy
 * @param partitions partitions of each data topic
 * @param checkpointInterval checkpoint interval of the jobs (Parquet commits on checkpoints)
 * @param commitTimeout how long to wait, after the last send, for the log to hold every transition
 */
public record CollectRequest(
        Path dataDir,
        String envId,
        Behaviour behaviour,
        EpsilonSchedule epsilon,
        long transitions,
        int envs,
        long seed,
        int partitions,
        Duration checkpointInterval,
        Duration commitTimeout) {

    /** A constant ε. */
    public CollectRequest(
            Path dataDir,
            String envId,
            Behaviour behaviour,
            double epsilon,
            long transitions,
            int envs,
            long seed,
            int partitions,
            Duration checkpointInterval,
            Duration commitTimeout) {
        this(
                dataDir,
                envId,
                behaviour,
                constant(epsilon),
                transitions,
                envs,
                seed,
                partitions,
                checkpointInterval,
                commitTimeout);
    }

    /** Validates; messages name the flag, the rule and the fix. */
    public CollectRequest {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(envId, "envId");
        Objects.requireNonNull(behaviour, "behaviour");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(commitTimeout, "commitTimeout");
        Objects.requireNonNull(epsilon, "epsilon");
        if (envs < 1 || envs > 65_536) {
            throw new IllegalArgumentException(
                    "--envs " + envs + " must be between 1 and 65536, e.g. 16");
        }
        if (transitions < 1 || transitions % envs != 0) {
            throw new IllegalArgumentException(
                    "--transitions "
                            + transitions
                            + " must be a positive multiple of --envs "
                            + envs
                            + " (the actor steps all its environments together), e.g. "
                            + Math.max(envs, (transitions + envs - 1) / envs * envs));
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "--partitions " + partitions + " must be at least 1");
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("--checkpoint-interval must be positive, e.g. 2s");
        }
        if (commitTimeout.isNegative() || commitTimeout.isZero()) {
            throw new IllegalArgumentException("--commit-timeout must be positive, e.g. 5m");
        }
    }

    /** ε at the last logged step: the constant, or where the schedule has arrived. */
    public double finalEpsilon() {
        return epsilon.epsilon(transitions - 1);
    }

    /**
     * {@code 0.65}, or {@code 1.0:0.1:20000} for a linear schedule (the {@code --epsilon} form).
     */
    public String epsilonText() {
        if (epsilon instanceof EpsilonSchedule.Linear l) {
            return l.start() + ":" + l.end() + ":" + l.decaySteps();
        }
        return Double.toString(epsilon.epsilon(0));
    }

    private static EpsilonSchedule constant(double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException(
                    "--epsilon " + epsilon + " must be a probability in [0, 1], e.g. 0.65");
        }
        return EpsilonSchedule.constant(epsilon);
    }
}
