package io.replayflow.trainer;

import static io.replayflow.trainer.TrainerOptions.*;

import io.replayflow.schemas.config.OptionTable;
import io.replayflow.schemas.config.Settings;
import io.replayflow.schemas.env.ObservationBounds;
import io.replayflow.trainer.algo.TdLossFunction;
import io.replayflow.trainer.net.QNetworkSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;

/**
 * The trainer's configuration: every key of {@link TrainerOptions}, parsed and validated once.
 * Immutable. {@link #batchSize()} is the batch in effect: {@code trainer.batch-size}, or where that
 * is 0 (its default) {@link Algo#defaultBatchSize()}; {@link #nStep()} likewise {@code
 * trainer.n-step} or {@link Algo#defaultNStep()}.
 *
 * <pre>{@code
 * TrainerConfig config = TrainerConfig.fromMap(Map.of(
 *         "trainer.algo", "cql",
 *         "trainer.hidden", "256,256",
 *         "trainer.batch-size", "256",
 *         "trainer.cql.alpha", "1.0"));
 * }</pre>
 */
public record TrainerConfig(
        Algo algo,
        NetworkKind network,
        List<Integer> hidden,
        boolean dueling,
        ObservationBounds obsBounds,
        double gamma,
        int nStep,
        int numActions,
        double lr,
        double lrEnd,
        long lrDecaySteps,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        int batchSize,
        long steps,
        long targetUpdatePeriod,
        double targetTau,
        double cqlAlpha,
        boolean cqlAutoAlpha,
        double cqlTargetGap,
        double cqlAlphaLr,
        double iqlExpectile,
        double iqlBeta,
        int iqlPolicies,
        int iqlCritics,
        double bcqThreshold,
        int qrQuantiles,
        double gradClipNorm,
        double weightDecay,
        double policyEmaDecay,
        double obsNoise,
        TdLossFunction loss,
        double huberDelta,
        SamplerKind sampler,
        double priorityAlpha,
        double priorityBeta0,
        long priorityBetaSteps,
        double priorityEpsilon,
        long seed,
        int intraOpThreads,
        int interOpThreads,
        long checkpointPeriod,
        int checkpointKeep,
        long metricsPeriod,
        long refreshPeriod,
        String policyName) {

    private static final Pattern POLICY_NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]+");

    public TrainerConfig {
        Objects.requireNonNull(algo, ALGO.key());
        Objects.requireNonNull(network, NETWORK.key());
        hidden = List.copyOf(Objects.requireNonNull(hidden, HIDDEN.key()));
        Objects.requireNonNull(loss, LOSS.key());
        Objects.requireNonNull(sampler, SAMPLER.key());
        Objects.requireNonNull(policyName, POLICY_NAME.key());
        for (int width : hidden) {
            check(width >= 1, HIDDEN, hidden, "every width must be >= 1, e.g. 64,64");
        }
        check(
                !dueling || algo == Algo.DQN || algo == Algo.DOUBLE_DQN || algo == Algo.CQL,
                DUELING,
                dueling,
                "applies to dqn, double-dqn and cql, not trainer.algo="
                        + algo.id()
                        + "; remove the key");
        Objects.requireNonNull(obsBounds, OBS_BOUNDS.key());
        check(
                obsBounds.isNone() || (network == NetworkKind.MLP && !algo.segments()),
                OBS_BOUNDS,
                obsBounds.format(),
                "applies to the transition algorithms' MLP (trainer.network=mlp), not"
                        + " trainer.algo="
                        + algo.id()
                        + " with trainer.network="
                        + network.id()
                        + "; remove the key");
        check(gamma >= 0 && gamma <= 1, GAMMA, gamma, "must be in [0, 1], e.g. 0.99");
        check(
                nStep >= 0,
                N_STEP,
                nStep,
                "must be >= 1, or 0 for the algorithm's own (Algo.defaultNStep), e.g. 3");
        if (nStep == 0) {
            nStep = algo.defaultNStep();
        }
        check(
                numActions == 0 || numActions >= 2,
                NUM_ACTIONS,
                numActions,
                "must be 0 (take it from the env id) or >= 2, e.g. 2 for CartPole-v1");
        check(lr > 0 && Double.isFinite(lr), LR, lr, "must be > 0, e.g. 3e-4");
        check(
                lrEnd >= 0 && Double.isFinite(lrEnd),
                LR_END,
                lrEnd,
                "must be finite and >= 0, e.g. 1e-4");
        check(lrDecaySteps >= 0, LR_DECAY_STEPS, lrDecaySteps, "must be >= 0 (0: no decay)");
        check(adamBeta1 >= 0 && adamBeta1 < 1, ADAM_BETA1, adamBeta1, "must be in [0, 1)");
        check(adamBeta2 >= 0 && adamBeta2 < 1, ADAM_BETA2, adamBeta2, "must be in [0, 1)");
        check(adamEpsilon > 0, ADAM_EPSILON, adamEpsilon, "must be > 0, e.g. 1e-8");
        check(
                batchSize >= 0,
                BATCH_SIZE,
                batchSize,
                "must be >= 1, or 0 for the algorithm's own (Algo.defaultBatchSize), e.g. 32");
        if (batchSize == 0) {
            batchSize = algo.defaultBatchSize();
        }
        check(steps >= 0, STEPS, steps, "must be >= 0");
        check(
                targetUpdatePeriod >= 1,
                TARGET_UPDATE_PERIOD,
                targetUpdatePeriod,
                "must be >= 1 (1 with tau 0.005 is Polyak averaging every step)");
        check(
                targetTau > 0 && targetTau <= 1,
                TARGET_TAU,
                targetTau,
                "must be in (0, 1]: 1 is a hard copy, e.g. 0.005 for Polyak averaging");
        check(
                cqlAlpha >= 0 && Double.isFinite(cqlAlpha),
                CQL_ALPHA,
                cqlAlpha,
                "must be finite and >= 0, e.g. 1.0");
        check(
                !cqlAutoAlpha || cqlAlpha > 0,
                CQL_ALPHA,
                cqlAlpha,
                "must be > 0 with trainer.cql.auto-alpha=true (it is the starting alpha), e.g."
                        + " 1.0");
        check(
                cqlTargetGap >= 0 && Double.isFinite(cqlTargetGap),
                CQL_TARGET_GAP,
                cqlTargetGap,
                "must be finite and >= 0, e.g. 0.5");
        check(
                cqlAlphaLr > 0 && Double.isFinite(cqlAlphaLr),
                CQL_ALPHA_LR,
                cqlAlphaLr,
                "must be > 0, e.g. 1e-3");
        check(
                iqlExpectile > 0 && iqlExpectile < 1,
                IQL_EXPECTILE,
                iqlExpectile,
                "must be in (0, 1), e.g. 0.7");
        check(
                iqlBeta >= 0 && Double.isFinite(iqlBeta),
                IQL_BETA,
                iqlBeta,
                "must be finite and >= 0, e.g. 3.0");
        check(iqlPolicies >= 1, IQL_POLICIES, iqlPolicies, "must be >= 1, e.g. 5");
        check(
                iqlCritics == 1 || iqlCritics == iqlPolicies,
                IQL_CRITICS,
                iqlCritics,
                "must be 1 (shared) or trainer.iql.policies (" + iqlPolicies + ", one per policy)");
        check(
                bcqThreshold >= 0 && bcqThreshold < 1,
                BCQ_THRESHOLD,
                bcqThreshold,
                "must be in [0, 1), e.g. 0.3");
        check(qrQuantiles >= 1, QR_QUANTILES, qrQuantiles, "must be >= 1, e.g. 25");
        check(
                gradClipNorm >= 0 && Double.isFinite(gradClipNorm),
                GRAD_CLIP_NORM,
                gradClipNorm,
                "must be >= 0 (0 turns clipping off), e.g. 10");
        check(
                weightDecay >= 0 && Double.isFinite(weightDecay),
                WEIGHT_DECAY,
                weightDecay,
                "must be finite and >= 0 (0 turns it off), e.g. 1e-4");
        check(
                weightDecay == 0 || !algo.segments(),
                WEIGHT_DECAY,
                weightDecay,
                "applies to the transition algorithms only, not trainer.algo="
                        + algo.id()
                        + "; remove the key");
        check(
                (policyEmaDecay >= 0 && policyEmaDecay < 1) || policyEmaDecay == -1,
                POLICY_EMA_DECAY,
                policyEmaDecay,
                "must be in [0, 1) (0 exports the last step's weights), or -1 for the algorithm's"
                        + " own (Algo.defaultPolicyEmaDecay), e.g. 0.9998");
        if (policyEmaDecay == -1) {
            policyEmaDecay = algo.defaultPolicyEmaDecay();
        }
        check(
                policyEmaDecay == 0 || !algo.segments(),
                POLICY_EMA_DECAY,
                policyEmaDecay,
                "applies to the transition algorithms only, not trainer.algo="
                        + algo.id()
                        + "; remove the key");
        check(
                obsNoise >= 0 && Double.isFinite(obsNoise),
                AUGMENT_OBS_NOISE,
                obsNoise,
                "must be finite and >= 0 (a fraction of each feature's standard deviation; 0"
                        + " turns it off), e.g. 0.1");
        check(
                obsNoise == 0 || !algo.segments(),
                AUGMENT_OBS_NOISE,
                obsNoise,
                "applies to the transition algorithms only, not trainer.algo="
                        + algo.id()
                        + "; remove the key");
        check(huberDelta > 0, HUBER_DELTA, huberDelta, "must be > 0, e.g. 1.0");
        check(
                priorityAlpha >= 0 && Double.isFinite(priorityAlpha),
                PRIORITY_ALPHA,
                priorityAlpha,
                "must be finite and >= 0, e.g. 0.6");
        check(
                priorityBeta0 >= 0 && priorityBeta0 <= 1,
                PRIORITY_BETA0,
                priorityBeta0,
                "must be in [0, 1], e.g. 0.4");
        check(
                priorityBetaSteps >= -1,
                PRIORITY_BETA_STEPS,
                priorityBetaSteps,
                "must be >= 0, or -1 for trainer.steps");
        check(priorityEpsilon > 0, PRIORITY_EPSILON, priorityEpsilon, "must be > 0, e.g. 1e-6");
        check(intraOpThreads >= 0, INTRA_OP_THREADS, intraOpThreads, "must be >= 0");
        check(
                interOpThreads >= -1,
                INTER_OP_THREADS,
                interOpThreads,
                "must be >= 0, or -1 to run ops in the calling thread");
        check(checkpointPeriod >= 0, CHECKPOINT_PERIOD, checkpointPeriod, "must be >= 0");
        check(checkpointKeep >= 1, CHECKPOINT_KEEP, checkpointKeep, "must be >= 1");
        check(metricsPeriod >= 1, METRICS_PERIOD, metricsPeriod, "must be >= 1");
        check(refreshPeriod >= 0, REFRESH_PERIOD, refreshPeriod, "must be >= 0");
        check(
                POLICY_NAME_PATTERN.matcher(policyName).matches(),
                POLICY_NAME,
                policyName,
                "use letters, digits, '.', '_' and '-', e.g. cartpole");
        if (network != NetworkKind.MLP
                && !hidden.equals(TrainerOptions.parseIntList(HIDDEN.defaultValue()))) {
            throw new IllegalArgumentException(
                    "trainer.hidden="
                            + OptionTable.format(hidden)
                            + " does not apply to trainer.network="
                            + network
                            + " (its layers are fixed): remove trainer.hidden or use"
                            + " trainer.network=mlp");
        }
    }

    /** Every key at its default. */
    public static TrainerConfig defaults() {
        return fromMap(Map.of());
    }

    /**
     * Reads a configuration from string values; missing keys take their defaults.
     *
     * @throws IllegalArgumentException for an unknown key (naming the close ones) or a bad value
     *     (naming the key, the rule and an example)
     */
    public static TrainerConfig fromMap(Map<String, String> settings) {
        Settings values = TrainerOptions.table().read(settings);
        return new TrainerConfig(
                values.get(ALGO),
                values.get(NETWORK),
                hidden(values),
                values.get(DUELING),
                obsBounds(values),
                values.get(GAMMA),
                values.get(N_STEP),
                values.get(NUM_ACTIONS),
                values.get(LR),
                values.get(LR_END),
                values.get(LR_DECAY_STEPS),
                values.get(ADAM_BETA1),
                values.get(ADAM_BETA2),
                values.get(ADAM_EPSILON),
                values.get(BATCH_SIZE),
                values.get(STEPS),
                values.get(TARGET_UPDATE_PERIOD),
                values.get(TARGET_TAU),
                values.get(CQL_ALPHA),
                values.get(CQL_AUTO_ALPHA),
                values.get(CQL_TARGET_GAP),
                values.get(CQL_ALPHA_LR),
                values.get(IQL_EXPECTILE),
                values.get(IQL_BETA),
                values.get(IQL_POLICIES),
                values.get(IQL_CRITICS),
                values.get(BCQ_THRESHOLD),
                values.get(QR_QUANTILES),
                values.get(GRAD_CLIP_NORM),
                values.get(WEIGHT_DECAY),
                values.get(POLICY_EMA_DECAY),
                values.get(AUGMENT_OBS_NOISE),
                values.get(LOSS),
                values.get(HUBER_DELTA),
                values.get(SAMPLER),
                values.get(PRIORITY_ALPHA),
                values.get(PRIORITY_BETA0),
                values.get(PRIORITY_BETA_STEPS),
                values.get(PRIORITY_EPSILON),
                values.get(SEED),
                values.get(INTRA_OP_THREADS),
                values.get(INTER_OP_THREADS),
                values.get(CHECKPOINT_PERIOD),
                values.get(CHECKPOINT_KEEP),
                values.get(METRICS_PERIOD),
                values.get(REFRESH_PERIOD),
                values.get(POLICY_NAME));
    }

    /** This configuration with one key changed, e.g. {@code with("trainer.algo", "cql")}. */
    public TrainerConfig with(String key, Object value) {
        Map<String, String> map = new LinkedHashMap<>(toMap());
        map.put(key, OptionTable.format(value));
        return fromMap(map);
    }

    /** Every key with its value as a string, sorted by key (written into the policy manifest). */
    public Map<String, String> toMap() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ALGO.key(), algo.id());
        values.put(NETWORK.key(), network.id());
        values.put(HIDDEN.key(), OptionTable.format(hidden));
        values.put(DUELING.key(), dueling);
        values.put(OBS_BOUNDS.key(), obsBounds.format());
        values.put(GAMMA.key(), gamma);
        values.put(N_STEP.key(), nStep);
        values.put(NUM_ACTIONS.key(), numActions);
        values.put(LR.key(), lr);
        values.put(LR_END.key(), lrEnd);
        values.put(LR_DECAY_STEPS.key(), lrDecaySteps);
        values.put(ADAM_BETA1.key(), adamBeta1);
        values.put(ADAM_BETA2.key(), adamBeta2);
        values.put(ADAM_EPSILON.key(), adamEpsilon);
        values.put(BATCH_SIZE.key(), batchSize);
        values.put(STEPS.key(), steps);
        values.put(TARGET_UPDATE_PERIOD.key(), targetUpdatePeriod);
        values.put(TARGET_TAU.key(), targetTau);
        values.put(CQL_ALPHA.key(), cqlAlpha);
        values.put(CQL_AUTO_ALPHA.key(), cqlAutoAlpha);
        values.put(CQL_TARGET_GAP.key(), cqlTargetGap);
        values.put(CQL_ALPHA_LR.key(), cqlAlphaLr);
        values.put(IQL_EXPECTILE.key(), iqlExpectile);
        values.put(IQL_BETA.key(), iqlBeta);
        values.put(IQL_POLICIES.key(), iqlPolicies);
        values.put(IQL_CRITICS.key(), iqlCritics);
        values.put(BCQ_THRESHOLD.key(), bcqThreshold);
        values.put(QR_QUANTILES.key(), qrQuantiles);
        values.put(GRAD_CLIP_NORM.key(), gradClipNorm);
        values.put(WEIGHT_DECAY.key(), weightDecay);
        values.put(POLICY_EMA_DECAY.key(), policyEmaDecay);
        values.put(AUGMENT_OBS_NOISE.key(), obsNoise);
        values.put(LOSS.key(), loss.id());
        values.put(HUBER_DELTA.key(), huberDelta);
        values.put(SAMPLER.key(), sampler.id());
        values.put(PRIORITY_ALPHA.key(), priorityAlpha);
        values.put(PRIORITY_BETA0.key(), priorityBeta0);
        values.put(PRIORITY_BETA_STEPS.key(), priorityBetaSteps);
        values.put(PRIORITY_EPSILON.key(), priorityEpsilon);
        values.put(SEED.key(), seed);
        values.put(INTRA_OP_THREADS.key(), intraOpThreads);
        values.put(INTER_OP_THREADS.key(), interOpThreads);
        values.put(CHECKPOINT_PERIOD.key(), checkpointPeriod);
        values.put(CHECKPOINT_KEEP.key(), checkpointKeep);
        values.put(METRICS_PERIOD.key(), metricsPeriod);
        values.put(REFRESH_PERIOD.key(), refreshPeriod);
        values.put(POLICY_NAME.key(), policyName);
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** The Q-network these settings describe. */
    public QNetworkSpec networkSpec() {
        return switch (network) {
            case NATURE_CNN -> QNetworkSpec.natureCnn();
            case MINATAR -> QNetworkSpec.minAtar();
            case MLP -> new QNetworkSpec.Mlp(hidden, obsBounds);
        };
    }

    /**
     * The online (trained and exported) network: for IQL with {@code trainer.iql.policies} K > 1 an
     * {@linkplain QNetworkSpec#ensemble ensemble} of K policy networks of {@link #networkSpec()},
     * for QR-DQN {@link #networkSpec()} with {@code trainer.qr.quantiles} outputs per action
     * ({@linkplain QNetworkSpec#quantiles quantiles}, applied as their mean); with {@code
     * trainer.dueling} the {@linkplain QNetworkSpec#dueling dueling} form of {@link
     * #networkSpec()}; otherwise {@link #networkSpec()} itself. The extra networks (IQL's Q and V,
     * BCQ's imitation network) are always {@link #networkSpec()}.
     */
    public QNetworkSpec onlineNetworkSpec() {
        return switch (algo) {
            case IQL -> QNetworkSpec.ensemble(networkSpec(), iqlPolicies);
            case QR_DQN -> QNetworkSpec.quantiles(networkSpec(), qrQuantiles);
            default -> dueling ? QNetworkSpec.dueling(networkSpec()) : networkSpec();
        };
    }

    /** Whether in-memory sources sample by priority. */
    public boolean prioritized() {
        return sampler == SamplerKind.PRIORITIZED;
    }

    /** Steps over which the importance-weight exponent anneals to 1. */
    public long betaAnnealSteps() {
        return priorityBetaSteps >= 0 ? priorityBetaSteps : steps;
    }

    private static List<Integer> hidden(Settings values) {
        String text = values.get(HIDDEN);
        try {
            return TrainerOptions.parseIntList(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    HIDDEN.key()
                            + "='"
                            + text
                            + "' is not a valid int list; e.g. "
                            + HIDDEN.key()
                            + "="
                            + HIDDEN.defaultValue(),
                    e);
        }
    }

    private static ObservationBounds obsBounds(Settings values) {
        try {
            return ObservationBounds.parse(values.get(OBS_BOUNDS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(OBS_BOUNDS.key() + ": " + e.getMessage(), e);
        }
    }

    private static void check(boolean ok, ConfigOption<?> option, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(
                    option.key() + "=" + OptionTable.format(value) + " is invalid: " + rule);
        }
    }
}
