package io.replayflow.trainer;

import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.data.BatchSource;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.metrics.TrainerPrometheus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs a {@link Trainer} to a target step with the chores around it: TensorBoard scalars and
 * Prometheus metrics every {@code trainer.metrics.period} steps, a checkpoint every {@code
 * trainer.checkpoint.period} steps and at the end, {@code source.refresh()} every {@code
 * trainer.data.refresh-period} steps (continuous mode), and a {@link TrainProgress} at most every
 * {@code progressEveryNanos} and after the last step. Every collaborator is optional; so are a
 * listener that sees every step's metrics ({@link Builder#onStep}) and a stop condition checked
 * before every step ({@link Builder#stopWhen}), which a trainer running on its own thread uses to
 * stop cleanly between steps (the final checkpoint is still written).
 *
 * <pre>{@code
 * StepMetrics last = TrainLoop.builder(trainer, source)
 *         .checkpoints(new CheckpointStore(root.resolve("checkpoints/cartpole"), 3))
 *         .events(new EventFileWriter(root.resolve("tensorboard/cartpole"))
 *         .progress(p -> System.err.println(p.step() + "/" + p.targetStep()), 5_000_000_000L)
 *         .build()
 *         .run(config.steps());
 * }</pre>
 */
public final class TrainLoop {

    private final Trainer trainer;
    private final BatchSource source;
    private final CheckpointStore checkpoints;
    private final EventFileWriter events;
    private final TrainerPrometheus prometheus;
    private final Consumer<TrainProgress> progress;
    private final long progressEveryNanos;
    private final LongSupplier nanoTime;
    private final Consumer<StepMetrics> onStep;
    private final BooleanSupplier stopWhen;

    private TrainLoop(Builder b) {
        this.trainer = b.trainer;
        this.source = b.source;
        this.checkpoints = b.checkpoints;
        this.events = b.events;
        this.prometheus = b.prometheus;
        this.progress = b.progress;
        this.progressEveryNanos = b.progressEveryNanos;
        this.nanoTime = b.nanoTime;
        this.onStep = b.onStep;
        this.stopWhen = b.stopWhen;
    }

    public static Builder builder(Trainer trainer, BatchSource source) {
        return new Builder(trainer, source);
    }

    /**
     * Steps until the global step reaches {@code targetStep} (nothing if it already has) or the
     * stop condition holds; returns the last step's metrics, or null if no step ran.
     */
    public StepMetrics run(long targetStep) throws IOException {
        TrainerConfig c = trainer.config();
        long startStep = trainer.globalStep();
        long startNanos = nanoTime.getAsLong();
        long lastProgress = startNanos;
        long windowStart = lastProgress;
        long windowSteps = 0;
        StepMetrics m = null;
        while (trainer.globalStep() < targetStep && !stopWhen.getAsBoolean()) {
            m = trainer.step(source);
            windowSteps++;
            long step = m.step();
            if (c.refreshPeriod() > 0 && step % c.refreshPeriod() == 0) {
                source.refresh();
            }
            if (step % c.metricsPeriod() == 0 || step == targetStep) {
                long now = nanoTime.getAsLong();
                double stepsPerS = windowSteps / Math.max(1e-9, (now - windowStart) / 1e9);
                record(m, stepsPerS);
                windowStart = now;
                windowSteps = 0;
            }
            if (checkpoints != null
                    && c.checkpointPeriod() > 0
                    && step % c.checkpointPeriod() == 0) {
                trainer.saveCheckpoint(checkpoints, source);
            }
            long now = nanoTime.getAsLong();
            if (progress != null && now - lastProgress >= progressEveryNanos) {
                progress.accept(
                        TrainProgress.since(
                                startStep, startNanos, nanoTime.getAsLong(), m, targetStep));
                lastProgress = now;
            }
            if (onStep != null) {
                onStep.accept(m);
            }
        }
        if (m != null) {
            if (checkpoints != null
                    && !(c.checkpointPeriod() > 0 && m.step() % c.checkpointPeriod() == 0)) {
                trainer.saveCheckpoint(checkpoints, source);
            }
            if (progress != null) {
                progress.accept(
                        TrainProgress.since(
                                startStep, startNanos, nanoTime.getAsLong(), m, targetStep));
            }
        }
        if (events != null) {
            events.flush();
        }
        return m;
    }

    private void record(StepMetrics m, double stepsPerS) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(TrainerMetrics.LOSS_TOTAL, (double) m.totalLoss());
        values.put(TrainerMetrics.LOSS_TD, (double) m.tdLoss());
        values.put(TrainerMetrics.LOSS_CONSERVATIVE, (double) m.conservativeLoss());
        values.put(TrainerMetrics.Q_MEAN, (double) m.meanQ());
        values.put(TrainerMetrics.GRAD_NORM, (double) m.gradNorm());
        if (!Float.isNaN(m.meanAbsTdError())) {
            values.put(TrainerMetrics.TD_ERROR_ABS, (double) m.meanAbsTdError());
        }
        values.put(TrainerMetrics.LEARNING_RATE, trainer.config().lr());
        values.put(TrainerMetrics.STEPS_PER_S, stepsPerS);
        values.put(TrainerMetrics.SAMPLES_PER_S, stepsPerS * trainer.config().batchSize());
        if (events != null) {
            events.scalars(values, m.step());
        }
        if (prometheus != null) {
            values.forEach(
                    (metric, value) -> {
                        if (!metric.equals(TrainerMetrics.STEPS_PER_S)
                                && !metric.equals(TrainerMetrics.SAMPLES_PER_S)) {
                            prometheus.set(metric, value); // rates: Prometheus rate()s counters
                        }
                    });
            prometheus.set(TrainerMetrics.GLOBAL_STEP, m.step());
            prometheus.set(
                    TrainerMetrics.SAMPLES, (double) m.step() * trainer.config().batchSize());
        }
    }

    /** Optional collaborators of a {@link TrainLoop}. */
    public static final class Builder {
        private final Trainer trainer;
        private final BatchSource source;
        private CheckpointStore checkpoints;
        private EventFileWriter events;
        private TrainerPrometheus prometheus;
        private Consumer<TrainProgress> progress;
        private long progressEveryNanos = 5_000_000_000L;
        private LongSupplier nanoTime = System::nanoTime;
        private Consumer<StepMetrics> onStep;
        private BooleanSupplier stopWhen = () -> false;

        private Builder(Trainer trainer, BatchSource source) {
            this.trainer = Objects.requireNonNull(trainer, "trainer");
            this.source = Objects.requireNonNull(source, "source");
        }

        public Builder checkpoints(CheckpointStore checkpoints) {
            this.checkpoints = checkpoints;
            return this;
        }

        public Builder events(EventFileWriter events) {
            this.events = events;
            return this;
        }

        public Builder prometheus(TrainerPrometheus prometheus) {
            this.prometheus = prometheus;
            return this;
        }

        /**
         * Hears where the run stands at most every {@code everyNanos} (0: after every step) and
         * once after the last step.
         */
        public Builder progress(Consumer<TrainProgress> progress, long everyNanos) {
            this.progress = progress;
            this.progressEveryNanos = everyNanos;
            return this;
        }

        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime);
            return this;
        }

        /** Called with every step's metrics, after the step's metrics, checkpoint and progress. */
        public Builder onStep(Consumer<StepMetrics> onStep) {
            this.onStep = onStep;
            return this;
        }

        /**
         * Checked before every step: once it returns true, {@link TrainLoop#run} stops (writing the
         * final checkpoint) and returns.
         */
        public Builder stopWhen(BooleanSupplier stopWhen) {
            this.stopWhen = Objects.requireNonNull(stopWhen, "stopWhen");
            return this;
        }

        public TrainLoop build() {
            return new TrainLoop(this);
        }
    }
}
