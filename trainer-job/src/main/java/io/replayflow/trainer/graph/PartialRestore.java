package io.replayflow.trainer.graph;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.family.TType;

/**
 * Restores a checkpoint written by {@code Session.save} into a graph that has variables the
 * checkpoint lacks: {@code Session.restore} restores every variable of the graph and fails on the
 * first one missing, so this builds a {@code RestoreV2} of the others by name (the checkpoint's
 * keys are the variables' op names) and assigns them. Used when a run resumes with {@code
 * trainer.policy.ema-decay} turned on from a checkpoint written without it.
 */
public final class PartialRestore {

    private PartialRestore() {}

    /**
     * Restores every variable of {@code graph} whose op name does not pass {@code skip} from the
     * checkpoint at {@code prefix}, leaving the skipped ones as they are.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void restoreExcept(
            Graph graph, Session session, String prefix, Predicate<String> skip) {
        List<GraphOperation> vars = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (op.type().equals(Variable.OP_NAME) && !skip.test(op.name())) {
                vars.add(op);
            }
        }
        if (vars.isEmpty()) {
            return;
        }
        Ops tf = Ops.create(graph).withSubScope("partial_restore");
        String[] names = new String[vars.size()];
        String[] slices = new String[vars.size()];
        List<Class<? extends TType>> types = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            names[i] = vars.get(i).name();
            slices[i] = "";
            types.add(vars.get(i).output(0).type());
        }
        Restore restored =
                tf.train.restore(
                        tf.constant(prefix),
                        tf.constant(NdArrays.vectorOfObjects(names)),
                        tf.constant(NdArrays.vectorOfObjects(slices)),
                        types);
        List<Op> assigns = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Operand<TType> variable = (Operand) vars.get(i).output(0);
            Operand<TType> value = (Operand) restored.tensors().get(i);
            assigns.add(tf.assign(variable, value));
        }
        Session.Runner run = session.runner();
        assigns.forEach(run::addTarget);
        run.run();
    }
}
