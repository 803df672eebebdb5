package io.replayflow.trainer.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.replay.segment.SegmentSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EpisodeAssemblerTest {

    /** Serves prepared single-segment batches, one per poll. */
    private static final class Queue implements SegmentSource {
        final ArrayDeque<SegmentBatch> batches = new ArrayDeque<>();

        @Override
        public Optional<SegmentBatch> next(int batchSize) {
            return Optional.ofNullable(batches.poll());
        }

        @Override
        public long segmentsServed() {
            return 0;
        }

        @Override
        public void close() {}
    }

    /**
     * A segment of T = 2 (obsDim 1) whose steps observe {@code obs}, {@code obs + 1} and whose
     * bootstrap observation is {@code obs + steps}; rewards are the observations.
     */
    private static SegmentBatch segment(float obs, int steps, boolean terminal) {
        SegmentBatch b = SegmentBatch.allocate(1, 2, 1);
        for (int t = 0; t < steps; t++) {
            b.obs()[t] = obs + t;
            b.rewards()[t] = obs + t;
            b.behaviorProbs()[t] = 0.5f;
            b.valid()[t] = 1f;
        }
        b.terminated()[steps - 1] = terminal ? 1f : 0f;
        b.bootstrapObs()[0] = obs + steps;
        b.bootstrapAlive()[0] = terminal ? 0f : 1f;
        return b;
    }

    @Test
    void interleavedSegmentsJoinIntoEpisodesInStepOrder() {
        // Episode A observes 0,1 | 2,3 | 4 (terminal); episode B 100,101 | 102 (terminal),
        // interleaved as the FIFO dataset would serve two actors' segments.
        Queue q = new Queue();
        q.batches.addAll(
                List.of(
                        segment(0, 2, false),
                        segment(100, 2, false),
                        segment(2, 2, false),
                        segment(102, 1, true),
                        segment(4, 1, true)));
        EpisodeAssembler episodes = new EpisodeAssembler(q, 1, 10);

        assertThat(episodes.next(2)).isEmpty(); // A started
        assertThat(episodes.next(2)).isEmpty(); // B started
        assertThat(episodes.next(2)).isEmpty(); // A continued
        assertThat(episodes.next(2)).isEmpty(); // B complete; one episode is not two
        SegmentBatch batch = episodes.next(2).orElseThrow(); // A complete

        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.length()).isEqualTo(5); // the longest episode
        // B first (completed first): 100, 101, 102, then padding
        assertThat(batch.obs()).startsWith(100f, 101f, 102f, 0f, 0f, 0f, 1f, 2f, 3f, 4f);
        assertThat(batch.valid()).containsExactly(1, 1, 1, 0, 0, 1, 1, 1, 1, 1);
        assertThat(batch.terminated()[2]).isEqualTo(1f);
        assertThat(batch.terminated()[9]).isEqualTo(1f);
        assertThat(batch.bootstrapAlive()).containsExactly(0f, 0f);
        assertThat(episodes.segmentsServed()).isEqualTo(2);
    }

    @Test
    void anEpisodeNobodyContinuesIsCutAfterThePatienceAndBootstrapsAlive() {
        Queue q = new Queue();
        q.batches.add(segment(0, 2, false));
        EpisodeAssembler episodes = new EpisodeAssembler(q, 1, 2);

        assertThat(episodes.next(1)).isEmpty(); // idle 0
        assertThat(episodes.next(1)).isEmpty(); // idle 1
        assertThat(episodes.next(1)).isEmpty(); // idle 2
        SegmentBatch cut = episodes.next(1).orElseThrow(); // idle 3 > patience 2

        assertThat(cut.obs()).containsExactly(0f, 1f);
        assertThat(cut.bootstrapObs()).containsExactly(2f);
        assertThat(cut.bootstrapAlive()).containsExactly(1f);
    }
}
