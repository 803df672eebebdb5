package io.replayflow.replay.priority;

/**
 * The one formula from a TD error to a sampling priority, proportional prioritized replay (Schaul
 * et al., "Prioritized Experience Replay", ICLR 2016, section 3.3):
 *
 * <pre>
 *   p_i = |delta_i| + epsilon          epsilon > 0 keeps every row drawable
 * </pre>
 *
 * <p>Every producer of a priority computes it here: the trainer's in-process samplers ({@code
 * ArrayBatchSource}, {@code ReplayDatasetSource}), the trainer's {@code PriorityUpdatePublisher},
 * and the replay job's TD scorer ({@code TdPriority}) for rows no trainer has seen yet. Sampling
 * then draws row i with probability {@code p_i^alpha / sum_j p_j^alpha} (see {@link
 * io.replayflow.replay.sample.PrioritizedSampler}).
 *
 * <h2>The path of a priority, end to end</h2>
 *
 * <ol>
 *   <li><b>Trainer TD error.</b> The loss returns a per-sample TD error {@code [batch]}; the train
 *       loop hands it to the batch source ({@code BatchSource.onTdErrors}), which calls {@link
 *       #fromTdError(double, double)} and updates its own sampler at once.
 *   <li><b>rf.priorities.</b> The same source passes the errors to {@code PriorityUpdatePublisher},
 *       which sends one {@code PriorityUpdate} per row (priority from {@link #fromTdError(double,
 *       double)}, the raw TD error, policy version, trainer step) to the {@code <prefix>priorities}
 *       topic, keyed by episode.
 *   <li><b>Job priority files.</b> The replay-store job decodes and validates each update ({@link
 *       PriorityRejection}: NaN, infinite, no identity), routes it to the partition its row lives
 *       in ({@code io.replayflow.replay.job.priority.PriorityRouterFunction}), merges it last
 *       writer wins by trainer step ({@link PriorityEntry}, {@code PriorityStoreFunction}) and on
 *       each checkpoint writes the partition's compacted {@link PriorityFile} under {@code
 *       <dataset>/_priorities/<partition>/}. New rows start with the scorer's priority ({@code
 *       TdPriority}, again this formula) or the running maximum.
 *   <li><b>Reader.</b> {@code ReplayDataset} applies the priority files over the rows' stored
 *       initial priorities when it opens or refreshes a dataset.
 *   <li><b>Sampler.</b> The dataset's {@link io.replayflow.replay.sample.Sampler} draws by those
 *       priorities; another trainer reading the dataset sees the first trainer's updates.
 * </ol>
 *
 * <h2>Epsilon</h2>
 *
 * One default, {@link #DEFAULT_EPSILON}, and one key, {@code replay.priority.epsilon} ({@link
 * PriorityOptions}), read by both programs that set it: the trainer (updates it publishes and its
 * own sampler) and the replay job (initial priorities of scored rows). Their former keys, {@code
 * trainer.priority.epsilon} and {@code replay.priority.scoring.epsilon}, are still read.
 *
 * <p>Pure and stateless.
 */
public final class Priorities {

    /** The priority floor both programs default to. */
    public static final double DEFAULT_EPSILON = 1e-6;

    private Priorities() {}

    /** {@code |tdError| + DEFAULT_EPSILON}. */
    public static double fromTdError(double tdError) {
        return fromTdError(tdError, DEFAULT_EPSILON);
    }

    /**
     * {@code |tdError| + epsilon}; NaN or infinite when {@code tdError} is (callers reject those:
     * the trainer fails naming the diverged loss, the job dead-letters the update).
     *
     * @param epsilon the configured floor ({@code trainer.priority.epsilon} or {@code
     *     replay.priority.scoring.epsilon}), validated where it is configured
     */
    public static double fromTdError(double tdError, double epsilon) {
        return Math.abs(tdError) + epsilon;
    }
}
