package io.replayflow.trainer.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Reads and writes a list of float variables as Java arrays (row-major in each variable's shape):
 * initial weights, fixed test weights, and copying trained weights into an export graph. One
 * placeholder and assign op per variable, built once.
 */
public final class VariableIo {

    private final List<Variable<TFloat32>> vars;
    private final List<Placeholder<TFloat32>> feeds = new ArrayList<>();
    private final List<Op> assigns = new ArrayList<>();

    public VariableIo(Ops tf, String name, List<Variable<TFloat32>> vars) {
        this.vars = List.copyOf(vars);
        Ops scope = tf.withSubScope(name);
        for (Variable<TFloat32> var : vars) {
            Placeholder<TFloat32> feed =
                    scope.placeholder(TFloat32.class, Placeholder.shape(var.shape()));
            feeds.add(feed);
            assigns.add(scope.assign(var, feed));
        }
    }

    public List<Variable<TFloat32>> variables() {
        return vars;
    }

    /** Shape of each variable. */
    public List<Shape> shapes() {
        return vars.stream().map(Variable::shape).toList();
    }

    /**
     * Sets every variable from {@code values} (one array per variable, in order).
     *
     * @throws IllegalArgumentException if the count or a length does not match, naming the variable
     */
    public void write(Session session, List<float[]> values) {
        if (values.size() != vars.size()) {
            throw new IllegalArgumentException(
                    "got " + values.size() + " weight arrays for " + vars.size() + " variables");
        }
        List<TFloat32> tensors = new ArrayList<>(vars.size());
        try {
            Session.Runner runner = session.runner();
            for (int i = 0; i < vars.size(); i++) {
                Shape shape = vars.get(i).shape();
                float[] v = values.get(i);
                if (v.length != shape.size()) {
                    throw new IllegalArgumentException(
                            "weights for "
                                    + vars.get(i).op().name()
                                    + " have "
                                    + v.length
                                    + " values; its shape "
                                    + shape
                                    + " needs "
                                    + shape.size());
                }
                TFloat32 t = TFloat32.tensorOf(shape);
                tensors.add(t);
                t.asRawTensor().data().asFloats().write(v);
                runner.feed(feeds.get(i), t).addTarget(assigns.get(i));
            }
            runner.run().close();
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    /** The current value of every variable. */
    public List<float[]> read(Session session) {
        Session.Runner runner = session.runner();
        vars.forEach(runner::fetch);
        List<float[]> out = new ArrayList<>(vars.size());
        try (Result result = runner.run()) {
            for (int i = 0; i < vars.size(); i++) {
                TFloat32 t = (TFloat32) result.get(i);
                float[] v = new float[Math.toIntExact(t.shape().size())];
                t.asRawTensor().data().asFloats().read(v);
                out.add(v);
            }
        }
        return out;
    }
}
