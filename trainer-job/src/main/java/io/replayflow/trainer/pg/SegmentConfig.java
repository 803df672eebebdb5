package io.replayflow.trainer.pg;

import static io.replayflow.trainer.TrainerOptions.ACTOR_CRITIC_HIDDEN;
import static io.replayflow.trainer.TrainerOptions.PG_BURN_IN;
import static io.replayflow.trainer.TrainerOptions.PG_ENTROPY_COEF;
import static io.replayflow.trainer.TrainerOptions.PG_LSTM_UNITS;
import static io.replayflow.trainer.TrainerOptions.PG_NETWORK;
import static io.replayflow.trainer.TrainerOptions.PG_REWARD_SCALE;
import static io.replayflow.trainer.TrainerOptions.PG_VALUE_COEF;
import static io.replayflow.trainer.TrainerOptions.VTRACE_C_BAR;
import static io.replayflow.trainer.TrainerOptions.VTRACE_RHO_BAR;

import io.replayflow.schemas.config.Settings;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TrainerOptions;
import io.replayflow.trainer.algo.A2cLoss;
import io.replayflow.trainer.algo.PolicyGradientLoss;
import io.replayflow.trainer.algo.ReinforceLoss;
import io.replayflow.trainer.algo.VtraceLoss;
import io.replayflow.trainer.net.QNetworkSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The segment learners' settings (the policy-gradient family and R2D2, {@link Algo#segments()}):
 * the trainer's shared keys ({@code trainer.algo}, {@code trainer.gamma}, {@code trainer.lr}, Adam,
 * {@code trainer.grad-clip-norm}, {@code trainer.batch-size} as segments per step, {@code
 * trainer.seed}, threads) plus the actor-critic and V-trace keys of {@link TrainerOptions}.
 * Immutable; validated once.
 *
 * <pre>{@code
 * SegmentConfig config = SegmentConfig.fromMap(Map.of(
 *         "trainer.algo", "impala",
 *         "trainer.lr", "0.001",
 *         "trainer.vtrace.rho-bar", "1.0"));
 * }</pre>
 *
 * @param trainer the shared trainer settings; {@code trainer.algo} learns from segments (r2d2 reads
 *     its Q-network's dense layers from {@code trainer.hidden} and its target update, loss and
 *     n-step from the trainer keys)
 * @param hidden hidden widths of the actor-critic trunk
 * @param valueCoef {@code c_v}, >= 0
 * @param entropyCoef {@code c_e}, >= 0
 * @param rhoBar V-trace {@code rho_bar}, > 0
 * @param cBar V-trace {@code c_bar}, > 0
 * @param rewardScale factor on every reward before the loss's targets, > 0
 * @param core the actor-critic's core: dense layers only, or dense layers then an LSTM
 * @param lstmUnits the LSTM's width ({@link ActorCriticCore#LSTM}), >= 1
 * @param burnIn steps replayed before a segment to recompute its starting LSTM state, >= 0
 */
public record SegmentConfig(
        TrainerConfig trainer,
        List<Integer> hidden,
        double valueCoef,
        double entropyCoef,
        double rhoBar,
        double cBar,
        double rewardScale,
        ActorCriticCore core,
        int lstmUnits,
        int burnIn) {

    public SegmentConfig {
        Objects.requireNonNull(trainer, "trainer");
        hidden = List.copyOf(hidden);
        if (!trainer.algo().segments()) {
            throw new IllegalArgumentException(
                    "trainer.algo="
                            + trainer.algo()
                            + " does not learn from trajectory segments: use a2c, reinforce,"
                            + " impala or r2d2");
        }
        if (hidden.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException(
                    ACTOR_CRITIC_HIDDEN.key()
                            + "="
                            + hidden
                            + " must list widths >= 1, e.g. 128,128");
        }
        requireNonNegative(PG_VALUE_COEF.key(), valueCoef);
        requireNonNegative(PG_ENTROPY_COEF.key(), entropyCoef);
        requirePositive(VTRACE_RHO_BAR.key(), rhoBar);
        requirePositive(VTRACE_C_BAR.key(), cBar);
        if (!(rewardScale > 0) || Double.isInfinite(rewardScale)) {
            throw new IllegalArgumentException(
                    PG_REWARD_SCALE.key()
                            + "="
                            + rewardScale
                            + " must be a finite number > 0, e.g. 0.01 for returns near -100");
        }
        Objects.requireNonNull(core, "core");
        if (lstmUnits < 1) {
            throw new IllegalArgumentException(
                    PG_LSTM_UNITS.key() + "=" + lstmUnits + " must be >= 1, e.g. 64");
        }
        if (burnIn < 0) {
            throw new IllegalArgumentException(
                    PG_BURN_IN.key() + "=" + burnIn + " must be >= 0, e.g. 20 (0: no burn-in)");
        }
        if (core != ActorCriticCore.LSTM && trainer.algo() == Algo.R2D2) {
            throw new IllegalArgumentException(
                    "trainer.algo=r2d2 trains a recurrent Q-network: set "
                            + PG_NETWORK.key()
                            + "=lstm (its trunk is trainer.hidden, its LSTM "
                            + PG_LSTM_UNITS.key()
                            + ")");
        }
        if (core == ActorCriticCore.LSTM && trainer.algo() == Algo.REINFORCE) {
            throw new IllegalArgumentException(
                    PG_NETWORK.key()
                            + "=lstm trains on fixed-length segments; reinforce trains on whole"
                            + " episodes of any length: use trainer.algo=a2c or impala with lstm");
        }
    }

    /** These settings with {@code trainer} as the shared trainer settings. */
    public SegmentConfig withTrainer(TrainerConfig trainer) {
        return new SegmentConfig(
                trainer,
                hidden,
                valueCoef,
                entropyCoef,
                rhoBar,
                cBar,
                rewardScale,
                core,
                lstmUnits,
                burnIn);
    }

    /** True when the actor-critic has an LSTM core (a recurrent policy). */
    public boolean recurrent() {
        return core == ActorCriticCore.LSTM;
    }

    /**
     * Reads the settings; missing keys take their defaults.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming the key
     */
    public static SegmentConfig fromMap(Map<String, String> settings) {
        TrainerConfig trainer = TrainerConfig.fromMap(settings);
        Settings values = TrainerOptions.table().read(settings);
        String hidden = values.get(ACTOR_CRITIC_HIDDEN);
        List<Integer> widths;
        try {
            widths = TrainerOptions.parseIntList(hidden);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    ACTOR_CRITIC_HIDDEN.key()
                            + "='"
                            + hidden
                            + "' is not a valid int list; e.g. "
                            + ACTOR_CRITIC_HIDDEN.key()
                            + "=128,128",
                    e);
        }
        return new SegmentConfig(
                trainer,
                widths,
                values.get(PG_VALUE_COEF),
                values.get(PG_ENTROPY_COEF),
                values.get(VTRACE_RHO_BAR),
                values.get(VTRACE_C_BAR),
                values.get(PG_REWARD_SCALE),
                values.get(PG_NETWORK),
                values.get(PG_LSTM_UNITS),
                values.get(PG_BURN_IN));
    }

    /** The actor-critic trunk: an MLP of {@link #hidden}. */
    public QNetworkSpec.Mlp trunk() {
        return QNetworkSpec.mlp(hidden.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The loss of {@code trainer.algo}. */
    public PolicyGradientLoss loss() {
        return switch (trainer.algo()) {
            case A2C -> new A2cLoss();
            case REINFORCE -> new ReinforceLoss();
            case IMPALA -> new VtraceLoss((float) rhoBar, (float) cBar);
            case R2D2 ->
                    throw new IllegalStateException(
                            "r2d2 is a Q-learning algorithm: io.replayflow.trainer.r2d2 has its"
                                    + " loss");
            default -> throw new IllegalStateException("checked in the constructor");
        };
    }

    /**
     * Every key the algorithm reads with its value, for policy manifests and checkpoints: r2d2's
     * leave out the actor-critic's keys ({@code trainer.actor-critic.hidden}, {@code
     * trainer.pg.value-coef}, {@code trainer.pg.entropy-coef}, {@code trainer.vtrace.*}), which it
     * does not read.
     */
    public Map<String, String> toMap() {
        Map<String, String> map = new java.util.TreeMap<>(trainer.toMap());
        map.put(PG_REWARD_SCALE.key(), String.valueOf(rewardScale));
        map.put(PG_NETWORK.key(), core.toString());
        map.put(PG_LSTM_UNITS.key(), String.valueOf(lstmUnits));
        map.put(PG_BURN_IN.key(), String.valueOf(burnIn));
        if (trainer.algo() == Algo.R2D2) {
            return map;
        }
        map.put(
                ACTOR_CRITIC_HIDDEN.key(),
                String.join(",", hidden.stream().map(String::valueOf).toList()));
        map.put(PG_VALUE_COEF.key(), String.valueOf(valueCoef));
        map.put(PG_ENTROPY_COEF.key(), String.valueOf(entropyCoef));
        map.put(VTRACE_RHO_BAR.key(), String.valueOf(rhoBar));
        map.put(VTRACE_C_BAR.key(), String.valueOf(cBar));
        return map;
    }

    private static void requireNonNegative(String key, double v) {
        if (!(v >= 0)) {
            throw new IllegalArgumentException(key + "=" + v + " must be >= 0");
        }
    }

    private static void requirePositive(String key, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(key + "=" + v + " must be > 0 (the paper uses 1)");
        }
    }
}
