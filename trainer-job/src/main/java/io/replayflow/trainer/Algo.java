package io.replayflow.trainer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The training algorithms, by the name used in config ({@code trainer.algo}) and on the CLI. */
public enum Algo {
    /** DQN with a target network (Mnih et al., Nature 2015). */
    DQN("dqn"),
    /** Double DQN: the online network picks the next action (van Hasselt et al., AAAI 2016). */
    DOUBLE_DQN("double-dqn"),
    /**
     * Quantile-regression DQN: a distribution of returns as N quantiles per action, learned with
     * the quantile Huber loss (Dabney et al., AAAI 2018); it acts on their mean.
     */
    QR_DQN("qr-dqn"),
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
     * The n of the n-step targets this algorithm builds from the experience log when {@code
     * trainer.n-step} is 0, its default: 3 for CQL, 1 for the rest. Measured in docs/ALGORITHMS.md
     * (rounds 6 and 7) on three scarce CartPole logs (4,800 transitions, 85 % random actions), six
     * trainer seeds each: CQL's mean over the three rose from 274.6 to 372.3 (+97.7 paired; −6.2,
     * +85.2 and +214.0 per log) and the ε = 0.65 log stayed at 500; IQL fell on two of them (−9.8,
     * −97.1), so IQL, like the rest, keeps one-step targets. Value reaches back three steps per
     * update, which matters when the logged episodes last 30 steps and the evaluation needs 500.
     */
    public int defaultNStep() {
        return this == CQL ? 3 : 1;
    }

    /**
     * The decay of the exported weights' moving average when {@code trainer.policy.ema-decay} is
     * -1, its default: 0.9998 for CQL and BCQ (an average over about the last 5,000 of their 30,000
     * offline steps), 0 (the last step's weights) for the rest. Measured in docs/ALGORITHMS.md
     * ("Round 10") on three scarce CartPole logs: CQL's mean over nine trainer seeds each rose from
     * 369.7 to 394.1 (+24.3 paired; 21 of 27 seeds up; 0.999 gave +15.6, 0.9999 was unstable, two
     * seeds collapsing below 100), BCQ's over three seeds each from 231.7 to 281.0; IQL moved +12.3
     * (standard error 13.8, 27 seeds) and BC −11.3, so both keep the last iterate, as do the online
     * algorithms, whose versions are published every 1,000 steps.
     */
    public double defaultPolicyEmaDecay() {
        return this == CQL || this == BCQ ? 0.9998 : 0;
    }

    /**
     * Parses {@code dqn}, {@code double-dqn}, {@code qr-dqn}, {@code cql}, {@code iql}, {@code
     * bcq}, {@code bc}, {@code a2c}, {@code reinforce}, {@code impala} or {@code r2d2}.
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
