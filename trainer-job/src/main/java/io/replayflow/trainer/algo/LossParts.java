package io.replayflow.trainer.algo;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The named outputs of a loss, for the optimizer, metrics and priority updates alike.
 *
 * @param total what the optimizer minimises, {@code td + conservative} {@code []}
 * @param td importance-weighted mean TD loss {@code []}; for behaviour cloning the weighted mean
 *     cross-entropy
 * @param conservative the term beside the data fit: CQL's term already scaled by alpha, IQL's
 *     expectile value loss plus its advantage-weighted policy loss, BCQ's imitation cross-entropy;
 *     0 for DQN, Double DQN and BC {@code []}
 * @param tdError per-sample TD error {@code y - Q(s, a)} {@code [batch]} (priorities use |.|); for
 *     behaviour cloning the per-sample cross-entropy
 * @param meanQ mean {@code Q(s, a)} over the batch's actions {@code []}; for behaviour cloning the
 *     mean logit of the logged action
 * @param side scalars trained by their own optimizers (CQL's automatic alpha); usually none
 */
public record LossParts(
        Operand<TFloat32> total,
        Operand<TFloat32> td,
        Operand<TFloat32> conservative,
        Operand<TFloat32> tdError,
        Operand<TFloat32> meanQ,
        List<SideObjective> side) {

    public LossParts {
        side = List.copyOf(side);
    }

    /** Parts without side objectives. */
    public LossParts(
            Operand<TFloat32> total,
            Operand<TFloat32> td,
            Operand<TFloat32> conservative,
            Operand<TFloat32> tdError,
            Operand<TFloat32> meanQ) {
        this(total, td, conservative, tdError, meanQ, List.of());
    }
}
