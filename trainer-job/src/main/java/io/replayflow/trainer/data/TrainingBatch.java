package io.replayflow.trainer.data;

import io.replayflow.trainer.TransitionSpec;
import java.util.Objects;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * One reusable training batch: Java arrays that a {@link BatchSource} fills, and the TensorFlow
 * tensors they are copied into (one bulk copy per column per step) before being fed. Both are
 * allocated once; nothing is allocated per step.
 *
 * <p>Columns, for slot {@code j < size()}: observation {@code j} at {@code [j * obsSize, (j + 1) *
 * obsSize)} of {@link #obs()} (or {@link #obsBytes()} for uint8 images), {@link #actions()}, the
 * n-step return {@link #nStepReturns()}, the bootstrap discount {@code gamma^n (1 - terminated)}
 * {@link #bootstrapDiscounts()}, {@link #nextObs()} (or {@link #nextObsBytes()}), the importance
 * weight {@link #weights()}, and the source's row id {@link #rowIds()} (for priority updates).
 *
 * <p>Not thread-safe; owned by the training thread. Close it to free the tensors.
 */
public final class TrainingBatch implements AutoCloseable {

    private final TransitionSpec spec;
    private final int size;
    private final boolean images;

    private final float[] obs;
    private final byte[] obsBytes;
    private final int[] actions;
    private final float[] nStepReturns;
    private final float[] bootstrapDiscounts;
    private final float[] nextObs;
    private final byte[] nextObsBytes;
    private final float[] weights;
    private final int[] rowIds;

    private final Tensor obsTensor;
    private final Tensor nextObsTensor;
    private final TInt32 actionTensor;
    private final TFloat32 returnTensor;
    private final TFloat32 discountTensor;
    private final TFloat32 weightTensor;

    public TrainingBatch(TransitionSpec spec, int size) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (size < 1) {
            throw new IllegalArgumentException("batch size " + size + " must be >= 1");
        }
        this.size = size;
        this.images = spec.obsType() == TransitionSpec.ObsType.UINT8;
        int obsLen = Math.multiplyExact(size, spec.obsSize());
        obs = images ? null : new float[obsLen];
        nextObs = images ? null : new float[obsLen];
        obsBytes = images ? new byte[obsLen] : null;
        nextObsBytes = images ? new byte[obsLen] : null;
        actions = new int[size];
        nStepReturns = new float[size];
        bootstrapDiscounts = new float[size];
        weights = new float[size];
        java.util.Arrays.fill(weights, 1f);
        rowIds = new int[size];

        Shape obsShape = Shape.of(spec.batchShape(size));
        obsTensor = images ? TUint8.tensorOf(obsShape) : TFloat32.tensorOf(obsShape);
        nextObsTensor = images ? TUint8.tensorOf(obsShape) : TFloat32.tensorOf(obsShape);
        actionTensor = TInt32.tensorOf(Shape.of(size));
        returnTensor = TFloat32.tensorOf(Shape.of(size));
        discountTensor = TFloat32.tensorOf(Shape.of(size));
        weightTensor = TFloat32.tensorOf(Shape.of(size));
    }

    /** Copies every column into its tensor (called by the trainer after the source filled it). */
    public void commit() {
        if (images) {
            bytes(obsTensor).write(obsBytes);
            bytes(nextObsTensor).write(nextObsBytes);
        } else {
            floats(obsTensor).write(obs);
            floats(nextObsTensor).write(nextObs);
        }
        ints(actionTensor).write(actions);
        floats(returnTensor).write(nStepReturns);
        floats(discountTensor).write(bootstrapDiscounts);
        floats(weightTensor).write(weights);
    }

    public TransitionSpec spec() {
        return spec;
    }

    public int size() {
        return size;
    }

    /** Float observations {@code [size * obsSize]}; null for uint8 images. */
    public float[] obs() {
        return obs;
    }

    /** uint8 image observations {@code [size * obsSize]}; null for float observations. */
    public byte[] obsBytes() {
        return obsBytes;
    }

    public int[] actions() {
        return actions;
    }

    public float[] nStepReturns() {
        return nStepReturns;
    }

    public float[] bootstrapDiscounts() {
        return bootstrapDiscounts;
    }

    public float[] nextObs() {
        return nextObs;
    }

    public byte[] nextObsBytes() {
        return nextObsBytes;
    }

    /** Importance weights; 1 unless the source samples by priority. */
    public float[] weights() {
        return weights;
    }

    public int[] rowIds() {
        return rowIds;
    }

    public Tensor obsTensor() {
        return obsTensor;
    }

    public Tensor nextObsTensor() {
        return nextObsTensor;
    }

    public TInt32 actionTensor() {
        return actionTensor;
    }

    public TFloat32 returnTensor() {
        return returnTensor;
    }

    public TFloat32 discountTensor() {
        return discountTensor;
    }

    public TFloat32 weightTensor() {
        return weightTensor;
    }

    @Override
    public void close() {
        obsTensor.close();
        nextObsTensor.close();
        actionTensor.close();
        returnTensor.close();
        discountTensor.close();
        weightTensor.close();
    }

    private static FloatDataBuffer floats(Tensor t) {
        return t.asRawTensor().data().asFloats();
    }

    private static IntDataBuffer ints(Tensor t) {
        return t.asRawTensor().data().asInts();
    }

    private static ByteDataBuffer bytes(Tensor t) {
        return t.asRawTensor().data();
    }
}
