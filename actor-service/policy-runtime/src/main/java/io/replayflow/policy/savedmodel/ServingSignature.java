package io.replayflow.policy.savedmodel;

import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Signature.TensorDescription;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * The tensors of a policy SavedModel's serving signature, checked against the manifest's spec:
 * input {@code obs} float32 {@code [batch, ...obs_shape]}; outputs {@code action} int64 {@code
 * [batch]} and/or {@code q_values} float32 {@code [batch, num_actions]}. Dimensions the model
 * leaves unknown (-1) are accepted; the warm-up call catches what they hide.
 *
 * @param input the graph tensor to feed, e.g. {@code obs:0}
 * @param action the greedy-action tensor, or null
 * @param qValues the Q-value tensor, or null
 * @param logits the logits tensor {@code [batch, num_actions]} of a stochastic policy, or null
 * @param stateInputs a recurrent policy's state tensors {@code [batch, units]}, in the manifest's
 *     order; empty for a feed-forward one
 * @param stateOutputs its next-state tensors, one per state input, in the same order
 */
record ServingSignature(
        String input,
        String action,
        String qValues,
        String logits,
        List<String> stateInputs,
        List<String> stateOutputs) {

    /**
     * Finds the signature {@code names.name()} in {@code bundle} and checks its tensors.
     *
     * @throws PolicyRejectedException {@code SPEC_MISMATCH}, naming what does not fit, in which
     *     directory
     */
    static ServingSignature check(
            SavedModelBundle bundle,
            PolicyManifest.Signature names,
            List<Integer> obsShape,
            int numActions,
            boolean stochastic,
            PolicyManifest.Recurrent recurrent,
            Path dir)
            throws PolicyRejectedException {
        Signature signature = findSignature(bundle, names.name(), dir);
        String input = checkInput(signature, names.input(), obsShape, dir).name;
        TensorDescription action = signature.getOutputs().get(names.action());
        TensorDescription qValues =
                names.qValues() == null ? null : signature.getOutputs().get(names.qValues());
        TensorDescription logits =
                names.logits() == null ? null : signature.getOutputs().get(names.logits());
        if (stochastic && logits == null) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "the manifest of "
                            + dir
                            + " declares a stochastic policy but signature '"
                            + signature.key()
                            + "' has no logits output (it has "
                            + signature.getOutputs().keySet()
                            + "): export 'logits' [batch, num_actions] and name it in the"
                            + " manifest's signature");
        }
        if (action == null && qValues == null) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "signature '"
                            + signature.key()
                            + "' of "
                            + dir
                            + " has neither an '"
                            + names.action()
                            + "' nor a '"
                            + names.qValues()
                            + "' output (it has "
                            + signature.getOutputs().keySet()
                            + "): export the greedy action and/or the Q-values");
        }
        if (action != null) {
            checkOutput(action, names.action(), DataType.DT_INT64, 1, -1, dir);
        }
        if (qValues != null) {
            checkOutput(qValues, names.qValues(), DataType.DT_FLOAT, 2, numActions, dir);
        }
        if (stochastic) {
            checkOutput(logits, names.logits(), DataType.DT_FLOAT, 2, numActions, dir);
        }
        List<String> stateInputs = new ArrayList<>();
        List<String> stateOutputs = new ArrayList<>();
        if (recurrent != null) {
            for (int k = 0; k < recurrent.stateInputs().size(); k++) {
                stateInputs.add(
                        checkState(
                                signature,
                                signature.getInputs(),
                                "input",
                                recurrent.stateInputs().get(k),
                                recurrent.units(),
                                dir));
                stateOutputs.add(
                        checkState(
                                signature,
                                signature.getOutputs(),
                                "output",
                                recurrent.stateOutputs().get(k),
                                recurrent.units(),
                                dir));
            }
        }
        return new ServingSignature(
                input,
                action == null ? null : action.name,
                qValues == null ? null : qValues.name,
                stochastic ? logits.name : null,
                List.copyOf(stateInputs),
                List.copyOf(stateOutputs));
    }

    /** A state input or output the manifest's {@code recurrent} names: float32 [batch, units]. */
    private static String checkState(
            Signature signature,
            Map<String, TensorDescription> tensors,
            String role,
            String key,
            int units,
            Path dir)
            throws PolicyRejectedException {
        TensorDescription tensor = tensors.get(key);
        if (tensor == null) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "the manifest of "
                            + dir
                            + " declares a recurrent policy with state "
                            + role
                            + " '"
                            + key
                            + "' but signature '"
                            + signature.key()
                            + "' has none (its "
                            + role
                            + "s: "
                            + tensors.keySet()
                            + "): export the state tensors the manifest's 'recurrent' names");
        }
        checkOutput(tensor, key, DataType.DT_FLOAT, 2, units, dir);
        return tensor.name;
    }

    private static Signature findSignature(SavedModelBundle bundle, String key, Path dir)
            throws PolicyRejectedException {
        List<String> keys = new ArrayList<>();
        for (Signature signature : bundle.signatures()) {
            if (signature.key().equals(key)) {
                return signature;
            }
            keys.add(signature.key());
        }
        throw new PolicyRejectedException(
                Reason.SPEC_MISMATCH,
                "the SavedModel in "
                        + dir
                        + " has no signature '"
                        + key
                        + "' (it has "
                        + keys
                        + "): export it with the serving signature the manifest names");
    }

    private static TensorDescription checkInput(
            Signature signature, String key, List<Integer> obsShape, Path dir)
            throws PolicyRejectedException {
        TensorDescription input = signature.getInputs().get(key);
        if (input == null) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "signature '"
                            + signature.key()
                            + "' of "
                            + dir
                            + " has no input '"
                            + key
                            + "' (it has "
                            + signature.getInputs().keySet()
                            + ")");
        }
        if (input.dataType != DataType.DT_FLOAT) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "input '"
                            + key
                            + "' of "
                            + dir
                            + " is "
                            + input.dataType
                            + "; observations are fed as DT_FLOAT (float32)");
        }
        Shape shape = input.shape;
        if (!shape.isUnknown()) {
            boolean matches = shape.numDimensions() == obsShape.size() + 1;
            for (int d = 0; matches && d < obsShape.size(); d++) {
                long size = shape.get(d + 1);
                matches = size == Shape.UNKNOWN_SIZE || size == obsShape.get(d);
            }
            if (!matches) {
                throw new PolicyRejectedException(
                        Reason.SPEC_MISMATCH,
                        "observation shape mismatch: input '"
                                + key
                                + "' of "
                                + dir
                                + " has shape "
                                + shape
                                + " but the manifest declares observations of shape "
                                + obsShape
                                + " (expected [batch, "
                                + join(obsShape)
                                + "])");
            }
        }
        return input;
    }

    private static void checkOutput(
            TensorDescription output, String key, DataType type, int rank, int lastDim, Path dir)
            throws PolicyRejectedException {
        if (output.dataType != type) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "output '"
                            + key
                            + "' of "
                            + dir
                            + " is "
                            + output.dataType
                            + "; expected "
                            + type);
        }
        Shape shape = output.shape;
        if (shape.isUnknown()) {
            return;
        }
        long last = shape.numDimensions() == 0 ? -1 : shape.get(shape.numDimensions() - 1);
        if (shape.numDimensions() != rank
                || (lastDim > 0 && last != Shape.UNKNOWN_SIZE && last != lastDim)) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "output tensor '"
                            + key
                            + "' of "
                            + dir
                            + " has shape "
                            + shape
                            + "; the manifest implies "
                            + (rank == 1 ? "[-1]" : "[-1, " + lastDim + "]")
                            + " (-1: any batch size)");
        }
    }

    private static String join(List<Integer> dims) {
        StringBuilder s = new StringBuilder();
        for (int d : dims) {
            s.append(s.length() == 0 ? "" : ", ").append(d);
        }
        return s.toString();
    }
}
