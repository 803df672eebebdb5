package io.replayflow.trainer.run;

import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.trainer.StepMetrics;
import io.replayflow.trainer.TrainLoop;
import io.replayflow.trainer.TrainProgress;
import io.replayflow.trainer.Trainer;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.data.DataSelection;
import io.replayflow.trainer.data.NoTransitionsException;
import io.replayflow.trainer.data.ReplayDatasetSource;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.publish.PolicyPublisher;
import io.replayflow.trainer.publish.PriorityUpdatePublisher;
import io.replayflow.trainer.publish.PublishedVersions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code ./replayflow train}: trains one policy offline from Parquet data and exports (and
 * optionally publishes) it.
 *
 * <pre>{@code
 * TrainResult result = TrainRunner.system().run(request, new TrainListener() {
 *     public void progress(TrainProgress p) { LOG.info("step {}", p.step()); }
 * });
 * LOG.info("{}", result.toJson());
 * }</pre>
 *
 * <ol>
 *   <li>Opens the experience log or the replay dataset {@code --dataset} under the data root, with
 *       the request's filters, through replay-store's reader ({@link ReplayDatasetSource}).
 *   <li>Builds the {@link Trainer} from {@code TrainerConfig} (defaults, then {@code --set}
 *       overrides, then {@code --algo}, {@code --steps}, {@code --policy-name}) and resumes from
 *       the newest checkpoint in the checkpoint directory, if any: the global step continues.
 *   <li>Runs the {@link TrainLoop} to {@code --steps}, handing its {@link TrainProgress} (step,
 *       target, steps/s, losses) to the caller, who formats it, TensorBoard events and periodic
 *       checkpoints.
 *   <li>Exports the policy to {@code <root>/policies/<name>/<version>/}; the version is the next
 *       one after the policy directory, its high-water mark and, when publishing, the last version
 *       announced on {@code rf.policies} (read before training, so a wrong bootstrap address fails
 *       in seconds).
 *   <li>Publishes a {@code PolicyVersion} when asked.
 * </ol>
 *
 * Bad input is an {@link IllegalArgumentException} naming the flag or key and the fix (the CLI's
 * exit code 2). Not thread-safe; one run at a time per instance.
 */
public final class TrainRunner {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

    private final InstantSource clock;
    private final Duration progressEvery;

    /**
     * @param clock the time written into policy artifacts (TensorFlow stamps TensorBoard events)
     * @param progressEvery the least time between two progress reports
     */
    public TrainRunner(InstantSource clock, Duration progressEvery) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.progressEvery = Objects.requireNonNull(progressEvery, "progressEvery");
    }

    /** The system clock, a progress report every 5 seconds. */
    public static TrainRunner system() {
        return new TrainRunner(InstantSource.system(), Duration.ofSeconds(5));
    }

    /**
     * Trains, exports and (if asked) publishes.
     *
     * @param listener hears the start, where training stands (at most every {@code progressEvery}
     *     and after the last step) and the export
     * @throws IllegalArgumentException for bad input, naming the flag or key
     * @throws io.replayflow.trainer.publish.PublishException when Kafka cannot be read or written
     */
    public TrainResult run(TrainRequest request, TrainListener listener) throws IOException {
        Path root = DataRoots.localDirectory(request.dataRoot(), "--data-root");
        TrainerConfig config = request.trainerConfig();
        CheckpointStore checkpoints =
                new CheckpointStore(
                        Objects.requireNonNullElse(
                                request.checkpointDir(),
                                DataRoots.defaultCheckpoints(root, config.policyName())),
                        config.checkpointKeep());
        long startStep = checkpoints.latest().map(CheckpointStore::stepOf).orElse(0L);
        long lastPublished =
                request.publish()
                        ? PublishedVersions.latest(
                                request.bootstrap(),
                                request.kafkaProperties(),
                                request.topics(),
                                config.policyName(),
                                KAFKA_TIMEOUT)
                        : 0;
        try (ReplayDataset dataset = open(request, root, config, startStep);
                PriorityUpdatePublisher priorities = priorityPublisher(request, config)) {
            ReplayDatasetSource source =
                    source(
                            dataset,
                            config,
                            request.selection(),
                            startStep,
                            priorities,
                            lastPublished);
            try (Trainer trainer = Trainer.create(config, source.spec());
                    EventFileWriter events =
                            new EventFileWriter(
                                    Objects.requireNonNullElse(
                                            request.tensorboardDir(),
                                            DataRoots.defaultTensorboard(
                                                    root, config.policyName())))) {
                restore(trainer, checkpoints, source);
                listener.started(
                        new TrainStart(
                                config.policyName(),
                                config.algo(),
                                source.lineage().transitions(),
                                source.dataset().uri(),
                                source.nStepTargets(),
                                trainer.globalStep(),
                                config.steps(),
                                checkpoints.dir(),
                                trainer.changedOnResume()));
                StepMetrics last = train(trainer, source, checkpoints, events, listener::progress);
                if (priorities != null) {
                    priorities.flush();
                }
                PolicyArtifact artifact =
                        trainer.export(
                                new PolicyExporter(root, clock), source.lineage(), lastPublished);
                events.scalar(
                        TrainerMetrics.POLICY_VERSION, artifact.version(), trainer.globalStep());
                events.flush();
                if (request.publish()) {
                    publish(request, artifact, last);
                }
                listener.exported(artifact, request.publish() ? request.topics().policies() : null);
                return new TrainResult(
                        artifact,
                        config.algo(),
                        startStep,
                        trainer.globalStep(),
                        source.lineage().transitions(),
                        last.totalLoss(),
                        request.publish());
            }
        }
    }

    private static ReplayDataset open(
            TrainRequest request, Path root, TrainerConfig config, long startStep)
            throws IOException {
        ReplayReadOptions options =
                ReplayDatasetSource.readOptions(config, request.selection(), startStep).build();
        return request.dataset() == null
                ? ReplayDataset.openExperienceLog(root.toUri(), options)
                : ReplayDataset.openReplay(root.toUri(), request.dataset(), options);
    }

    /** Priority updates go back to replay-store when publishing from a prioritized replay set. */
    private static PriorityUpdatePublisher priorityPublisher(
            TrainRequest request, TrainerConfig config) {
        return request.publish() && request.dataset() != null && config.prioritized()
                ? PriorityUpdatePublisher.create(
                        request.bootstrap(),
                        request.kafkaProperties(),
                        request.topics(),
                        config.priorityEpsilon())
                : null;
    }

    private StepMetrics train(
            Trainer trainer,
            ReplayDatasetSource source,
            CheckpointStore checkpoints,
            EventFileWriter events,
            Consumer<TrainProgress> progress)
            throws IOException {
        StepMetrics last =
                TrainLoop.builder(trainer, source)
                        .checkpoints(checkpoints)
                        .events(events)
                        .progress(progress, progressEvery.toNanos())
                        .build()
                        .run(trainer.config().steps());
        // Already at --steps (a resumed run): report the loss of one batch without training.
        return last != null ? last : trainer.evaluate(source);
    }

    private static void publish(TrainRequest request, PolicyArtifact artifact, StepMetrics last) {
        try (PolicyPublisher publisher =
                PolicyPublisher.create(
                        request.bootstrap(), request.kafkaProperties(), request.topics())) {
            publisher.publish(artifact.toPolicyVersion(metrics(last)));
        }
    }

    private static ReplayDatasetSource source(
            ReplayDataset dataset,
            TrainerConfig config,
            DataSelection selection,
            long startStep,
            PriorityUpdatePublisher priorities,
            long lastPublished) {
        try {
            if (dataset.liveRows() == 0) {
                throw new NoTransitionsException(
                        ReplayDatasetSource.emptyMessage(dataset.uri(), selection));
            }
            int numActions =
                    config.numActions() > 0
                            ? config.numActions()
                            : EnvActions.resolve(
                                    0,
                                    selection.env().map(Set::of).orElseGet(() -> envIds(dataset)));
            ReplayDatasetSource.Builder builder =
                    ReplayDatasetSource.builder(dataset, config)
                            .numActions(numActions)
                            .selection(selection)
                            .startStep(startStep);
            if (priorities != null) {
                builder.publishPriorities(priorities, () -> lastPublished);
            }
            return builder.build();
        } catch (NoTransitionsException e) {
            throw new IllegalArgumentException(
                    e.getMessage()
                            + " (check --data-root, --dataset, --env, --from, --to and"
                            + " --policy-versions)",
                    e);
        }
    }

    /** The env ids of every live row: O(rows), only when neither --env nor the key says. */
    private static Set<String> envIds(ReplayDataset dataset) {
        Set<String> envs = new LinkedHashSet<>();
        for (int row : dataset.liveRowIds()) {
            envs.add(dataset.transitionId(row).envId());
        }
        return envs;
    }

    private static void restore(
            Trainer trainer, CheckpointStore checkpoints, ReplayDatasetSource source)
            throws IOException {
        try {
            trainer.restoreLatest(checkpoints, source);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(
                    "--checkpoint-dir " + checkpoints.dir() + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Double> metrics(StepMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(TrainerMetrics.LOSS_TOTAL, (double) m.totalLoss());
        out.put(TrainerMetrics.LOSS_TD, (double) m.tdLoss());
        out.put(TrainerMetrics.LOSS_CONSERVATIVE, (double) m.conservativeLoss());
        out.put(TrainerMetrics.Q_MEAN, (double) m.meanQ());
        out.values().removeIf(v -> !Double.isFinite(v));
        return out;
    }
}
