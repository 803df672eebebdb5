package io.replayflow.trainer.export;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.net.QNetworkSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to export a trained policy, detached from the training session.
 *
 * @param policyName name the policy is published under
 * @param algo the algorithm that trained it
 * @param network the Q-network architecture
 * @param spec observation shape and type, number of actions
 * @param weights the online network's variables, in {@code QNetwork.variables()} order
 * @param config the training configuration (written into the manifest)
 * @param trainStep gradient steps taken
 * @param lineage what data trained it
 * @param stochastic true for an actor-critic ({@code network} is its trunk; the weights end with a
 *     {@code numActions + 1} head, logits then value) exported as a policy of kind {@code
 *     stochastic}; false for a Q-network
 * @param lstmUnits the width of the LSTM between the snapshot's trunk and its head (a {@link
 *     io.replayflow.trainer.net.RecurrentActorCritic} when stochastic, a {@link
 *     io.replayflow.trainer.net.RecurrentQNetwork} otherwise, exported with state inputs and
 *     outputs), 0 for a feed-forward network
 * @param actionFilter BCQ's filter on the greedy action (the imitation network and its threshold),
 *     exported beside the Q-network; null for every other policy
 */
public record PolicySnapshot(
        String policyName,
        Algo algo,
        QNetworkSpec network,
        TransitionSpec spec,
        List<float[]> weights,
        Map<String, String> config,
        long trainStep,
        PolicyManifest.Lineage lineage,
        boolean stochastic,
        int lstmUnits,
        ActionFilter actionFilter) {

    /**
     * BCQ's filter: the exported {@code action} is {@code argmax_a Q(s, a)} over the actions with
     * {@code exp(g(s, a) - max_a' g(s, a')) > threshold}, {@code g} the imitation network's logits
     * ({@link io.replayflow.trainer.algo.BcqLoss#filteredAction}).
     *
     * @param imitationWeights the imitation network's variables, in {@code QNetwork.variables()}
     *     order; it has the Q-network's architecture ({@code network}) and one output per action
     * @param threshold {@code trainer.bcq.threshold}, in [0, 1)
     */
    public record ActionFilter(List<float[]> imitationWeights, float threshold) {

        public ActionFilter {
            imitationWeights = List.copyOf(imitationWeights);
            if (!(threshold >= 0 && threshold < 1)) {
                throw new IllegalArgumentException(
                        "trainer.bcq.threshold=" + threshold + " is invalid: must be in [0, 1)");
            }
        }
    }

    /** A Q-network snapshot. */
    public PolicySnapshot(
            String policyName,
            Algo algo,
            QNetworkSpec network,
            TransitionSpec spec,
            List<float[]> weights,
            Map<String, String> config,
            long trainStep,
            PolicyManifest.Lineage lineage) {
        this(policyName, algo, network, spec, weights, config, trainStep, lineage, false, 0, null);
    }

    /** An actor-critic snapshot, exported as a stochastic policy. */
    public static PolicySnapshot stochastic(
            String policyName,
            Algo algo,
            QNetworkSpec trunk,
            TransitionSpec spec,
            List<float[]> weights,
            Map<String, String> config,
            long trainStep,
            PolicyManifest.Lineage lineage) {
        return new PolicySnapshot(
                policyName, algo, trunk, spec, weights, config, trainStep, lineage, true, 0, null);
    }

    /**
     * A recurrent actor-critic snapshot ({@code trunk}'s dense layers, an LSTM of {@code units},
     * the head), exported as a stochastic policy with an LSTM state (manifest format 3).
     */
    public static PolicySnapshot recurrent(
            String policyName,
            Algo algo,
            QNetworkSpec.Mlp trunk,
            int units,
            TransitionSpec spec,
            List<float[]> weights,
            Map<String, String> config,
            long trainStep,
            PolicyManifest.Lineage lineage) {
        return lstm(
                policyName, algo, trunk, units, spec, weights, config, trainStep, lineage, true);
    }

    /**
     * A recurrent Q-network snapshot ({@code trunk}'s dense layers, an LSTM of {@code units}, a
     * linear Q head; R2D2), exported as a Q-value policy with an LSTM state (manifest format 3).
     */
    public static PolicySnapshot recurrentQ(
            String policyName,
            Algo algo,
            QNetworkSpec.Mlp trunk,
            int units,
            TransitionSpec spec,
            List<float[]> weights,
            Map<String, String> config,
            long trainStep,
            PolicyManifest.Lineage lineage) {
        return lstm(
                policyName, algo, trunk, units, spec, weights, config, trainStep, lineage, false);
    }

    private static PolicySnapshot lstm(
            String policyName,
            Algo algo,
            QNetworkSpec.Mlp trunk,
            int units,
            TransitionSpec spec,
            List<float[]> weights,
            Map<String, String> config,
            long trainStep,
            PolicyManifest.Lineage lineage,
            boolean stochastic) {
        if (units < 1) {
            throw new IllegalArgumentException("LSTM units must be >= 1, got " + units);
        }
        return new PolicySnapshot(
                policyName,
                algo,
                trunk,
                spec,
                weights,
                config,
                trainStep,
                lineage,
                stochastic,
                units,
                null);
    }

    /** This Q-network snapshot acting through BCQ's {@code filter}. */
    public PolicySnapshot withActionFilter(ActionFilter filter) {
        Objects.requireNonNull(filter, "filter");
        if (stochastic || lstmUnits > 0) {
            throw new IllegalArgumentException(
                    "an action filter applies to a feed-forward Q-network snapshot, not an"
                            + " actor-critic or a recurrent one");
        }
        return new PolicySnapshot(
                policyName,
                algo,
                network,
                spec,
                weights,
                config,
                trainStep,
                lineage,
                false,
                0,
                filter);
    }

    /** True when the policy keeps an LSTM state between steps. */
    public boolean recurrent() {
        return lstmUnits > 0;
    }

    public PolicySnapshot {
        Objects.requireNonNull(policyName, "policyName");
        Objects.requireNonNull(algo, "algo");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(spec, "spec");
        weights = List.copyOf(weights);
        config = Map.copyOf(config);
        Objects.requireNonNull(lineage, "lineage");
        if (lstmUnits > 0 && (!(network instanceof QNetworkSpec.Mlp) || actionFilter != null)) {
            throw new IllegalArgumentException(
                    "a recurrent snapshot is an actor-critic or a Q-network over an mlp trunk,"
                            + " without an action filter; got "
                            + network.describe());
        }
    }
}
