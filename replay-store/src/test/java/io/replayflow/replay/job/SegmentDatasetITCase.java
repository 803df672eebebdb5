package io.replayflow.replay.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.replay.segment.SegmentDataset;
import io.replayflow.replay.segment.SegmentReadOptions;
import io.replayflow.replay.segment.SegmentWindow;
import io.replayflow.replay.testing.JobRuns;
import io.replayflow.replay.testing.TopicWriter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment dataset ({@code replay.dataset.kind=segments}) built by the replay-store job from a
 * real stream (a real KRaft broker and Flink MiniCluster from {@link LocalStack}, at parallelism 2,
 * real Parquet files), read back through {@link SegmentDataset}: every step of every episode comes
 * back exactly once, in order, in segments of T that never cross an episode, with the bootstrap
 * observation and flag of each segment's last step. Episodes: terminated after 2T + 5 steps,
 * truncated at exactly T, terminated shorter than T, and two left open (flushed by the idle rule,
 * one with a remainder, one a multiple of T).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SegmentDatasetITCase {

    private static final int T = 20;
    private static final String ENV = "CartPole-v1";

    private static LocalStack stack;

    @TempDir static Path dataRoot;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().partitions(2).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** One episode's expected shape; its policy version is its index, so a batch names it. */
    private record Episode(int length, boolean terminated, boolean truncated) {}

    private static final List<Episode> EPISODES =
            List.of(
                    new Episode(2 * T + 5, true, false),
                    new Episode(T, false, true),
                    new Episode(7, true, false),
                    new Episode(T + 13, false, false),
                    new Episode(2 * T, false, false));

    @Test
    void everyStepComesBackOnceInOrderInSegmentsWithTheirBootstrap() throws Exception {
        ReplayStoreConfig config =
                ReplayStoreConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .dataRoot(dataRoot.toUri())
                        .datasetName("segments")
                        .datasetKind(DatasetKind.SEGMENTS)
                        .segmentLength(T)
                        .episodeIdleTimeout(Duration.ofSeconds(2))
                        .checkpointInterval(Duration.ofMillis(500))
                        .sourceIdleness(Duration.ofSeconds(1))
                        .build();
        long start = System.currentTimeMillis() - 10_000;
        List<Transition> stream = new ArrayList<>();
        for (int e = 0; e < EPISODES.size(); e++) {
            Episode ep = EPISODES.get(e);
            stream.addAll(
                    Transitions.episode(
                            ENV,
                            "actor-" + (e % 2),
                            "ep-" + e,
                            ep.length(),
                            start + e * 100L,
                            1,
                            ep.terminated(),
                            ep.truncated(),
                            e,
                            4));
        }
        Map<Integer, List<Long>> stepsByEpisode = new HashMap<>();
        List<Integer> segmentLengths = new ArrayList<>();
        JobClient job = JobRuns.start(stack, config, null);
        SegmentReadOptions options =
                SegmentReadOptions.defaults()
                        .withLength(T)
                        .withWindow(new SegmentWindow(Duration.ofMinutes(10), Long.MAX_VALUE));
        try (TopicWriter kafka = new TopicWriter(stack.bootstrapServers());
                SegmentDataset segments =
                        SegmentDataset.open(dataRoot.toUri(), "segments", options)) {
            kafka.transitions(stack.topics().cleanTransitions(), stream);
            Await.until(
                    "all " + stream.size() + " steps read back as segments",
                    Duration.ofSeconds(90),
                    () -> {
                        segments.next(1).ifPresent(b -> collect(b, stepsByEpisode, segmentLengths));
                        return stepsByEpisode.values().stream().mapToInt(List::size).sum()
                                >= stream.size();
                    },
                    () -> "steps so far: " + stepsByEpisode);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        for (int e = 0; e < EPISODES.size(); e++) {
            assertThat(stepsByEpisode.get(e))
                    .as("steps of episode %d, in the order read", e)
                    .containsExactlyElementsOf(
                            LongStream.range(0, EPISODES.get(e).length()).boxed().toList());
        }
        // 45 -> 20, 20, 5; 20 -> 20; 7 -> 7; 33 (idle flush) -> 20, 13; 40 (idle flush) -> 20, 20
        assertThat(segmentLengths).containsExactlyInAnyOrder(20, 20, 5, 20, 7, 20, 13, 20, 20);
    }

    /**
     * Checks one segment (consecutive steps of one episode, padding after its last step, the
     * bootstrap observation and flag) and appends its steps to its episode's list.
     */
    private static void collect(
            SegmentBatch b, Map<Integer, List<Long>> stepsByEpisode, List<Integer> lengths) {
        assertThat(b.size()).isEqualTo(1);
        int episode = (int) b.policyVersions()[0];
        Episode ep = EPISODES.get(episode);
        int n = 0;
        while (n < T && b.valid()[n] == 1f) {
            n++;
        }
        long first = (long) (b.obs()[0] / 10); // obs[k] = step * 10 + k
        List<Long> steps = stepsByEpisode.computeIfAbsent(episode, k -> new ArrayList<>());
        for (int t = 0; t < n; t++) {
            assertThat(b.policyVersions()[t]).as("one episode per segment").isEqualTo(episode);
            assertThat(b.obs()[t * 4]).as("step order").isEqualTo((first + t) * 10f);
            assertThat(b.rewards()[t]).isEqualTo(1f + first + t);
            steps.add(first + t);
        }
        for (int t = n; t < T; t++) {
            assertThat(b.valid()[t]).as("padding after the last valid step").isZero();
            assertThat(b.rewards()[t]).isZero();
        }
        long last = first + n - 1;
        assertThat(b.bootstrapObs())
                .as("next_obs of step %d", last)
                .containsExactly(
                        (last + 1) * 10f,
                        (last + 1) * 10f + 1,
                        (last + 1) * 10f + 2,
                        (last + 1) * 10f + 3);
        boolean terminates = ep.terminated() && last == ep.length() - 1;
        assertThat(b.bootstrapAlive()[0]).isEqualTo(terminates ? 0f : 1f);
        assertThat(b.terminated()[n - 1]).isEqualTo(terminates ? 1f : 0f);
        lengths.add(n);
    }
}
