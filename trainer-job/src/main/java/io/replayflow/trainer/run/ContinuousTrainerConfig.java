package io.replayflow.trainer.run;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.limit.SamplesPerInsertSettings;
import io.replayflow.replay.segment.SegmentReadOptions;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TrainerOptions;
import io.replayflow.trainer.pg.SegmentConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of a {@link ContinuousTrainer}. Immutable; validated in the constructor.
 *
 * <pre>{@code
 * ContinuousTrainerConfig config = ContinuousTrainerConfig.builder(stack.dataDir().toUri(), "default")
 *         .trainer(TrainerConfig.fromMap(Map.of(
 *                 "trainer.algo", "double-dqn", "trainer.policy.name", "cartpole")))
 *         .env("CartPole-v1")
 *         .minSize(1_000)
 *         .refreshEvery(100)
 *         .publishEvery(1_000)
 *         .samplesPerInsert(new SamplesPerInsertSettings(8.0, 2048.0, 1_000, 32, 256))
 *         .bootstrap(stack.bootstrapServers())
 *         .build();
 * }</pre>
 *
 * @param dataRoot the live data root ({@code file://} URI or a path)
 * @param dataset the replay dataset under {@code <root>/replay/} that replay-store writes
 * @param trainer algorithm, network, batch, sampler, policy name...; {@code
 *     trainer.data.refresh-period} is replaced by {@code refreshEvery}
 * @param env keep only this env id (also gives the number of actions)
 * @param minSize transitions loaded (live plus pending) before the first step, >= 1
 * @param refreshEvery gradient steps between looking for new files, >= 1
 * @param publishEvery gradient steps between exported (and published) versions, >= 1
 * @param samplesPerInsert an optional samples-per-insert limiter on the reader
 * @param bootstrap Kafka bootstrap servers; empty: versions are exported but not published
 * @param topics topic names
 * @param checkpointDir null: {@code <root>/checkpoints/trainer/<policy name>}
 * @param tensorboardDir null: {@code <root>/tensorboard/<policy name>}
 * @param pollInterval how often to look for data while waiting for {@code minSize}
 * @param dataTimeout how long one batch may wait for a limiter before the trainer fails
 * @param kafkaProperties Kafka client settings of the trainer's clients (security: {@code
 *     security.protocol}, {@code sasl.*}, {@code ssl.*}); never printed
 * @param policyGradient with a policy-gradient {@code trainer.algo} (a2c, reinforce, impala): the
 *     actor-critic and V-trace settings over {@code trainer} (given, or their defaults); the
 *     dataset is then a segment dataset ({@code replay.dataset.kind=segments}) read through {@code
 *     segments}, and {@code minSize} and {@code samplesPerInsert} do not apply. Empty otherwise.
 * @param segments how a policy-gradient run reads segments (length T, uses, window); the learner's
 *     version and clock are filled in by the trainer
 */
public record ContinuousTrainerConfig(
        URI dataRoot,
        String dataset,
        TrainerConfig trainer,
        Optional<String> env,
        long minSize,
        long refreshEvery,
        long publishEvery,
        Optional<SamplesPerInsertSettings> samplesPerInsert,
        Optional<String> bootstrap,
        Topics topics,
        Path checkpointDir,
        Path tensorboardDir,
        Duration pollInterval,
        Duration dataTimeout,
        Map<String, String> kafkaProperties,
        Optional<SegmentConfig> policyGradient,
        SegmentReadOptions segments) {

    public ContinuousTrainerConfig {
        Objects.requireNonNull(dataRoot, "dataRoot");
        DatasetLayout.checkDatasetName(dataset);
        Objects.requireNonNull(trainer, "trainer");
        env = Objects.requireNonNullElse(env, Optional.empty());
        samplesPerInsert = Objects.requireNonNullElse(samplesPerInsert, Optional.empty());
        bootstrap = Objects.requireNonNullElse(bootstrap, Optional.empty());
        topics = Objects.requireNonNullElse(topics, Topics.defaults());
        kafkaProperties =
                Secrets.hidingSecrets(Objects.requireNonNullElse(kafkaProperties, Map.of()));
        positive("min-size", minSize, "e.g. 1000 transitions before the first step");
        positive("refresh-every", refreshEvery, "e.g. 100 steps between directory listings");
        positive("publish-every", publishEvery, "e.g. 1000 steps between policy versions");
        positive("poll-interval", pollInterval.toMillis(), "e.g. PT0.5S");
        positive("data-timeout", dataTimeout.toMillis(), "e.g. PT5M");
        if (samplesPerInsert.isPresent()
                && samplesPerInsert.get().maxSampleBatch() < trainer.batchSize()) {
            throw new IllegalArgumentException(
                    "samples-per-insert maxSampleBatch "
                            + samplesPerInsert.get().maxSampleBatch()
                            + " is below trainer.batch-size "
                            + trainer.batchSize()
                            + ": the limiter would refuse every batch; raise it to at least the"
                            + " batch size");
        }
        if (env.isEmpty() && trainer.numActions() == 0) {
            throw new IllegalArgumentException(
                    "the number of actions is unknown: set env (e.g. CartPole-v1) or"
                            + " trainer.num-actions");
        }
        EnvActions.resolve(trainer.numActions(), env.map(Set::of).orElse(Set.of()));
        trainer = trainer.with(TrainerOptions.REFRESH_PERIOD.key(), refreshEvery);
        policyGradient = policyGradient(trainer, policyGradient);
        segments = Objects.requireNonNullElse(segments, SegmentReadOptions.defaults());
        if (trainer.algo() == Algo.REINFORCE && segments.maxUses() != 1) {
            throw new IllegalArgumentException(
                    "trainer.algo=reinforce learns each whole episode once, but segments may be"
                            + " used "
                            + segments.maxUses()
                            + " times: a second use arrives after its episode was assembled and"
                            + " learned, as a stale copy or a fragment; set the segment uses to 1"
                            + " (--segment-uses 1)");
        }
    }

    /** The policy-gradient settings over {@code trainer}, or empty for a value-based algo. */
    private static Optional<SegmentConfig> policyGradient(
            TrainerConfig trainer, Optional<SegmentConfig> given) {
        if (!trainer.algo().segments()) {
            if (given != null && given.isPresent()) {
                throw new IllegalArgumentException(
                        "policy-gradient settings were given for trainer.algo="
                                + trainer.algo()
                                + ": use a2c, reinforce, impala or r2d2, or drop them");
            }
            return Optional.empty();
        }
        if (given == null || given.isEmpty()) {
            return Optional.of(SegmentConfig.fromMap(trainer.toMap()));
        }
        return Optional.of(given.get().withTrainer(trainer));
    }

    /** The number of actions: {@code trainer.num-actions}, else the env's. */
    public int numActions() {
        return EnvActions.resolve(trainer.numActions(), env.map(Set::of).orElse(Set.of()));
    }

    public static Builder builder(URI dataRoot, String dataset) {
        return new Builder(dataRoot, dataset);
    }

    private static void positive(String name, long value, String example) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    name + " is " + value + "; it must be positive (" + example + ")");
        }
    }

    /**
     * Builds a {@link ContinuousTrainerConfig}; defaults: default trainer config, min-size 1000,
     * refresh-every 100, publish-every 1000, no limiter, no Kafka, poll 500 ms, data timeout 5 min.
     */
    public static final class Builder {
        private final URI dataRoot;
        private final String dataset;
        private TrainerConfig trainer = TrainerConfig.defaults();
        private String env;
        private long minSize = 1_000;
        private long refreshEvery = 100;
        private long publishEvery = 1_000;
        private SamplesPerInsertSettings samplesPerInsert;
        private String bootstrap;
        private Map<String, String> kafkaProperties = Map.of();
        private Topics topics = Topics.defaults();
        private Path checkpointDir;
        private Path tensorboardDir;
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration dataTimeout = Duration.ofMinutes(5);
        private SegmentConfig policyGradient;
        private SegmentReadOptions segments = SegmentReadOptions.defaults();

        private Builder(URI dataRoot, String dataset) {
            this.dataRoot = dataRoot;
            this.dataset = dataset;
        }

        /**
         * A value-based run with these settings.
         *
         * @throws IllegalArgumentException for a policy-gradient algo, whose own keys ({@code
         *     trainer.pg.*}, the actor-critic's sizes) a {@link TrainerConfig} does not hold: they
         *     would fall back to their defaults unseen; use {@link #policyGradient}
         */
        public Builder trainer(TrainerConfig trainer) {
            if (trainer.algo().segments()) {
                throw new IllegalArgumentException(
                        "trainer.algo="
                                + trainer.algo()
                                + (trainer.algo().policyGradient()
                                        ? " is a policy-gradient algo"
                                        : " learns from trajectory segments")
                                + ": give its settings with"
                                + " policyGradient(SegmentConfig.fromMap(...)), which keeps"
                                + " the trainer.pg.* keys a TrainerConfig drops");
            }
            this.trainer = trainer;
            return this;
        }

        /**
         * A policy-gradient run with these settings; also sets {@link #trainer} to {@code
         * config.trainer()}.
         */
        public Builder policyGradient(SegmentConfig config) {
            this.policyGradient = config;
            this.trainer = config.trainer();
            return this;
        }

        /**
         * How a policy-gradient run reads its segments (default {@link
         * SegmentReadOptions#defaults}).
         */
        public Builder segments(SegmentReadOptions options) {
            this.segments = options;
            return this;
        }

        public Builder env(String env) {
            this.env = env;
            return this;
        }

        public Builder minSize(long minSize) {
            this.minSize = minSize;
            return this;
        }

        public Builder refreshEvery(long steps) {
            this.refreshEvery = steps;
            return this;
        }

        public Builder publishEvery(long steps) {
            this.publishEvery = steps;
            return this;
        }

        public Builder samplesPerInsert(SamplesPerInsertSettings settings) {
            this.samplesPerInsert = settings;
            return this;
        }

        /** Kafka client settings (security...) for every client the trainer creates. */
        public Builder kafkaProperties(Map<String, String> properties) {
            this.kafkaProperties = properties;
            return this;
        }

        /** Publish versions (and, when prioritized, priority updates) to this Kafka. */
        public Builder bootstrap(String bootstrapServers) {
            this.bootstrap = bootstrapServers;
            return this;
        }

        public Builder topics(Topics topics) {
            this.topics = topics;
            return this;
        }

        public Builder checkpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        public Builder tensorboardDir(Path dir) {
            this.tensorboardDir = dir;
            return this;
        }

        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        public Builder dataTimeout(Duration timeout) {
            this.dataTimeout = timeout;
            return this;
        }

        public ContinuousTrainerConfig build() {
            return new ContinuousTrainerConfig(
                    dataRoot,
                    dataset,
                    trainer,
                    Optional.ofNullable(env),
                    minSize,
                    refreshEvery,
                    publishEvery,
                    Optional.ofNullable(samplesPerInsert),
                    Optional.ofNullable(bootstrap),
                    topics,
                    checkpointDir,
                    tensorboardDir,
                    pollInterval,
                    dataTimeout,
                    kafkaProperties,
                    Optional.ofNullable(policyGradient),
                    segments);
        }
    }
}
