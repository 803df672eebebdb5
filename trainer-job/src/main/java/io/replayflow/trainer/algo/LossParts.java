package io.replayflow.trainer.algo;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The named outputs of a loss, for the optimizer, metrics and priority updates alike.
 *
 * @param total what the optimizer minimises, {@code td + conservative} {@code []}
 * @param td importance-weighted mean TD loss {@code []}; for behaviour cloning the weighted mean
 *     cross-entropy
 * @param conservative the CQL term already scaled by alpha; 0 for the other algorithms {@code []}
 * @param tdError per-sample TD error {@code y - Q(s, a)} {@code [batch]} (priorities use |.|); for
 *     behaviour cloning the per-sample cross-entropy
 * @param meanQ mean {@code Q(s, a)} over the batch's actions {@code []}; for behaviour cloning the
 *     mean logit of the logged action
 */
public record LossParts(
        Operand<TFloat32> total,
        Operand<TFloat32> td,
        Operand<TFloat32> conservative,
        Operand<TFloat32> tdError,
        Operand<TFloat32> meanQ) {}
