/**
 * The reader's side of a policy artifact: verify, load, run batched, hot-swap with reference
 * counting, close. {@link io.replayflow.policy.Policy} is what readers act and score with; {@link
 * io.replayflow.policy.PolicyRejectedException} carries the one set of refusal reasons, shared by
 * the actors, the replay job's scorer and evaluation.
 */
package io.replayflow.policy;
