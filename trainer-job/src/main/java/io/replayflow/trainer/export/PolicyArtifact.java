package io.replayflow.trainer.export;

import io.replayflow.schemas.avro.Lineage;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Path;
import java.util.Map;

/**
 * A policy artifact in its final place, {@code <root>/policies/<name>/<version>/}.
 *
 * @param dir the artifact directory (SavedModel + {@code replayflow-policy.json})
 * @param manifest what {@code replayflow-policy.json} says
 */
public record PolicyArtifact(Path dir, PolicyManifest manifest) {

    public String policyName() {
        return manifest.policyName();
    }

    public long version() {
        return manifest.version();
    }

    public String sha256() {
        return manifest.sha256();
    }

    /**
     * The artifact directory as a URI without a trailing slash, e.g. {@code
     * file:///data/policies/cartpole/7}.
     */
    public String uri() {
        String uri = dir.toAbsolutePath().toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /** The {@code PolicyVersion} record that announces this artifact on {@code rf.policies}. */
    public PolicyVersion toPolicyVersion(Map<String, Double> metrics) {
        PolicyManifest.Lineage l = manifest.lineage();
        return PolicyVersion.newBuilder()
                .setPolicyName(manifest.policyName())
                .setVersion(manifest.version())
                .setUri(uri())
                .setSha256(manifest.sha256())
                .setAlgo(manifest.algo())
                .setObsShape(manifest.obsShape())
                .setNumActions(manifest.numActions())
                .setTrainStep(manifest.trainStep())
                .setCreatedAtMs(manifest.createdAtMs())
                .setLineage(
                        Lineage.newBuilder()
                                .setSources(l.sources())
                                .setEventTimeFromMs(l.eventTimeFromMs())
                                .setEventTimeToMs(l.eventTimeToMs())
                                .setTransitions(l.transitions())
                                .setBehaviorPolicyVersions(l.behaviorPolicyVersions())
                                .build())
                .setMetrics(Map.copyOf(metrics))
                .build();
    }
}
