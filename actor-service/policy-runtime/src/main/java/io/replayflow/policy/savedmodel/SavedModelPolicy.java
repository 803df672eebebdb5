package io.replayflow.policy.savedmodel;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.stochastic.SoftmaxSampler;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A policy served from a TensorFlow SavedModel (the policy artifact of DESIGN.md): signature {@code
 * serving_default}, input {@code obs} float32 {@code [batch, ...obs_shape]}, outputs {@code action}
 * int64 {@code [batch]} and/or {@code q_values} float32 {@code [batch, num_actions]}. One {@link
 * #act} is one session run over the whole batch; it fetches {@code action} when the signature has
 * it, otherwise takes the argmax of {@code q_values} (first maximum on ties, like {@code
 * tf.argmax}). {@link #qValues} fetches {@code q_values} when the signature has it ({@link
 * #hasQValues()}); the replay job scores transitions with it.
 *
 * <p>A {@linkplain PolicyManifest#stochastic() stochastic} artifact (policy kind {@code
 * stochastic}, an actor-critic's {@code logits} output) is not greedy: {@link #act} fetches the
 * logits and draws each action from their softmax with a {@link SoftmaxSampler}, reporting {@code
 * pi(a|s)} of the drawn action as its behaviour probability; {@link #greedy()} gives the argmax of
 * the logits with probability 1, for evaluation.
 *
 * <p>A {@linkplain PolicyManifest#isRecurrent() recurrent} artifact (format 3, e.g. an LSTM core)
 * takes its state tensors (the manifest's {@code recurrent.state_inputs}, each {@code [batch,
 * units]}) beside {@code obs} and returns the next state ({@code recurrent.state_outputs}): it is
 * driven only with {@link #act(float[], float[], int, int[], float[], float[])}, which feeds the
 * rows' states and fetches the outputs and the next states in the same session run. Its plain
 * {@link #act(float[], int, int[], float[])} and {@link #qValues} refuse (a state of zeros at every
 * step would act as a different policy).
 *
 * <pre>{@code
 * PolicyManifest manifest = PolicyManifest.readFrom(dir);
 * try (SavedModelPolicy policy = SavedModelPolicy.open(dir, manifest, manifest.version())) {
 *     policy.act(obs, 256, actions, probs);     // probs are all 1: the policy is greedy
 *     policy.qValues(obs, 256, q);              // [256 * numActions]
 * }
 * }</pre>
 *
 * <p>This class opens and checks the model only; the checksum and the spec are checked by {@link
 * io.replayflow.policy.load.PolicyLoader} before it gets here.
 *
 * <p>Thread-safe: several actors may call {@link #act} at once (TensorFlow sessions are
 * thread-safe). Input tensors are pooled and reused, one per concurrent caller and batch size, so a
 * call allocates only the session's output tensor. {@link #close()} must not overlap a call.
 */
public final class SavedModelPolicy implements Policy {

    /** The tag under which the serving graph is saved. */
    public static final String SERVE_TAG = "serve";

    /**
     * Every op runs in the calling thread (inter-op -1), one thread per op (intra-op 1). For the
     * small Q-networks actors and the replay job's scorer serve (each caller owns its core),
     * handing ops to TensorFlow's thread pools costs more than the math: measured at batch 64 on 2
     * cores, ~45 µs per call against ~80 µs with the default pools. Concurrent actors still run in
     * parallel, each in its own thread.
     */
    private static final ConfigProto SESSION_CONFIG =
            ConfigProto.newBuilder()
                    .setInterOpParallelismThreads(-1)
                    .setIntraOpParallelismThreads(1)
                    .build();

    private final SavedModelBundle bundle;
    private final Session session;
    private final long version;
    private final int numActions;
    private final List<Integer> obsShape;
    private final int observationSize;
    private final Output<?> input; // the signature's obs tensor, e.g. "obs:0"
    private final Output<?> action; // null when the signature has no action output
    private final Output<?> qValues; // null when the signature has no q_values output
    private final Output<?> logits; // null unless the policy is stochastic
    private final SoftmaxSampler sampler; // null unless the policy is stochastic
    private final PolicyManifest.Recurrent recurrent; // null for a feed-forward policy
    private final int units; // width of each state tensor; 0 for a feed-forward policy
    private final Output<?>[] stateInputs; // [stateTensors], e.g. state_h:0, state_c:0
    private final Output<?>[] stateOutputs; // [stateTensors], e.g. next_state_h, next_state_c
    private final ConcurrentLinkedQueue<Feed> feeds = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A reusable input tensor of one batch size, and the host buffers its results land in. */
    private static final class Feed {
        final int batch;
        final TFloat32 input; // [batch, ...obs_shape]
        final FloatDataBuffer inputData;
        final long[] actions; // [batch]
        final float[] qValues; // [batch * numActions]
        final TFloat32[] states; // [stateTensors] each [batch, units]
        final FloatDataBuffer[] stateData; // [stateTensors]
        final float[] stateRows; // [batch * units] one state tensor, staged on the host

        Feed(int batch, Shape shape, int numActions, int stateTensors, int units) {
            this.batch = batch;
            this.input = TFloat32.tensorOf(shape);
            this.inputData = input.asRawTensor().data().asFloats();
            this.actions = new long[batch];
            this.qValues = new float[batch * numActions];
            this.states = new TFloat32[stateTensors];
            this.stateData = new FloatDataBuffer[stateTensors];
            for (int k = 0; k < stateTensors; k++) {
                states[k] = TFloat32.tensorOf(Shape.of(batch, units));
                stateData[k] = states[k].asRawTensor().data().asFloats();
            }
            this.stateRows = new float[batch * units];
        }

        void close() {
            input.close();
            for (TFloat32 state : states) {
                state.close();
            }
        }
    }

    private SavedModelPolicy(
            SavedModelBundle bundle,
            long version,
            int numActions,
            List<Integer> obsShape,
            String inputName,
            String actionName,
            String qValuesName,
            String logitsName,
            PolicyManifest.Recurrent recurrent,
            List<String> stateInputNames,
            List<String> stateOutputNames,
            RandomGenerator random) {
        this.bundle = bundle;
        this.session = bundle.session();
        this.version = version;
        this.numActions = numActions;
        this.obsShape = List.copyOf(obsShape);
        this.observationSize = obsShape.stream().reduce(1, Math::multiplyExact);
        Graph graph = bundle.graph();
        this.input = graph.outputOrThrow(inputName);
        this.action = actionName == null ? null : graph.outputOrThrow(actionName);
        this.qValues = qValuesName == null ? null : graph.outputOrThrow(qValuesName);
        this.logits = logitsName == null ? null : graph.outputOrThrow(logitsName);
        this.sampler = logitsName == null ? null : new SoftmaxSampler(random);
        this.recurrent = recurrent;
        this.units = recurrent == null ? 0 : recurrent.units();
        this.stateInputs =
                stateInputNames.stream().map(graph::outputOrThrow).toArray(Output[]::new);
        this.stateOutputs =
                stateOutputNames.stream().map(graph::outputOrThrow).toArray(Output[]::new);
    }

    /**
     * Loads the SavedModel in {@code dir} and checks its signature against the manifest's spec.
     *
     * @param version the version this policy records in transitions
     * @throws PolicyRejectedException {@code MODEL_LOAD_FAILED} when TensorFlow cannot load it,
     *     {@code SPEC_MISMATCH} when the signature does not fit the manifest (message says what and
     *     where)
     */
    public static SavedModelPolicy open(Path dir, PolicyManifest manifest, long version)
            throws PolicyRejectedException {
        // Each opened policy draws from its own generator: actors sharing it interleave their
        // draws anyway, and their environments carry the seeds that make runs comparable.
        return open(dir, manifest, version, new SplittableRandom());
    }

    /**
     * {@link #open(Path, PolicyManifest, long)} with the generator a stochastic policy samples its
     * actions with (seed it for reproducible draws); unused by Q-value policies.
     */
    public static SavedModelPolicy open(
            Path dir, PolicyManifest manifest, long version, RandomGenerator random)
            throws PolicyRejectedException {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(random, "random");
        PolicyManifest.Signature names =
                Objects.requireNonNullElse(
                        manifest.signature(), PolicyManifest.Signature.standard());
        SavedModelBundle bundle;
        try {
            bundle =
                    SavedModelBundle.loader(dir.toString())
                            .withTags(SERVE_TAG)
                            .withConfigProto(SESSION_CONFIG)
                            .load();
        } catch (RuntimeException | LinkageError e) {
            throw new PolicyRejectedException(
                    Reason.MODEL_LOAD_FAILED,
                    "TensorFlow cannot load the SavedModel in "
                            + dir
                            + " (tag '"
                            + SERVE_TAG
                            + "'): "
                            + e.getMessage(),
                    e);
        }
        try {
            ServingSignature signature =
                    ServingSignature.check(
                            bundle,
                            names,
                            manifest.obsShape(),
                            manifest.numActions(),
                            manifest.stochastic(),
                            manifest.recurrent(),
                            dir);
            return new SavedModelPolicy(
                    bundle,
                    version,
                    manifest.numActions(),
                    manifest.obsShape(),
                    signature.input(),
                    signature.action(),
                    signature.qValues(),
                    signature.logits(),
                    manifest.recurrent(),
                    signature.stateInputs(),
                    signature.stateOutputs(),
                    random);
        } catch (PolicyRejectedException | RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public int numActions() {
        return numActions;
    }

    @Override
    public int observationSize() {
        return observationSize;
    }

    /** The observation shape the model takes, without the batch dimension. */
    public List<Integer> observationShape() {
        return obsShape;
    }

    /** True for a Q-value policy (greedy); false for a stochastic one. */
    @Override
    public boolean deterministic() {
        return logits == null;
    }

    /**
     * Greedy actions with behaviour probability 1, or, for a stochastic policy, actions drawn from
     * {@code softmax(logits)} with behaviour probability {@code pi(a|s)}.
     *
     * @throws IllegalStateException for a recurrent policy, which needs its state
     */
    @Override
    public void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut) {
        requireFeedForward("act without a state");
        run(obs, null, batch, actionsOut, behaviorProbOut, null, false);
    }

    /** Floats of state per row: units × state tensors; 0 for a feed-forward policy. */
    @Override
    public int stateSize() {
        return units * stateInputs.length;
    }

    /**
     * {@link #act(float[], int, int[], float[])} for a recurrent policy: the rows' states are fed
     * with the observations and the next states fetched in the same session run.
     */
    @Override
    public void act(
            float[] obs,
            float[] state,
            int batch,
            int[] actionsOut,
            float[] behaviorProbOut,
            float[] nextStateOut) {
        run(obs, state, batch, actionsOut, behaviorProbOut, nextStateOut, false);
    }

    /**
     * This policy acting greedily: for a stochastic policy a view (closed with this policy) taking
     * {@code argmax_a logits} with probability 1, for evaluation; a Q-value policy itself.
     */
    @Override
    public Policy greedy() {
        return logits == null ? this : new GreedyView();
    }

    private void requireFeedForward(String what) {
        if (recurrent != null) {
            throw new IllegalStateException(
                    "policy v"
                            + version
                            + " is recurrent ("
                            + recurrent.cell()
                            + ", "
                            + recurrent.units()
                            + " units) and cannot "
                            + what
                            + ": drive it with act(obs, state, ...), one state per episode"
                            + " starting at zeros");
        }
    }

    /**
     * One session run over the batch: feeds {@code obs} (and the states of a recurrent policy),
     * fetches the logits, the action or the Q-values (in that order of preference) and the next
     * states, then samples, takes the argmax or checks the model's actions.
     */
    private void run(
            float[] obs,
            float[] state,
            int batch,
            int[] actionsOut,
            float[] probOut,
            float[] nextStateOut,
            boolean greedy) {
        if (closed.get()) {
            throw new IllegalStateException("policy v" + version + " is closed");
        }
        Feed feed = borrow(batch);
        try {
            feed.inputData.write(obs, 0, batch * observationSize);
            Session.Runner runner = session.runner().feed(input, feed.input);
            for (int k = 0; k < stateInputs.length; k++) {
                stageState(state, k, feed);
                runner.feed(stateInputs[k], feed.states[k]);
            }
            Output<?> fetched = logits != null ? logits : action != null ? action : qValues;
            runner.fetch(fetched);
            for (Output<?> next : stateOutputs) {
                runner.fetch(next);
            }
            try (Result result = runner.run()) {
                if (fetched == action) {
                    result.get(0).asRawTensor().data().asLongs().read(feed.actions, 0, batch);
                } else {
                    result.get(0)
                            .asRawTensor()
                            .data()
                            .asFloats()
                            .read(feed.qValues, 0, batch * numActions);
                }
                for (int k = 0; k < stateOutputs.length; k++) {
                    unstageState(result.get(k + 1), k, feed, nextStateOut);
                }
            }
            if (logits != null) {
                if (greedy) {
                    SoftmaxSampler.greedy(feed.qValues, batch, numActions, actionsOut, probOut);
                } else {
                    sampler.sample(feed.qValues, batch, numActions, actionsOut, probOut);
                }
                return;
            }
            if (fetched == action) {
                checkActions(feed, actionsOut);
            } else {
                argmax(feed, actionsOut);
            }
            for (int i = 0; i < batch; i++) {
                probOut[i] = 1.0f;
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "inference with policy v" + version + " failed: " + e.getMessage(), e);
        } finally {
            feeds.offer(feed);
        }
    }

    /** Copies state tensor k of every row ({@code [h_i | c_i]} layout) into its input tensor. */
    private void stageState(float[] state, int k, Feed feed) {
        int stateSize = stateSize();
        for (int i = 0; i < feed.batch; i++) {
            System.arraycopy(state, i * stateSize + k * units, feed.stateRows, i * units, units);
        }
        feed.stateData[k].write(feed.stateRows, 0, feed.batch * units);
    }

    /** Copies next-state tensor k into every row's slice of {@code nextStateOut}. */
    private void unstageState(Tensor next, int k, Feed feed, float[] nextStateOut) {
        if (next.shape().size() != (long) feed.batch * units) {
            throw new IllegalStateException(
                    "policy v"
                            + version
                            + " returned "
                            + recurrent.stateOutputs().get(k)
                            + " of shape "
                            + next.shape()
                            + " for "
                            + feed.batch
                            + " rows; expected ["
                            + feed.batch
                            + ", "
                            + units
                            + "]");
        }
        next.asRawTensor().data().asFloats().read(feed.stateRows, 0, feed.batch * units);
        int stateSize = stateSize();
        for (int i = 0; i < feed.batch; i++) {
            System.arraycopy(
                    feed.stateRows, i * units, nextStateOut, i * stateSize + k * units, units);
        }
    }

    /** The argmax of a stochastic policy's logits; its owner closes the model. */
    private final class GreedyView implements Policy {
        @Override
        public long version() {
            return version;
        }

        @Override
        public int numActions() {
            return numActions;
        }

        @Override
        public int observationSize() {
            return observationSize;
        }

        @Override
        public boolean deterministic() {
            return true;
        }

        @Override
        public void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut) {
            requireFeedForward("act without a state");
            run(obs, null, batch, actionsOut, behaviorProbOut, null, true);
        }

        @Override
        public int stateSize() {
            return SavedModelPolicy.this.stateSize();
        }

        @Override
        public void act(
                float[] obs,
                float[] state,
                int batch,
                int[] actionsOut,
                float[] behaviorProbOut,
                float[] nextStateOut) {
            run(obs, state, batch, actionsOut, behaviorProbOut, nextStateOut, true);
        }

        @Override
        public void close() {
            // the view owns nothing; SavedModelPolicy.close() releases the model
        }

        @Override
        public String toString() {
            return "greedy " + SavedModelPolicy.this;
        }
    }

    /** True when the signature exports {@code q_values} and the policy is feed-forward. */
    @Override
    public boolean hasQValues() {
        return qValues != null && recurrent == null;
    }

    /**
     * One session run fetching {@code q_values}.
     *
     * @throws UnsupportedOperationException when the signature has no {@code q_values} output
     */
    @Override
    public void qValues(float[] obs, int rows, float[] qOut) {
        if (qValues == null) {
            Policy.super.qValues(obs, rows, qOut);
        }
        requireFeedForward("compute Q-values without a state");
        if (closed.get()) {
            throw new IllegalStateException("policy v" + version + " is closed");
        }
        Feed feed = borrow(rows);
        try {
            feed.inputData.write(obs, 0, rows * observationSize);
            try (Result result = session.runner().feed(input, feed.input).fetch(qValues).run()) {
                Tensor q = result.get(0);
                if (q.shape().size() != (long) rows * numActions) {
                    throw new IllegalStateException(
                            "policy v"
                                    + version
                                    + " returned q_values of shape "
                                    + q.shape()
                                    + " for "
                                    + rows
                                    + " observations; expected ["
                                    + rows
                                    + ", "
                                    + numActions
                                    + "]");
                }
                q.asRawTensor().data().asFloats().read(qOut, 0, rows * numActions);
            }
        } finally {
            feeds.offer(feed);
        }
    }

    private void checkActions(Feed feed, int[] actionsOut) {
        for (int i = 0; i < feed.batch; i++) {
            long action = feed.actions[i];
            if (action < 0 || action >= numActions) {
                throw new IllegalStateException(
                        "the model returned action "
                                + action
                                + " for row "
                                + i
                                + "; valid actions are 0 to "
                                + (numActions - 1));
            }
            actionsOut[i] = (int) action;
        }
    }

    private void argmax(Feed feed, int[] actionsOut) {
        float[] q = feed.qValues;
        for (int i = 0; i < feed.batch; i++) {
            int base = i * numActions;
            int best = 0;
            for (int a = 1; a < numActions; a++) {
                if (q[base + a] > q[base + best]) {
                    best = a;
                }
            }
            actionsOut[i] = best;
        }
    }

    private Feed borrow(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1; got " + batch);
        }
        Feed feed = feeds.poll();
        if (feed != null && feed.batch == batch) {
            return feed;
        }
        if (feed != null) {
            feed.close();
        }
        long[] dims = new long[obsShape.size() + 1];
        dims[0] = batch;
        for (int d = 0; d < obsShape.size(); d++) {
            dims[d + 1] = obsShape.get(d);
        }
        return new Feed(batch, Shape.of(dims), numActions, stateInputs.length, units);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Feed feed = feeds.poll(); feed != null; feed = feeds.poll()) {
            feed.close();
        }
        bundle.close();
    }

    @Override
    public String toString() {
        return "SavedModelPolicy[v"
                + version
                + ", obs "
                + obsShape
                + ", "
                + numActions
                + " actions, "
                + (logits != null
                        ? "sampled from softmax(logits)"
                        : action != null ? "action output" : "argmax of q_values")
                + (recurrent == null
                        ? ""
                        : ", recurrent " + recurrent.cell() + " of " + units + " units")
                + "]";
    }
}
