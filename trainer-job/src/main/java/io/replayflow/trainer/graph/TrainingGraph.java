package io.replayflow.trainer.graph;

import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.AuxNetwork;
import io.replayflow.trainer.algo.LossInputs;
import io.replayflow.trainer.algo.LossParts;
import io.replayflow.trainer.algo.QLoss;
import io.replayflow.trainer.algo.SideObjective;
import io.replayflow.trainer.net.QNetwork;
import io.replayflow.trainer.net.QNetworkSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * The whole training computation as one graph, built once:
 *
 * <ul>
 *   <li>inputs: {@code obs [B, ...]}, {@code action [B]} int32, {@code n_step_return [B]}, {@code
 *       bootstrap_discount [B]} = gamma^n (1 - terminated), {@code next_obs [B, ...]}, {@code
 *       weight [B]} (float32; observations uint8 for image specs), and {@code next_action [B]}
 *       int32, fed only for fitted Q evaluation ({@link io.replayflow.trainer.algo.FqeLoss});
 *   <li>the online and target Q-networks ({@code online/...}, {@code target/...}), and the extra
 *       networks the loss asks for with their target copies ({@code aux_<name>/...}, {@code
 *       aux_<name>_target/...});
 *   <li>the loss of {@code trainer.algo} ({@link QLoss});
 *   <li>gradients of the total loss (plus {@code trainer.weight-decay}'s L2 term) with respect to
 *       the <em>online</em> variables only (the online network and the extra networks' online
 *       copies), clipped by global norm, applied by Adam, and {@code global_step += 1}; then each
 *       side objective's scalar (CQL's {@code log alpha}) by its own Adam;
 *   <li>target updates (hard or Polyak), alone or chained after a training step;
 *   <li>with {@code trainer.policy.ema-decay} d &gt; 0, averaged copies of every trained network
 *       ({@code average/...}, {@code aux_<name>_average/...}), {@code average <- d average + (1 -
 *       d) online} after every training step: what {@link #exportIo()} reads;
 *   <li>a greedy-inference path {@code infer_obs -> q_values, action} on the exported network (the
 *       online one, or its average), the action being the loss's {@link QLoss#greedyAction} (BCQ's
 *       filtered argmax reads the imitation network too).
 * </ul>
 *
 * A training step is then one {@code Session.run} that feeds the six inputs, fetches {@link
 * #metrics()} (and {@link #tdError()} when priorities are wanted) and targets {@link #train()} or
 * {@link #trainAndUpdateTarget()}.
 */
public final class TrainingGraph {

    /** Positions in {@link #metrics()}. */
    public static final int TOTAL = 0, TD = 1, CONSERVATIVE = 2, MEAN_Q = 3, GRAD_NORM = 4;

    private final Placeholder<? extends TType> obs;
    private final Placeholder<TInt32> action;
    private final Placeholder<TFloat32> nStepReturn;
    private final Placeholder<TFloat32> bootstrapDiscount;
    private final Placeholder<? extends TType> nextObs;
    private final Placeholder<TFloat32> weight;
    private final Placeholder<TInt32> nextAction;
    private final QNetwork online;
    private final QNetwork target;
    private final Map<String, AuxNetwork> aux;
    private final LossParts loss;
    private final Operand<TFloat32> objective;
    private final Operand<TFloat32> metrics;
    private final Op train;
    private final Op trainAndUpdateTarget;
    private final Op copyTarget;
    private final Variable<TInt64> globalStep;
    private final VariableIo onlineIo;
    private final VariableIo targetIo;
    private final VariableIo auxIo;
    private final VariableIo auxTargetIo;
    private final VariableIo exportIo;
    private final VariableIo auxExportIo;
    private final Op copyAverage;
    private final Set<String> averageNames = new HashSet<>();
    private final Placeholder<TFloat32> inferObs;
    private final Operand<TFloat32> inferQ;
    private final Operand<TInt64> inferAction;

    private TrainingGraph(Graph graph, TrainerConfig config, TransitionSpec spec, QLoss qLoss) {
        Ops tf = Ops.create(graph);
        QNetworkSpec netSpec = config.networkSpec();
        Ops in = tf.withSubScope("inputs");
        Shape obsShape = Shape.of(spec.batchShape(-1));
        obs = observationInput(in, "obs", spec, obsShape);
        action = in.withName("action").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        nStepReturn = vector(in, "n_step_return");
        bootstrapDiscount = vector(in, "bootstrap_discount");
        nextObs = observationInput(in, "next_obs", spec, obsShape);
        weight = vector(in, "weight");
        nextAction =
                in.withName("next_action")
                        .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));

        // The online network is the exported one: an ensemble of policies for IQL with
        // trainer.iql.policies > 1; the extra networks are always the plain architecture.
        QNetworkSpec onlineSpec = config.onlineNetworkSpec();
        online = onlineSpec.build(tf.withSubScope("online"), spec);
        target = onlineSpec.build(tf.withSubScope("target"), spec);
        aux = new LinkedHashMap<>();
        Map<String, Integer> auxOutputs = new TreeMap<>(qLoss.auxiliaryOutputs(spec.numActions()));
        auxOutputs.forEach(
                (name, outputs) ->
                        aux.put(
                                name,
                                new AuxNetwork(
                                        netSpec.build(
                                                tf.withSubScope("aux_" + name), spec, outputs),
                                        netSpec.build(
                                                tf.withSubScope("aux_" + name + "_target"),
                                                spec,
                                                outputs))));
        Ops lossScope = tf.withSubScope("loss");
        loss =
                qLoss.build(
                        new LossInputs(
                                lossScope,
                                online,
                                target,
                                toFloat(lossScope, obs),
                                action,
                                nStepReturn,
                                bootstrapDiscount,
                                toFloat(lossScope, nextObs),
                                nextAction,
                                weight,
                                spec.numActions(),
                                Map.copyOf(aux)));

        List<Variable<TFloat32>> auxVars = new ArrayList<>();
        List<Variable<TFloat32>> auxTargetVars = new ArrayList<>();
        for (AuxNetwork net : aux.values()) {
            auxVars.addAll(net.online().variables());
            auxTargetVars.addAll(net.target().variables());
        }
        List<Variable<TFloat32>> onlineVars = new ArrayList<>(online.variables());
        onlineVars.addAll(auxVars);
        List<Variable<TFloat32>> targetVars = new ArrayList<>(target.variables());
        targetVars.addAll(auxTargetVars);
        // Differentiate with respect to the online variables only: the target networks and the
        // optimizer slots are never trained.
        objective = withWeightDecay(tf, loss.total(), onlineVars, config.weightDecay());
        GradientStep step = GradientStep.build(tf, objective, onlineVars, config);
        globalStep = step.globalStep();
        Op trained = withSideObjectives(tf, step.train(), step.gradNorm(), config);
        List<Variable<TFloat32>> averageVars = new ArrayList<>();
        List<Variable<TFloat32>> auxAverageVars = new ArrayList<>();
        // What the exported policy acts with: the online networks, or their averages.
        QNetwork exported = online;
        Map<String, AuxNetwork> exportedAux = aux;
        if (config.policyEmaDecay() > 0) {
            exported = onlineSpec.build(tf.withSubScope("average"), spec);
            averageVars.addAll(exported.variables());
            exportedAux = new LinkedHashMap<>();
            for (Map.Entry<String, AuxNetwork> e : aux.entrySet()) {
                QNetwork averaged =
                        netSpec.build(
                                tf.withSubScope("aux_" + e.getKey() + "_average"),
                                spec,
                                auxOutputs.get(e.getKey()));
                auxAverageVars.addAll(averaged.variables());
                exportedAux.put(e.getKey(), new AuxNetwork(averaged, e.getValue().target()));
            }
            List<Variable<TFloat32>> allAverage = new ArrayList<>(averageVars);
            allAverage.addAll(auxAverageVars);
            allAverage.forEach(v -> averageNames.add(v.op().name()));
            train =
                    TargetUpdate.build(
                            tf.withControlDependencies(List.of(trained)),
                            "update_average",
                            onlineVars,
                            allAverage,
                            1.0 - config.policyEmaDecay());
            copyAverage = TargetUpdate.build(tf, "copy_average", onlineVars, allAverage, 1.0);
        } else {
            train = trained;
            copyAverage = null;
        }
        trainAndUpdateTarget =
                TargetUpdate.build(
                        tf.withControlDependencies(List.of(train)),
                        "train_and_update_target",
                        onlineVars,
                        targetVars,
                        config.targetTau());
        copyTarget = TargetUpdate.build(tf, "copy_target", onlineVars, targetVars, 1.0);
        metrics =
                tf.withName("metrics")
                        .stack(
                                List.of(
                                        objective,
                                        loss.td(),
                                        loss.conservative(),
                                        loss.meanQ(),
                                        step.gradNorm()));

        onlineIo = new VariableIo(tf, "online_io", online.variables());
        targetIo = new VariableIo(tf, "target_io", target.variables());
        auxIo = new VariableIo(tf, "aux_io", auxVars);
        auxTargetIo = new VariableIo(tf, "aux_target_io", auxTargetVars);
        exportIo = averageVars.isEmpty() ? onlineIo : new VariableIo(tf, "average_io", averageVars);
        auxExportIo =
                copyAverage == null ? auxIo : new VariableIo(tf, "aux_average_io", auxAverageVars);
        Ops infer = tf.withSubScope("infer");
        inferObs = infer.withName("obs").placeholder(TFloat32.class, Placeholder.shape(obsShape));
        inferQ = infer.withName("q_values").identity(exported.apply(infer, inferObs));
        inferAction =
                infer.withName("action")
                        .identity(qLoss.greedyAction(infer, inferQ, exportedAux, inferObs));
    }

    /**
     * {@code total + lambda * sum of w^2} over every element of {@code vars} ({@code
     * trainer.weight-decay}; L2 on kernels and biases alike); {@code total} itself when lambda is
     * 0, so the graph without weight decay is exactly the graph before the key existed.
     */
    private static Operand<TFloat32> withWeightDecay(
            Ops tf, Operand<TFloat32> total, List<Variable<TFloat32>> vars, double lambda) {
        if (lambda == 0) {
            return total;
        }
        Ops scope = tf.withSubScope("weight_decay");
        List<Operand<TFloat32>> squares = new ArrayList<>(vars.size());
        for (Variable<TFloat32> v : vars) {
            // l2Loss is sum(w^2) / 2.
            squares.add(scope.nn.l2Loss(v));
        }
        Operand<TFloat32> sum = scope.math.addN(squares);
        return scope.withName("objective")
                .math
                .add(total, scope.math.mul(scope.constant((float) (2 * lambda)), sum));
    }

    /**
     * {@code networks}, then one Adam step of each side objective's scalar on its own loss (with
     * its own step counter), after every network gradient has been computed; {@code networks} alone
     * when the loss has none.
     */
    private Op withSideObjectives(Ops tf, Op networks, Operand<?> allGradients, TrainerConfig c) {
        if (loss.side().isEmpty()) {
            return networks;
        }
        List<Op> all = new ArrayList<>(List.of(networks));
        for (SideObjective side : loss.side()) {
            String name = side.variable().op().name().replace('/', '.');
            Ops scope = tf.withSubScope("side_" + name);
            Variable<TInt64> step =
                    scope.withName("step").variable(scope.withInitScope().constant(0L));
            Operand<TFloat32> grad = scope.gradients(side.loss(), List.of(side.variable())).dy(0);
            Op update =
                    new AdamOptimizer(
                                    scope,
                                    scope.constant((float) side.learningRate()),
                                    c.adamBeta1(),
                                    c.adamBeta2(),
                                    c.adamEpsilon())
                            .minimize(List.of(side.variable()), List.of(grad), allGradients, step);
            Ops after = scope.withControlDependencies(List.of(update));
            all.add(
                    after.withName("clip")
                            .assign(
                                    side.variable(),
                                    after.clipByValue(
                                            side.variable(),
                                            after.constant(side.min()),
                                            after.constant(side.max()))));
        }
        return tf.withControlDependencies(all).withName("train_all").noOp();
    }

    /** Builds the graph of {@code config} for transitions shaped like {@code spec}. */
    public static TrainingGraph build(Graph graph, TrainerConfig config, TransitionSpec spec) {
        Objects.requireNonNull(graph, "graph");
        return new TrainingGraph(graph, config, spec, QLoss.of(config));
    }

    /** Builds with an explicit loss (tests, custom algorithms). */
    public static TrainingGraph build(
            Graph graph, TrainerConfig config, TransitionSpec spec, QLoss loss) {
        return new TrainingGraph(graph, config, spec, loss);
    }

    private static Placeholder<? extends TType> observationInput(
            Ops tf, String name, TransitionSpec spec, Shape shape) {
        return spec.obsType() == TransitionSpec.ObsType.UINT8
                ? tf.withName(name).placeholder(TUint8.class, Placeholder.shape(shape))
                : tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(shape));
    }

    private static Placeholder<TFloat32> vector(Ops tf, String name) {
        return tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> toFloat(Ops tf, Operand<? extends TType> x) {
        if (x.type() == TFloat32.class) {
            return (Operand<TFloat32>) x;
        }
        return tf.dtypes.cast(x, TFloat32.class);
    }

    public Placeholder<? extends TType> obs() {
        return obs;
    }

    public Placeholder<TInt32> action() {
        return action;
    }

    public Placeholder<TFloat32> nStepReturn() {
        return nStepReturn;
    }

    public Placeholder<TFloat32> bootstrapDiscount() {
        return bootstrapDiscount;
    }

    public Placeholder<? extends TType> nextObs() {
        return nextObs;
    }

    public Placeholder<TFloat32> weight() {
        return weight;
    }

    /** The evaluated policy's action at {@code next_obs}; fed only for FQE. */
    public Placeholder<TInt32> nextAction() {
        return nextAction;
    }

    public QNetwork online() {
        return online;
    }

    public QNetwork target() {
        return target;
    }

    /** The minimised scalar: the loss's total, plus {@code lambda * sum w^2} with weight decay. */
    public Operand<TFloat32> objective() {
        return objective;
    }

    public LossParts loss() {
        return loss;
    }

    /**
     * {@code [total, td, conservative, mean_q, grad_norm]}, indexed by {@link #TOTAL} etc.; {@code
     * total} is the minimised objective, the loss's total plus the weight-decay term when {@code
     * trainer.weight-decay} is set.
     */
    public Operand<TFloat32> metrics() {
        return metrics;
    }

    /** Per-sample TD error {@code [B]}. */
    public Operand<TFloat32> tdError() {
        return loss.tdError();
    }

    /** One Adam step on the online network and {@code global_step += 1}. */
    public Op train() {
        return train;
    }

    /** {@link #train()}, then the target update (hard or Polyak by {@code trainer.target.tau}). */
    public Op trainAndUpdateTarget() {
        return trainAndUpdateTarget;
    }

    /** {@code target <- online}, exactly (at start-up). */
    public Op copyTarget() {
        return copyTarget;
    }

    public Variable<TInt64> globalStep() {
        return globalStep;
    }

    public VariableIo onlineIo() {
        return onlineIo;
    }

    public VariableIo targetIo() {
        return targetIo;
    }

    /** The extra networks' online copies, in name order, layer by layer. */
    public VariableIo auxIo() {
        return auxIo;
    }

    /** The extra networks' target copies, in the order of {@link #auxIo()}. */
    public VariableIo auxTargetIo() {
        return auxTargetIo;
    }

    /**
     * The exported network's variables, in {@link #onlineIo()} order: the online network's, or with
     * {@code trainer.policy.ema-decay} their moving average.
     */
    public VariableIo exportIo() {
        return exportIo;
    }

    /** The exported extra networks' variables, in {@link #auxIo()} order (averaged likewise). */
    public VariableIo auxExportIo() {
        return auxExportIo;
    }

    /**
     * Whether {@code opName} names one of the averaged copies' variables ({@link #exportIo()},
     * {@link #auxExportIo()}); none without {@code trainer.policy.ema-decay}.
     */
    public boolean isAverage(String opName) {
        return averageNames.contains(opName);
    }

    /**
     * {@code average <- online} for every averaged variable (at start-up); empty without {@code
     * trainer.policy.ema-decay}.
     */
    public Optional<Op> copyAverage() {
        return Optional.ofNullable(copyAverage);
    }

    /** The extra networks the loss asked for, in name order. */
    public Map<String, AuxNetwork> aux() {
        return aux;
    }

    /** Float observations {@code [N, ...obsShape]} for greedy inference. */
    public Placeholder<TFloat32> inferObs() {
        return inferObs;
    }

    /** {@code Q(infer_obs, .)} on the online network, {@code [N, numActions]}. */
    public Operand<TFloat32> inferQ() {
        return inferQ;
    }

    /** {@code argmax_a Q(infer_obs, a)}, {@code [N]} int64. */
    public Operand<TInt64> inferAction() {
        return inferAction;
    }
}
