package io.replayflow.trainer.data;

import io.replayflow.replay.priority.Priorities;
import io.replayflow.replay.priority.PriorityOptions;
import io.replayflow.replay.sample.BetaSchedule;
import io.replayflow.replay.sample.SampleBatch;
import io.replayflow.replay.sample.Sampler;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.SeededRandom;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.publish.PriorityUpdatePublisher;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Batches drawn from {@link TransitionColumns} in memory by a replay-store {@link Sampler}:
 * uniform, or prioritized by {@code |TD error| + epsilon} with importance weights.
 *
 * <pre>{@code
 * BatchSource source = ArrayBatchSource.uniform(columns, new SeededRandom(7));
 * BatchSource prioritized = ArrayBatchSource.prioritized(
 *         columns, 0.6, new BetaSchedule(0.4, 30_000), 1e-6, new SeededRandom(7));
 * }</pre>
 *
 * <p>Checkpoints keep the RNG state, so a resumed uniform run draws the same batches as an
 * uninterrupted one. Priorities are not checkpointed: after a restart every row starts again at the
 * running max priority. Not thread-safe; owned by the training thread.
 */
public final class ArrayBatchSource implements BatchSource {

    private static final String RNG_STATE = "rng";

    private final TransitionColumns columns;
    private final Sampler sampler;
    private final SeededRandom rng;
    private final boolean prioritized;
    private final double epsilon;
    private SampleBatch draws;
    private double[] priorities;
    private PriorityUpdatePublisher publisher;
    private LongSupplier policyVersion;
    private TransitionKey[] keys;
    private ObsNoise noise;

    private ArrayBatchSource(
            TransitionColumns columns,
            Sampler sampler,
            SeededRandom rng,
            boolean prioritized,
            double epsilon) {
        this.columns = Objects.requireNonNull(columns, "columns");
        this.sampler = sampler;
        this.rng = rng;
        this.prioritized = prioritized;
        this.epsilon = epsilon;
        if (columns.size() == 0) {
            throw new IllegalArgumentException(
                    "no transitions to train on: the dataset is empty (check the data root, the"
                            + " env and the date range)");
        }
        sampler.append(columns.size());
    }

    /** Every row equally likely. */
    public static ArrayBatchSource uniform(TransitionColumns columns, SeededRandom rng) {
        return new ArrayBatchSource(columns, Sampler.uniform(rng), rng, false, 1e-6);
    }

    /** Proportional prioritized replay; priorities are {@code |TD error| + epsilon}. */
    public static ArrayBatchSource prioritized(
            TransitionColumns columns,
            double alpha,
            BetaSchedule beta,
            double epsilon,
            SeededRandom rng) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException(
                    PriorityOptions.EPSILON_KEY + "=" + epsilon + " is invalid: must be > 0");
        }
        return new ArrayBatchSource(
                columns, Sampler.prioritized(alpha, beta, rng), rng, true, epsilon);
    }

    /**
     * Uniform or prioritized as {@code trainer.sampler} says, seeded by {@code trainer.seed}, with
     * {@code trainer.augment.obs-noise} ({@link ObsNoise}, scaled by the columns' per-feature
     * standard deviation) when it is set.
     */
    public static ArrayBatchSource of(TransitionColumns columns, TrainerConfig config) {
        ArrayBatchSource source = sampled(columns, config);
        if (config.obsNoise() > 0) {
            source.noise = noise(columns, config);
        }
        return source;
    }

    private static ObsNoise noise(TransitionColumns columns, TrainerConfig config) {
        TransitionSpec spec = columns.spec();
        if (spec.obsType() != TransitionSpec.ObsType.FLOAT32) {
            throw new IllegalArgumentException(
                    "trainer.augment.obs-noise="
                            + config.obsNoise()
                            + " applies to float observations, not uint8 images: remove the key");
        }
        int dim = spec.obsSize();
        float[] obs = new float[Math.multiplyExact(columns.size(), dim)];
        for (int row = 0; row < columns.size(); row++) {
            System.arraycopy(columns.obs(row), 0, obs, row * dim, dim);
        }
        return new ObsNoise(
                config.obsNoise(),
                ObsNoise.featureStd(obs, columns.size(), dim),
                SeededRandom.derive(config.seed() ^ ObsNoise.STREAM, 0));
    }

    private static ArrayBatchSource sampled(TransitionColumns columns, TrainerConfig config) {
        SeededRandom rng = SeededRandom.derive(config.seed(), 0x5A4D);
        return config.prioritized()
                ? prioritized(
                        columns,
                        config.priorityAlpha(),
                        new BetaSchedule(config.priorityBeta0(), config.betaAnnealSteps()),
                        config.priorityEpsilon(),
                        rng)
                : uniform(columns, rng);
    }

    @Override
    public TransitionSpec spec() {
        return columns.spec();
    }

    public TransitionColumns columns() {
        return columns;
    }

    @Override
    public void fill(TrainingBatch batch) {
        if (draws == null || draws.size() != batch.size()) {
            draws = new SampleBatch(batch.size());
            priorities = new double[batch.size()];
        }
        sampler.sample(draws);
        int[] rows = draws.rowIds();
        float[] w = draws.weights();
        for (int j = 0; j < rows.length; j++) {
            columns.copyRow(rows[j], batch, j);
            batch.rowIds()[j] = rows[j];
            batch.weights()[j] = w[j];
        }
        if (noise != null) {
            noise.apply(batch);
        }
    }

    /**
     * Also sends every batch's TD errors as {@code PriorityUpdate}s (rows need {@link
     * TransitionKey}s), tagged with the policy version {@code policyVersion} returns at the time.
     *
     * @throws IllegalStateException if the columns carry no transition identities
     */
    public ArrayBatchSource publishPriorities(
            PriorityUpdatePublisher publisher, LongSupplier policyVersion) {
        if (columns.key(0).isEmpty()) {
            throw new IllegalStateException(
                    "cannot publish priority updates: these columns carry no transition identities"
                        + " (build them with LoggedTransitions or TransitionColumns.Builder.key)");
        }
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.policyVersion = Objects.requireNonNull(policyVersion, "policyVersion");
        return this;
    }

    @Override
    public boolean wantsTdErrors() {
        return prioritized || publisher != null;
    }

    @Override
    public void onTdErrors(TrainingBatch batch, float[] tdErrors, long trainerStep) {
        for (int j = 0; j < batch.size(); j++) {
            priorities[j] = Priorities.fromTdError(tdErrors[j], epsilon);
        }
        sampler.update(batch.rowIds(), priorities, batch.size());
        if (publisher != null) {
            if (keys == null || keys.length != batch.size()) {
                keys = new TransitionKey[batch.size()];
            }
            for (int j = 0; j < batch.size(); j++) {
                keys[j] = columns.key(batch.rowIds()[j]).orElseThrow();
            }
            publisher.send(keys, tdErrors, batch.size(), policyVersion.getAsLong(), trainerStep);
        }
    }

    @Override
    public PolicyManifest.Lineage lineage() {
        return columns.lineage();
    }

    @Override
    public Map<String, String> checkpointState() {
        return noise == null
                ? Map.of(RNG_STATE, Long.toString(rng.state()))
                : Map.of(
                        RNG_STATE,
                        Long.toString(rng.state()),
                        ObsNoise.RNG_STATE,
                        Long.toString(noise.state()));
    }

    @Override
    public void restoreState(Map<String, String> state) {
        String s = state.get(RNG_STATE);
        if (s != null) {
            rng.restore(Long.parseLong(s));
        }
        String n = state.get(ObsNoise.RNG_STATE);
        if (n != null && noise != null) {
            noise.restore(Long.parseLong(n));
        }
    }
}
