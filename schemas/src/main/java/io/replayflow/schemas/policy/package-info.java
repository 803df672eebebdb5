/**
 * The policy artifact contract: a SavedModel directory plus {@code replayflow-policy.json} ({@link
 * io.replayflow.schemas.policy.PolicyManifest}), and the digest that ties the two ({@link
 * io.replayflow.schemas.policy.ArtifactDigest}). The trainer writes it; actors and the replay-store
 * job verify it before they load a model.
 */
package io.replayflow.schemas.policy;
