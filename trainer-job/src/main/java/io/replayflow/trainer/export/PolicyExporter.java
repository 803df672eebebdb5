package io.replayflow.trainer.export;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.ArtifactDigest;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.trainer.algo.BcqLoss;
import io.replayflow.trainer.graph.SessionFactory;
import io.replayflow.trainer.graph.VariableIo;
import io.replayflow.trainer.net.ActorCritic;
import io.replayflow.trainer.net.QNetwork;
import io.replayflow.trainer.net.QNetworkSpec;
import io.replayflow.trainer.net.RecurrentActorCritic;
import io.replayflow.trainer.net.RecurrentQNetwork;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Exports a policy as a servable artifact: a SavedModel with signature {@code serving_default}
 * (input {@code obs} float32 {@code [batch, ...obsShape]}, outputs {@code q_values} float32 {@code
 * [batch, numActions]} and {@code action} int64 {@code [batch]}, the greedy action) plus {@code
 * replayflow-policy.json}.
 *
 * <p>A {@linkplain PolicySnapshot#stochastic() stochastic} snapshot (an actor-critic) exports
 * outputs {@code logits} float32 {@code [batch, numActions]}, {@code value} float32 {@code [batch]}
 * and {@code action} (argmax of the logits) instead, under policy kind {@code stochastic}: actors
 * sample from {@code softmax(logits)}.
 *
 * <p>A {@linkplain PolicySnapshot#recurrent() recurrent} snapshot (an LSTM actor-critic) also takes
 * the state inputs {@code state_h} and {@code state_c} float32 {@code [batch, units]} and returns
 * the state after the step as {@code next_state_h} and {@code next_state_c}, besides {@code
 * logits}, {@code value} and {@code action}; its manifest is format 3 with {@code recurrent} =
 * {@link PolicyManifest.Recurrent#lstm(int)}. A recurrent Q-network (R2D2) has the same state
 * inputs and outputs beside {@code q_values} and {@code action} (the greedy action), under policy
 * kind {@code q-values}: actors explore ε-greedy around it. A caller feeds zeros at an episode's
 * first step and each step's returned state to the next.
 *
 * <p>A snapshot with an {@linkplain PolicySnapshot#actionFilter() action filter} (BCQ) keeps the
 * same signature, and its graph also holds the imitation network ({@code imitation/...}): {@code
 * action} is then the filtered argmax, {@code argmax_a Q(s, a)} over the actions with {@code
 * exp(g(s, a) - max_a' g(s, a')) > tau}, while {@code q_values} stay {@code Q(s, .)} over every
 * action, unfiltered (so they score TD errors as before, but their argmax may be an excluded
 * action: act on {@code action}). {@code tau} is {@code trainer.bcq.threshold} in the manifest's
 * config.
 *
 * <p>The SavedModel holds an inference-only graph (the Q-network, no target network or optimizer
 * state), built fresh and loaded with the trained weights. Everything is written into a hidden
 * temporary directory beside the destination and renamed to {@code
 * <root>/policies/<name>/<version>/} only when complete, so readers never see a partial artifact;
 * the version comes from {@link PolicyVersions} and is never reused.
 */
public final class PolicyExporter {

    /** The SavedModel method name TF Serving expects for predict signatures. */
    public static final String PREDICT_METHOD = "tensorflow/serving/predict";

    private final Path root;
    private final InstantSource clock;

    /**
     * @param root the data root ({@code <root>/policies/...} is written)
     * @param clock the time written as {@code created_at_ms}
     */
    public PolicyExporter(Path root, InstantSource clock) {
        this.root = Objects.requireNonNull(root, "root");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code <root>/policies}. */
    public Path policiesRoot() {
        return root.resolve(DatasetLayout.POLICIES_DIR);
    }

    /**
     * Writes the next version of {@code snapshot.policyName()}.
     *
     * @param lastPublished the highest version already announced for this name (0 if unknown)
     */
    public PolicyArtifact export(PolicySnapshot snapshot, long lastPublished) throws IOException {
        PolicyVersions versions = new PolicyVersions(policiesRoot(), snapshot.policyName());
        long version = versions.reserve(lastPublished);
        Path finalDir = versions.versionDir(version);
        Path tmp = versions.policyDir().resolve(".tmp-" + version + "-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            writeSavedModel(snapshot, tmp);
            PolicyManifest manifest = manifest(snapshot, version, tmp);
            manifest.writeTo(tmp);
            if (Files.exists(finalDir)) {
                throw new FileAlreadyExistsException(
                        finalDir.toString(),
                        null,
                        "version " + version + " already exists; versions are never reused");
            }
            move(tmp, finalDir);
            return new PolicyArtifact(finalDir, manifest);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Writes only the SavedModel of {@code snapshot} into {@code dir} (no manifest). */
    public static void writeSavedModel(PolicySnapshot snapshot, Path dir) throws IOException {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> obs =
                    tf.withName("obs")
                            .placeholder(
                                    TFloat32.class,
                                    Placeholder.shape(Shape.of(snapshot.spec().batchShape(-1))));
            Signature.Builder outputs =
                    Signature.builder()
                            .key(Signature.DEFAULT_KEY)
                            .methodName(PREDICT_METHOD)
                            .input("obs", obs);
            List<Variable<TFloat32>> vars;
            if (snapshot.recurrent() && !snapshot.stochastic()) {
                vars = recurrentQOutputs(tf, obs, snapshot, outputs);
            } else if (snapshot.recurrent()) {
                vars = recurrentOutputs(tf, obs, snapshot, outputs);
            } else if (snapshot.stochastic()) {
                ActorCritic net =
                        ActorCritic.build(
                                tf.withSubScope("ac"), snapshot.network(), snapshot.spec());
                ActorCritic.Heads heads = net.apply(tf, obs);
                Operand<TFloat32> logits = tf.withName("logits").identity(heads.logits());
                outputs.output("logits", logits)
                        .output("value", tf.withName("value").identity(heads.value()))
                        .output(
                                "action",
                                tf.withName("action")
                                        .math
                                        .argMax(logits, tf.constant(1), TInt64.class));
                vars = net.variables();
            } else {
                QNetwork net = snapshot.network().build(tf.withSubScope("q"), snapshot.spec());
                Operand<TFloat32> q = tf.withName("q_values").identity(net.apply(tf, obs));
                vars = new ArrayList<>(net.variables());
                Operand<TInt64> action;
                PolicySnapshot.ActionFilter filter = snapshot.actionFilter();
                if (filter == null) {
                    action = tf.math.argMax(q, tf.constant(1), TInt64.class);
                } else {
                    QNetwork imitation =
                            snapshot.network().build(tf.withSubScope("imitation"), snapshot.spec());
                    Operand<TFloat32> logits = imitation.apply(tf, obs); // [batch, numActions]
                    action = BcqLoss.filteredAction(tf, q, logits, filter.threshold());
                    vars.addAll(imitation.variables());
                }
                outputs.output("q_values", q)
                        .output("action", tf.withName("action").identity(action));
            }
            List<float[]> weights = new ArrayList<>(snapshot.weights());
            if (snapshot.actionFilter() != null) {
                weights.addAll(snapshot.actionFilter().imitationWeights());
            }
            VariableIo io = new VariableIo(tf, "load_weights", vars);
            try (Session session = SessionFactory.open(graph, 1, 1)) {
                session.initialize();
                io.write(session, weights);
                Signature signature = outputs.build();
                SavedModelBundle.exporter(dir.toString())
                        .withSession(session)
                        .withSignature(signature)
                        .export();
            }
        }
    }

    /** A recurrent signature's state inputs {@code state_h, state_c} {@code [batch, units]}. */
    private static List<Placeholder<TFloat32>> stateInputs(Ops tf, PolicySnapshot snapshot) {
        PolicyManifest.Recurrent r = PolicyManifest.Recurrent.lstm(snapshot.lstmUnits());
        Shape state = Shape.of(-1, snapshot.lstmUnits());
        return List.of(
                tf.withName(r.stateInputs().get(0))
                        .placeholder(TFloat32.class, Placeholder.shape(state)),
                tf.withName(r.stateInputs().get(1))
                        .placeholder(TFloat32.class, Placeholder.shape(state)));
    }

    /**
     * A recurrent Q-network's signature (R2D2): {@code obs, state_h, state_c} in; {@code q_values},
     * {@code action} (the greedy one) and {@code next_state_h, next_state_c} out. Returns the
     * network's variables.
     */
    private static List<Variable<TFloat32>> recurrentQOutputs(
            Ops tf, Placeholder<TFloat32> obs, PolicySnapshot snapshot, Signature.Builder outputs) {
        PolicyManifest.Recurrent r = PolicyManifest.Recurrent.lstm(snapshot.lstmUnits());
        List<Placeholder<TFloat32>> state = stateInputs(tf, snapshot);
        RecurrentQNetwork net =
                RecurrentQNetwork.build(
                        tf.withSubScope("q"),
                        ((QNetworkSpec.Mlp) snapshot.network()).hidden(),
                        snapshot.lstmUnits(),
                        snapshot.spec());
        RecurrentQNetwork.Step step = net.step(tf, obs, state.get(0), state.get(1));
        Operand<TFloat32> q = tf.withName("q_values").identity(step.q());
        outputs.output("q_values", q)
                .output(
                        "action",
                        tf.withName("action").math.argMax(q, tf.constant(1), TInt64.class));
        lstmState(tf, r, outputs, state, step.h(), step.c());
        return net.variables();
    }

    /** A recurrent signature's state: {@code state} as its inputs, {@code h} and {@code c} out. */
    private static void lstmState(
            Ops tf,
            PolicyManifest.Recurrent r,
            Signature.Builder outputs,
            List<Placeholder<TFloat32>> state,
            Operand<TFloat32> h,
            Operand<TFloat32> c) {
        outputs.input(r.stateInputs().get(0), state.get(0))
                .input(r.stateInputs().get(1), state.get(1))
                .output(r.stateOutputs().get(0), tf.withName(r.stateOutputs().get(0)).identity(h))
                .output(r.stateOutputs().get(1), tf.withName(r.stateOutputs().get(1)).identity(c));
    }

    /** The recurrent signature's state inputs and its outputs; returns the network's variables. */
    private static List<Variable<TFloat32>> recurrentOutputs(
            Ops tf, Placeholder<TFloat32> obs, PolicySnapshot snapshot, Signature.Builder outputs) {
        PolicyManifest.Recurrent r = PolicyManifest.Recurrent.lstm(snapshot.lstmUnits());
        List<Placeholder<TFloat32>> state = stateInputs(tf, snapshot);
        Placeholder<TFloat32> h = state.get(0);
        Placeholder<TFloat32> c = state.get(1);
        RecurrentActorCritic net =
                RecurrentActorCritic.build(
                        tf.withSubScope("ac"),
                        ((QNetworkSpec.Mlp) snapshot.network()).hidden(),
                        snapshot.lstmUnits(),
                        snapshot.spec());
        RecurrentActorCritic.Step step = net.step(tf, obs, h, c);
        Operand<TFloat32> logits = tf.withName("logits").identity(step.heads().logits());
        outputs.output("logits", logits)
                .output("value", tf.withName("value").identity(step.heads().value()))
                .output(
                        "action",
                        tf.withName("action").math.argMax(logits, tf.constant(1), TInt64.class));
        lstmState(tf, r, outputs, state, step.h(), step.c());
        return net.variables();
    }

    private PolicyManifest manifest(PolicySnapshot s, long version, Path dir) throws IOException {
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        return new PolicyManifest(
                s.recurrent()
                        ? PolicyManifest.RECURRENT_FORMAT_VERSION
                        : PolicyManifest.FORMAT_VERSION,
                s.policyName(),
                version,
                s.algo().id(),
                s.config(),
                s.spec().obsShape(),
                "float32",
                s.spec().numActions(),
                s.stochastic()
                        ? PolicyManifest.Signature.stochastic()
                        : PolicyManifest.Signature.standard(),
                String.format(
                        "0x%016x", SingleObjectSerde.forClass(Transition.class).fingerprint()),
                s.trainStep(),
                clock.millis(),
                s.lineage(),
                files,
                ArtifactDigest.combine(files),
                s.stochastic() ? PolicyManifest.STOCHASTIC : PolicyManifest.Q_VALUES,
                s.recurrent() ? PolicyManifest.Recurrent.lstm(s.lstmUnits()) : null);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // best effort: a leftover hidden temp dir is harmless
                                }
                            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
