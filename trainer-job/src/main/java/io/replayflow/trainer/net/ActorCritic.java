package io.replayflow.trainer.net;

import io.replayflow.trainer.TransitionSpec;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * An actor-critic network: one trunk (the architecture of a {@link QNetworkSpec}, by default an MLP
 * of 2x128 ReLU as in the TensorFlow actor-critic tutorial) with a logits head {@code [batch,
 * numActions]} and a state-value head {@code [batch]}.
 *
 * <p>Both heads are one linear layer of width {@code numActions + 1} on the last hidden layer,
 * split into its first {@code numActions} columns (logits) and its last one (value): the same
 * function and parameters as two separate linear heads on a shared trunk, built with the existing
 * layer code and exported, initialised and checkpointed like any {@link QNetwork}.
 */
public final class ActorCritic {

    private final QNetwork net; // outputs [batch, numActions + 1]
    private final int numActions;

    private ActorCritic(QNetwork net, int numActions) {
        this.net = net;
        this.numActions = numActions;
    }

    /** Creates the variables of {@code trunk} with a {@code numActions + 1} head under scope. */
    public static ActorCritic build(Ops scope, QNetworkSpec trunk, TransitionSpec spec) {
        Objects.requireNonNull(trunk, "trunk");
        return new ActorCritic(trunk.build(scope, spec, spec.numActions() + 1), spec.numActions());
    }

    /** The two heads of one forward pass. */
    public record Heads(
            Operand<TFloat32> logits, // [batch, numActions]
            Operand<TFloat32> value) {} // [batch]

    /** Logits and value of {@code obs} {@code [batch, ...obsShape]}. */
    public Heads apply(Ops tf, Operand<TFloat32> obs) {
        return split(tf, net.apply(tf, obs), numActions);
    }

    /** Splits a head's output {@code [batch, numActions + 1]} into logits and value. */
    static Heads split(Ops tf, Operand<TFloat32> out, int numActions) {
        Operand<TFloat32> logits =
                tf.slice(
                        out,
                        tf.constant(new int[] {0, 0}),
                        tf.constant(new int[] {-1, numActions}));
        Operand<TFloat32> value = // [batch]
                tf.reshape(
                        tf.slice(
                                out,
                                tf.constant(new int[] {0, numActions}),
                                tf.constant(new int[] {-1, 1})),
                        tf.constant(new int[] {-1}));
        return new Heads(logits, value);
    }

    /** Every variable, layer by layer, kernel before bias; the head's last column is the value. */
    public List<Variable<TFloat32>> variables() {
        return net.variables();
    }

    /** The trunk-and-heads network as built (for weight initialisation). */
    public QNetwork network() {
        return net;
    }

    public int numActions() {
        return numActions;
    }
}
