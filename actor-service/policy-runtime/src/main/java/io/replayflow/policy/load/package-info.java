/**
 * Verifying and loading an announced policy artifact: {@link
 * io.replayflow.policy.load.PolicyLoader} (URI, policy root, manifest, checksums, spec, model,
 * warm-up) and {@link io.replayflow.policy.load.PolicyRoot}.
 */
package io.replayflow.policy.load;
