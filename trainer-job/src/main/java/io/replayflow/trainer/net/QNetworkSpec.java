package io.replayflow.trainer.net;

import io.replayflow.schemas.env.ObservationBounds;
import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.tensorflow.op.Ops;

/**
 * The architecture of a Q-network, {@code Q(s, .) : obs -> [numActions]}. Building it creates the
 * variables once under a name scope; the {@link QNetwork} then applies them to any input.
 */
public sealed interface QNetworkSpec {

    /** An MLP with ReLU hidden layers and a linear output; no hidden layers is a linear Q. */
    static Mlp mlp(int... hidden) {
        return new Mlp(Arrays.stream(hidden).boxed().toList());
    }

    /** The Nature-DQN conv net (Mnih et al., 2015). */
    static NatureCnn natureCnn() {
        return new NatureCnn();
    }

    /** The MinAtar paper's Q-network (Young &amp; Tian, 2019). */
    static MinAtarCnn minAtar() {
        return new MinAtarCnn();
    }

    /**
     * {@code members} independently initialised copies of {@code member} whose outputs are read as
     * policy logits and averaged as probabilities ({@link QNetwork#ensemble}); {@code member}
     * itself when {@code members} is 1.
     */
    static QNetworkSpec ensemble(QNetworkSpec member, int members) {
        return members == 1 ? member : new Ensemble(member, members);
    }

    /**
     * {@code member} with {@code quantiles} outputs per action, read as quantiles of the return's
     * distribution (QR-DQN; {@link QNetwork#quantileValues}) and applied as their mean.
     */
    static QNetworkSpec quantiles(QNetworkSpec member, int quantiles) {
        return new Quantiles(member, quantiles);
    }

    /**
     * {@code member} with one more output, read as the state value beside the advantages and
     * combined into Q-values ({@link QNetwork#dueling}).
     */
    static QNetworkSpec dueling(QNetworkSpec member) {
        return new Dueling(member);
    }

    /**
     * Creates the variables under {@code scope} (e.g. {@code tf.withSubScope("online")}).
     *
     * @throws IllegalArgumentException if the observation shape does not fit the architecture
     */
    default QNetwork build(Ops scope, TransitionSpec spec) {
        return build(scope, spec, spec.numActions());
    }

    /**
     * The same architecture with {@code outputs} linear outputs instead of one per action (a
     * state-value head has 1); for the extra networks of IQL and BCQ.
     */
    QNetwork build(Ops scope, TransitionSpec spec, int outputs);

    /** A short description, e.g. {@code mlp[64,64]} or {@code nature-cnn}. */
    String describe();

    /**
     * {@code members} copies of {@code member}, built under {@code member_0, member_1, ...},
     * applied as the mixture of their softmax policies ({@link QNetwork#ensemble}).
     */
    record Ensemble(QNetworkSpec member, int members) implements QNetworkSpec {

        public Ensemble {
            if (member instanceof Ensemble) {
                throw new IllegalArgumentException("an ensemble's member cannot be an ensemble");
            }
            if (members < 2) {
                throw new IllegalArgumentException(
                        "an ensemble needs at least 2 members, got " + members);
            }
        }

        @Override
        public QNetwork build(Ops scope, TransitionSpec spec, int outputs) {
            List<QNetwork> nets = new ArrayList<>(members);
            for (int k = 0; k < members; k++) {
                nets.add(member.build(scope.withSubScope("member_" + k), spec, outputs));
            }
            return QNetwork.ensemble(nets);
        }

        @Override
        public String describe() {
            return members + "x" + member.describe();
        }
    }

    /**
     * {@code member} built with {@code outputs x quantiles} linear outputs, row {@code a * N + j}
     * being quantile {@code j} of action {@code a} ({@link QNetwork#quantiles}).
     */
    record Quantiles(QNetworkSpec member, int quantiles) implements QNetworkSpec {

        public Quantiles {
            Objects.requireNonNull(member, "member");
            if (member instanceof Quantiles || member instanceof Ensemble) {
                throw new IllegalArgumentException(
                        "a quantile network's member must be a plain network, got "
                                + member.describe());
            }
            if (quantiles < 1) {
                throw new IllegalArgumentException(
                        "a quantile network needs at least 1 quantile, got " + quantiles);
            }
        }

        @Override
        public QNetwork build(Ops scope, TransitionSpec spec, int outputs) {
            return QNetwork.quantiles(
                    member.build(scope, spec, outputs * quantiles), outputs, quantiles);
        }

        @Override
        public String describe() {
            return member.describe() + " x" + quantiles + " quantiles";
        }
    }

    /**
     * {@code member} built with {@code 1 + outputs} linear outputs, the state value and the
     * advantages of a dueling network ({@link QNetwork#dueling}); the layers below the output are
     * shared by both streams.
     */
    record Dueling(QNetworkSpec member) implements QNetworkSpec {

        public Dueling {
            Objects.requireNonNull(member, "member");
            if (member instanceof Quantiles
                    || member instanceof Ensemble
                    || member instanceof Dueling) {
                throw new IllegalArgumentException(
                        "a dueling network's member must be a plain network, got "
                                + member.describe());
            }
        }

        @Override
        public QNetwork build(Ops scope, TransitionSpec spec, int outputs) {
            return QNetwork.dueling(member.build(scope, spec, outputs + 1), outputs);
        }

        @Override
        public String describe() {
            return member.describe() + " dueling";
        }
    }

    /**
     * Observations (flattened) → ReLU dense layers of {@code hidden} widths → linear {@code
     * [numActions]}. With {@code inputBounds} each component first becomes {@code (x - shift) *
     * scale} ({@link ObservationBounds#shift}: a bounded range's middle; {@link
     * ObservationBounds#scale}: widens a range narrower than [-1, 1] onto it), constants of the
     * graph, so the exported network reads raw observations.
     */
    record Mlp(List<Integer> hidden, ObservationBounds inputBounds) implements QNetworkSpec {

        public Mlp {
            hidden = List.copyOf(hidden);
            if (hidden.stream().anyMatch(w -> w < 1)) {
                throw new IllegalArgumentException(
                        "hidden widths " + hidden + " must all be >= 1, e.g. [64, 64]");
            }
            Objects.requireNonNull(inputBounds, "inputBounds");
        }

        /** An MLP over observations as they are. */
        public Mlp(List<Integer> hidden) {
            this(hidden, ObservationBounds.NONE);
        }

        @Override
        public QNetwork build(Ops scope, TransitionSpec spec, int outputs) {
            QNetwork.Builder net = QNetwork.builder(scope, spec);
            if (!inputBounds.isNone()) {
                if (spec.obsType() != TransitionSpec.ObsType.FLOAT32
                        || inputBounds.size() != spec.obsSize()) {
                    throw new IllegalArgumentException(
                            "trainer.obs-bounds gives "
                                    + inputBounds.size()
                                    + " LOW:HIGH pairs, but the observations are "
                                    + spec.obsType()
                                    + " of shape "
                                    + spec.obsShape()
                                    + ": give one pair per float component, or leave the key"
                                    + " empty");
                }
                float[] shift = inputBounds.shift();
                float[] scale = inputBounds.scale();
                if (!isIdentity(shift, scale)) { // e.g. Acrobot's: no ops that compute (x - 0) * 1
                    net.scaleInputs(shift, scale);
                }
            }
            if (spec.obsShape().size() > 1) {
                net.flatten(spec.obsSize());
            }
            int in = spec.obsSize();
            for (int i = 0; i < hidden.size(); i++) {
                net.dense("dense_" + i, in, hidden.get(i), true);
                in = hidden.get(i);
            }
            return net.dense("q", in, outputs, false).build();
        }

        private static boolean isIdentity(float[] shift, float[] scale) {
            for (int i = 0; i < shift.length; i++) {
                if (shift[i] != 0f || scale[i] != 1f) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return "mlp"
                    + hidden.stream()
                            .map(String::valueOf)
                            .collect(Collectors.joining(",", "[", "]"))
                    + (inputBounds.isNone() ? "" : " over bounded inputs");
        }
    }

    /**
     * Conv 32 8x8/4 → conv 64 4x4/2 → conv 64 3x3/1 (ReLU, VALID) → dense 512 (ReLU) → linear
     * {@code [numActions]}, over {@code [H, W, C]} images scaled by 1/255. Needs H, W >= 36.
     */
    record NatureCnn() implements QNetworkSpec {

        @Override
        public QNetwork build(Ops scope, TransitionSpec spec, int outputs) {
            List<Integer> shape = spec.obsShape();
            if (shape.size() != 3) {
                throw new IllegalArgumentException(
                        "trainer.network=nature-cnn needs image observations [H, W, C], got "
                                + shape
                                + ": use trainer.network=mlp for vector observations");
            }
            int h = shape.get(0);
            int w = shape.get(1);
            int c = shape.get(2);
            int[][] convs = {{32, 8, 4}, {64, 4, 2}, {64, 3, 1}}; // filters, kernel, stride
            QNetwork.Builder net = QNetwork.builder(scope, spec);
            int channels = c;
            for (int i = 0; i < convs.length; i++) {
                int[] conv = convs[i];
                net.conv("conv_" + i, conv[1], conv[2], channels, conv[0]);
                h = Conv2d.outputSize(h, conv[1], conv[2]);
                w = Conv2d.outputSize(w, conv[1], conv[2]);
                channels = conv[0];
                if (h < 1 || w < 1) {
                    throw new IllegalArgumentException(
                            "image "
                                    + shape
                                    + " is too small for the Nature-DQN conv net: height and"
                                    + " width must be >= 36 (84x84 is usual)");
                }
            }
            int flat = h * w * channels;
            return net.flatten(flat)
                    .dense("dense_0", flat, 512, true)
                    .dense("q", 512, outputs, false)
                    .build();
        }

        @Override
        public String describe() {
            return "nature-cnn";
        }
    }

    /**
     * The network of the MinAtar paper and its {@code examples/dqn.py} (Young &amp; Tian, 2019):
     * conv 16 3x3/1 (ReLU, VALID) → dense 128 (ReLU) → linear {@code [numActions]}, over {@code [H,
     * W, C]} images of 0/1 values fed as they are (no 1/255 scaling: MinAtar's own network takes
     * the 0/1 state). For MinAtar's 10×10×C states: 8·8·16 = 1024 features into the dense layer.
     */
    record MinAtarCnn() implements QNetworkSpec {
        private static final int FILTERS = 16, KERNEL = 3, HIDDEN = 128;

        @Override
        public QNetwork build(Ops scope, TransitionSpec spec, int outputs) {
            List<Integer> shape = spec.obsShape();
            if (shape.size() != 3 || shape.get(0) < KERNEL || shape.get(1) < KERNEL) {
                throw new IllegalArgumentException(
                        "trainer.network=minatar needs image observations [H, W, C] with H, W >= 3"
                                + " (MinAtar's are [10, 10, C]), got "
                                + shape
                                + ": use trainer.network=mlp for vector observations");
            }
            int h = Conv2d.outputSize(shape.get(0), KERNEL, 1);
            int w = Conv2d.outputSize(shape.get(1), KERNEL, 1);
            int flat = h * w * FILTERS;
            return QNetwork.builder(scope, spec)
                    .unscaled()
                    .conv("conv_0", KERNEL, 1, shape.get(2), FILTERS)
                    .flatten(flat)
                    .dense("dense_0", flat, HIDDEN, true)
                    .dense("q", HIDDEN, outputs, false)
                    .build();
        }

        @Override
        public String describe() {
            return "minatar";
        }
    }
}
