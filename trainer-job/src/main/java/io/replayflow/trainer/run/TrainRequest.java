package io.replayflow.trainer.run;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TrainerOptions;
import io.replayflow.trainer.data.DataSelection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;

/**
 * What {@code ./replayflow train} asks of {@link TrainRunner}. Validated in the constructor: a bad
 * value is an {@link IllegalArgumentException} naming the flag (or trainer key) and the fix.
 * Messages use the CLI's flag names: {@code --data-root}, {@code --dataset}, {@code --algo}, {@code
 * --steps}, {@code --env}, {@code --from}, {@code --to}, {@code --policy-versions}, {@code
 * --policy-name}, {@code --publish}, {@code --bootstrap}, {@code --set key=value} (trainer
 * overrides), {@code --checkpoint-dir}, {@code --tensorboard-dir}.
 *
 * <pre>{@code
 * TrainRequest request = TrainRequest.builder(URI.create("file:///data/rf"))
 *         .algo(Algo.CQL)
 *         .steps(30_000)
 *         .env("CartPole-v1")
 *         .policyName("cartpole")
 *         .publish("127.0.0.1:9092")
 *         .set("trainer.cql.alpha", "0.5")
 *         .build();
 * }</pre>
 *
 * @param dataRoot the data root, a {@code file://} URI (or a plain path); holds {@code experience/}
 * @param dataset a replay dataset under {@code <root>/replay/}; null trains on the experience log
 * @param trainer the trainer configuration: {@code --set key=value} overrides with {@code --algo},
 *     {@code --steps} (the global step to train to; a run that resumes from a checkpoint continues
 *     towards it) and {@code --policy-name} on top, read once by the builder
 * @param env keep only this env id
 * @param from keep transitions at or after this event time
 * @param to keep transitions before this event time
 * @param policyVersions keep only transitions of these behaviour policy versions
 * @param publish whether to announce the exported version on {@code rf.policies}
 * @param bootstrap Kafka bootstrap servers; required when publishing
 * @param topics topic names (default {@code rf.*})
 * @param checkpointDir where checkpoints go; null: {@code <root>/checkpoints/trainer/<policyName>}
 * @param tensorboardDir where TensorBoard events go; null: {@code <root>/tensorboard/<policyName>}
 * @param kafkaProperties Kafka client settings of every client the run creates (security: {@code
 *     security.protocol}, {@code sasl.*}, {@code ssl.*}; the CLI's {@code --kafka-config FILE});
 *     printed with secrets hidden
 */
public record TrainRequest(
        URI dataRoot,
        String dataset,
        TrainerConfig trainer,
        Optional<String> env,
        Optional<Instant> from,
        Optional<Instant> to,
        Optional<long[]> policyVersions,
        boolean publish,
        String bootstrap,
        Topics topics,
        Path checkpointDir,
        Path tensorboardDir,
        Map<String, String> kafkaProperties) {

    public TrainRequest {
        if (dataRoot == null) {
            throw new IllegalArgumentException(
                    "--data-root is required: the directory that holds experience/ (the stack"
                            + " prints it)");
        }
        if (dataset != null) {
            try {
                DatasetLayout.checkDatasetName(dataset);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--dataset: " + e.getMessage(), e);
            }
        }
        Objects.requireNonNull(trainer, "trainer");
        env = Objects.requireNonNullElse(env, Optional.empty());
        from = Objects.requireNonNullElse(from, Optional.empty());
        to = Objects.requireNonNullElse(to, Optional.empty());
        policyVersions = Objects.requireNonNullElse(policyVersions, Optional.empty());
        if (publish && (bootstrap == null || bootstrap.isBlank())) {
            throw new IllegalArgumentException(
                    "--publish needs --bootstrap host:port (the Kafka address `./replayflow"
                            + " stack` prints)");
        }
        topics = Objects.requireNonNullElse(topics, Topics.defaults());
        kafkaProperties =
                Secrets.hidingSecrets(Objects.requireNonNullElse(kafkaProperties, Map.of()));
        new DataSelection(env, from, to, policyVersions); // validates the filters
    }

    /** The algorithm, {@code trainer.algo}. */
    public Algo algo() {
        return trainer.algo();
    }

    /** The global step to train to, {@code trainer.steps}. */
    public long steps() {
        return trainer.steps();
    }

    /** The name the policy is exported and published under, {@code trainer.policy.name}. */
    public String policyName() {
        return trainer.policyName();
    }

    public static Builder builder(URI dataRoot) {
        return new Builder(dataRoot);
    }

    /** The filters as a {@link DataSelection}. */
    public DataSelection selection() {
        return new DataSelection(env, from, to, policyVersions);
    }

    /** The trainer configuration (the same as {@link #trainer()}). */
    public TrainerConfig trainerConfig() {
        return trainer;
    }

    private static TrainerConfig trainerConfig(
            Map<String, String> trainerOverrides, Algo algo, long steps, String policyName) {
        Map<String, String> raw = new LinkedHashMap<>(trainerOverrides);
        put(raw, TrainerOptions.ALGO, algo.id(), "--algo");
        put(raw, TrainerOptions.STEPS, Long.toString(steps), "--steps");
        put(raw, TrainerOptions.POLICY_NAME, policyName, "--policy-name");
        try {
            return TrainerConfig.fromMap(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--set: " + e.getMessage(), e);
        }
    }

    private static void put(
            Map<String, String> raw, ConfigOption<?> option, String value, String flag) {
        String given = raw.get(option.key());
        if (given != null && !given.trim().equals(value)) {
            throw new IllegalArgumentException(
                    "--set "
                            + option.key()
                            + "="
                            + given
                            + " contradicts "
                            + flag
                            + " "
                            + value
                            + ": give it once, with "
                            + flag);
        }
        raw.put(option.key(), value);
    }

    @Override
    public Optional<long[]> policyVersions() {
        return policyVersions.map(long[]::clone);
    }

    /** Builds a {@link TrainRequest}; defaults: experience log, DQN, 30,000 steps, no filters. */
    public static final class Builder {
        private final URI dataRoot;
        private String dataset;
        private Algo algo = Algo.DQN;
        private long steps = TrainerOptions.STEPS.defaultValue();
        private String env;
        private Instant from;
        private Instant to;
        private long[] policyVersions;
        private String policyName = TrainerOptions.POLICY_NAME.defaultValue();
        private boolean publish;
        private String bootstrap;
        private Topics topics = Topics.defaults();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Path checkpointDir;
        private Path tensorboardDir;
        private Map<String, String> kafkaProperties = Map.of();

        private Builder(URI dataRoot) {
            this.dataRoot = dataRoot;
        }

        /** Train on the replay dataset {@code <root>/replay/<name>/} instead of the log. */
        public Builder dataset(String name) {
            this.dataset = name;
            return this;
        }

        public Builder algo(Algo algo) {
            this.algo = algo;
            return this;
        }

        public Builder steps(long steps) {
            this.steps = steps;
            return this;
        }

        public Builder env(String env) {
            this.env = env;
            return this;
        }

        public Builder from(Instant from) {
            this.from = from;
            return this;
        }

        public Builder to(Instant to) {
            this.to = to;
            return this;
        }

        public Builder policyVersions(long... versions) {
            this.policyVersions = versions.clone();
            return this;
        }

        public Builder policyName(String policyName) {
            this.policyName = policyName;
            return this;
        }

        /** Publish the exported version to {@code rf.policies} at {@code bootstrap}. */
        public Builder publish(String bootstrap) {
            this.publish = true;
            this.bootstrap = bootstrap;
            return this;
        }

        public Builder topics(Topics topics) {
            this.topics = topics;
            return this;
        }

        /** One {@code trainer.*} override. */
        public Builder set(String key, String value) {
            overrides.put(key, value);
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

        /** Kafka client settings (security...) for publishing; see {@link TrainRequest}. */
        public Builder kafkaProperties(Map<String, String> properties) {
            this.kafkaProperties = properties;
            return this;
        }

        /**
         * Builds the request, reading the trainer configuration once from the overrides and the
         * three flags.
         *
         * @throws IllegalArgumentException naming the flag (or {@code --set} key) and the fix
         */
        public TrainRequest build() {
            Objects.requireNonNull(algo, "algo");
            if (steps < 1) {
                throw new IllegalArgumentException(
                        "--steps " + steps + " is invalid: give the step to train to, >= 1");
            }
            if (policyName == null || !policyName.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(
                        "--policy-name '"
                                + policyName
                                + "' is invalid: use letters, digits, '.', '_' and '-', e.g."
                                + " cartpole");
            }
            return new TrainRequest(
                    dataRoot,
                    dataset,
                    trainerConfig(overrides, algo, steps, policyName),
                    Optional.ofNullable(env),
                    Optional.ofNullable(from),
                    Optional.ofNullable(to),
                    Optional.ofNullable(policyVersions),
                    publish,
                    bootstrap,
                    topics,
                    checkpointDir,
                    tensorboardDir,
                    kafkaProperties);
        }
    }
}
