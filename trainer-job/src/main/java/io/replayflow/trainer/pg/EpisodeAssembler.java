package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.replay.segment.SegmentSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Joins the segments of a {@link SegmentSource} into whole episodes for {@link
 * io.replayflow.trainer.algo.ReinforceLoss}, and serves them as a segment source whose every
 * segment is one episode (length: the longest episode of the batch, the rest padded).
 *
 * <p>How episodes are assembled: segments arrive FIFO, so the segments of one episode arrive in
 * step order. A segment continues a pending episode when its first observation equals, float for
 * float, the bootstrap observation ({@code next_obs} of the last step) of that episode's latest
 * segment, which ended alive; otherwise it starts a new one. An episode is complete when a segment
 * ends it ({@code bootstrapAlive == 0}), or, cut by a time limit or the window, when no segment has
 * continued it for {@code patience} polls (it is then bootstrapped from its last observation). An
 * episode whose first segments were never served starts late; that is harmless, since a Monte-Carlo
 * return needs only the steps after it.
 *
 * <p>Cost O(pending episodes * obsDim) per segment. Not thread-safe: owned by the learner's thread.
 */
public final class EpisodeAssembler implements SegmentSource {

    private final SegmentSource segments;
    private final int segmentsPerPoll;
    private final int patience;
    private final List<Pending> pending = new ArrayList<>();
    private final ArrayDeque<Pending> complete = new ArrayDeque<>();
    private long served;

    /** One episode being assembled: its steps so far, in step order. */
    private static final class Pending {
        final List<float[]> obs = new ArrayList<>();
        final List<Integer> actions = new ArrayList<>();
        final List<float[]> stepFloats = new ArrayList<>(); // reward, mu, terminated
        final List<Long> versions = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        float[] bootstrapObs;
        float alive = 1f;
        int idlePolls;
    }

    /**
     * @param segments where the segments come from
     * @param segmentsPerPoll segments asked for per poll
     * @param patience polls without a continuation after which an alive episode counts as cut
     */
    public EpisodeAssembler(SegmentSource segments, int segmentsPerPoll, int patience) {
        this.segments = Objects.requireNonNull(segments, "segments");
        if (segmentsPerPoll < 1 || patience < 1) {
            throw new IllegalArgumentException(
                    "segmentsPerPoll "
                            + segmentsPerPoll
                            + " and patience "
                            + patience
                            + " must be >= 1");
        }
        this.segmentsPerPoll = segmentsPerPoll;
        this.patience = patience;
    }

    /** {@code batchSize} whole episodes, or empty while fewer are complete. */
    @Override
    public Optional<SegmentBatch> next(int batchSize) {
        Optional<SegmentBatch> batch = segments.next(segmentsPerPoll);
        for (Pending p : pending) {
            p.idlePolls++;
        }
        batch.ifPresent(this::add);
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.alive == 0f || p.idlePolls > patience) {
                complete.add(p);
                it.remove();
            }
        }
        if (complete.size() < batchSize) {
            return Optional.empty();
        }
        List<Pending> episodes = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            episodes.add(complete.poll());
        }
        served += batchSize;
        return Optional.of(toBatch(episodes, episodes.get(0).bootstrapObs.length));
    }

    private void add(SegmentBatch b) {
        int d = b.obsDim();
        for (int s = 0; s < b.size(); s++) {
            float[] first = Arrays.copyOfRange(b.obs(), b.index(s, 0) * d, b.index(s, 0) * d + d);
            Pending episode = null;
            for (Pending p : pending) {
                if (p.alive != 0f && Arrays.equals(p.bootstrapObs, first)) {
                    episode = p;
                    break;
                }
            }
            if (episode == null) {
                episode = new Pending();
                pending.add(episode);
            }
            for (int t = 0; t < b.length() && b.valid()[b.index(s, t)] != 0f; t++) {
                int i = b.index(s, t);
                episode.obs.add(Arrays.copyOfRange(b.obs(), i * d, i * d + d));
                episode.actions.add(b.actions()[i]);
                episode.stepFloats.add(
                        new float[] {b.rewards()[i], b.behaviorProbs()[i], b.terminated()[i]});
                episode.versions.add(b.policyVersions()[i]);
                episode.times.add(b.eventTimeMs()[i]);
            }
            episode.bootstrapObs = Arrays.copyOfRange(b.bootstrapObs(), s * d, s * d + d);
            episode.alive = b.bootstrapAlive()[s];
            episode.idlePolls = 0;
        }
    }

    private static SegmentBatch toBatch(List<Pending> episodes, int d) {
        int length = episodes.stream().mapToInt(p -> p.obs.size()).max().orElse(1);
        SegmentBatch out = SegmentBatch.allocate(episodes.size(), Math.max(1, length), d);
        for (int e = 0; e < episodes.size(); e++) {
            Pending p = episodes.get(e);
            for (int t = 0; t < p.obs.size(); t++) {
                int i = out.index(e, t);
                System.arraycopy(p.obs.get(t), 0, out.obs(), i * d, d);
                out.actions()[i] = p.actions.get(t);
                out.rewards()[i] = p.stepFloats.get(t)[0];
                out.behaviorProbs()[i] = p.stepFloats.get(t)[1];
                out.terminated()[i] = p.stepFloats.get(t)[2];
                out.policyVersions()[i] = p.versions.get(t);
                out.eventTimeMs()[i] = p.times.get(t);
                out.valid()[i] = 1f;
            }
            System.arraycopy(p.bootstrapObs, 0, out.bootstrapObs(), e * d, d);
            out.bootstrapAlive()[e] = p.alive;
        }
        return out;
    }

    /** Episodes handed out so far. */
    @Override
    public long segmentsServed() {
        return served;
    }

    @Override
    public void close() {
        segments.close();
    }
}
