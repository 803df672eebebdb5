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
 */
public record PolicySnapshot(
        String policyName,
        Algo algo,
        QNetworkSpec network,
        TransitionSpec spec,
        List<float[]> weights,
        Map<String, String> config,
        long trainStep,
        PolicyManifest.Lineage lineage) {

    public PolicySnapshot {
        Objects.requireNonNull(policyName, "policyName");
        Objects.requireNonNull(algo, "algo");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(spec, "spec");
        weights = List.copyOf(weights);
        config = Map.copyOf(config);
        Objects.requireNonNull(lineage, "lineage");
    }
}
