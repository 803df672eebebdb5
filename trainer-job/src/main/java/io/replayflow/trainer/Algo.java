package io.replayflow.trainer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The training algorithms, by the name used in config ({@code trainer.algo}) and on the CLI. */
public enum Algo {
    /** DQN with a target network (Mnih et al., Nature 2015). */
    DQN("dqn"),
    /** Double DQN: the online network picks the next action (van Hasselt et al., AAAI 2016). */
    DOUBLE_DQN("double-dqn"),
    /** Discrete CQL(H) on a Double DQN target (Kumar et al., NeurIPS 2020). */
    CQL("cql"),
    /**
     * Discrete Implicit Q-learning: expectile value loss, advantage-weighted policy extraction
     * (Kostrikov, Nair and Levine, ICLR 2022).
     */
    IQL("iql"),
    /** Discrete batch-constrained Q-learning (Fujimoto et al., 2019): imitation-filtered target. */
    BCQ("bcq"),
    /** Behaviour cloning: softmax cross-entropy of the logged action (no rewards used). */
    BC("bc"),
    /**
     * Advantage actor-critic on n-step returns over trajectory segments, no off-policy correction
     * (Mnih et al., ICML 2016).
     */
    A2C("a2c"),
    /** REINFORCE with normalised Monte-Carlo returns over whole episodes (Williams, 1992). */
    REINFORCE("reinforce"),
    /** IMPALA's V-trace actor-critic over trajectory segments (Espeholt et al., ICML 2018). */
    IMPALA("impala"),
    /**
     * R2D2's recurrent Double DQN over trajectory segments with a burn-in (Kapturowski et al., ICLR
     * 2019): an LSTM Q-network, trained on the segments the policy-gradient loop reads.
     */
    R2D2("r2d2");

    private final String id;

    Algo(String id) {
        this.id = id;
    }

    /** The name in config, on the CLI and in {@code replayflow-policy.json}. */
    public String id() {
        return id;
    }

    /**
     * True for the policy-gradient family (A2C, REINFORCE, IMPALA), which trains an actor-critic on
     * trajectory segments rather than a Q-network on transitions.
     */
    public boolean policyGradient() {
        return this == A2C || this == REINFORCE || this == IMPALA;
    }

    /**
     * True for the algorithms that learn from live trajectory segments ({@code
     * replay.dataset.kind=segments}) rather than from transitions: the policy-gradient family and
     * R2D2. Their settings are a {@code SegmentConfig} (the segment learners' keys: the LSTM core's
     * {@code trainer.pg.lstm-units}, {@code trainer.pg.burn-in}, the reward scale).
     */
    public boolean segments() {
        return policyGradient() || this == R2D2;
    }

    /**
     * The batch size this algorithm trains with when {@code trainer.batch-size} is 0, its default:
     * 128 for CQL and IQL, 32 for the rest (the DQN family's online demo, BCQ, behaviour cloning,
     * and the policy-gradient family, whose batch is segments). Measured in docs/ALGORITHMS.md: on
     * the ε = 0.65 CartPole log CQL at batch 128 scored 500 for all three trainer seeds against
     * 479–499 at 32; on the scarce ε = 0.85 log IQL rose from 241.2 to 304.1 (expectile 0.7) and
     * CQL was level (331 and 387 in two runs against 335), while BCQ fell from 134.5 to 72.5, so
     * BCQ keeps 32. A larger batch averages the conservative and advantage-weighted terms over more
     * of a small, noisy log per step.
     */
    public int defaultBatchSize() {
        return switch (this) {
            case CQL, IQL -> 128;
            default -> 32;
        };
    }

    /**
     * Parses {@code dqn}, {@code double-dqn}, {@code cql}, {@code iql}, {@code bcq}, {@code bc},
     * {@code a2c}, {@code reinforce}, {@code impala} or {@code r2d2}.
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static Algo parse(String id) {
        for (Algo algo : values()) {
            if (algo.id.equals(id)) {
                return algo;
            }
        }
        throw new IllegalArgumentException(
                "unknown algorithm '" + id + "': choose one of " + choices());
    }

    static String choices() {
        return Arrays.stream(values()).map(Algo::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
