/**
 * Off-policy evaluation on the experience log: estimators of a target policy's expected discounted
 * return from episodes logged by another (behaviour) policy, using the logged {@code
 * behavior_prob}. {@link io.replayflow.trainer.ope.PerDecisionIs}, {@link
 * io.replayflow.trainer.ope.WeightedPerDecisionIs}, {@link io.replayflow.trainer.ope.DoublyRobust}
 * and the direct method over {@link io.replayflow.trainer.ope.FittedQEvaluation} (the trainer's
 * graph with {@link io.replayflow.trainer.algo.FqeLoss}); {@link
 * io.replayflow.trainer.ope.Bootstrap} gives each a percentile interval over episodes.
 */
package io.replayflow.trainer.ope;
