package io.replayflow.replay.job.priority;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.data.testing.PriorityUpdates;
import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.episode.EpisodePlacement;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.priority.PriorityFile;
import io.replayflow.replay.priority.PriorityRejection;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Routing and last-writer-wins persistence of priority updates, in the operator harness. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PriorityStoreFunctionTest {

    private static final String PARTITION = "env_id=CartPole-v1/date=2026-11-20/hour=07";
    private static final long FLUSH_MS = 1_000;

    @TempDir Path dataset;

    private KeyedOneInputStreamOperatorTestHarness<String, PriorityEntry, Double> store()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new PriorityStoreFunction(dataset.toUri().toString(), FLUSH_MS, 3_600_000)),
                u -> u.partition,
                Types.STRING);
    }

    private static PriorityEntry update(long step, double priority, long trainerStep) {
        PriorityEntry e = PriorityEntry.of(PriorityUpdates.update(priority, trainerStep));
        e.step = step;
        e.partition = PARTITION;
        return e;
    }

    private List<PriorityEntry> fileEntries() throws Exception {
        org.apache.flink.core.fs.Path dir =
                new org.apache.flink.core.fs.Path(
                        dataset.resolve("_priorities").resolve(PARTITION).toUri());
        List<PriorityEntry> entries =
                new java.util.ArrayList<>(
                        PriorityFile.read(PriorityFile.latest(dir).orElseThrow()));
        entries.sort(Comparator.comparingLong(e -> e.step));
        return entries;
    }

    @Test
    void mergesLastWriterWinsByTrainerStepAndPersistsOnTheFlushTimer() throws Exception {
        try (var h = store()) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(update(0, 2.0, 10)));
            h.processElement(new StreamRecord<>(update(0, 9.0, 5))); // stale: older step
            h.processElement(new StreamRecord<>(update(1, 4.0, 7)));
            h.processElement(new StreamRecord<>(update(1, 3.0, 8))); // newer step wins, lower p
            assertThat(h.extractOutputValues()).containsExactly(2.0, 4.0); // running max grew
            h.setProcessingTime(FLUSH_MS);
            assertThat(fileEntries()).extracting(e -> e.priority).containsExactly(2.0, 3.0);
        }
    }

    @Test
    void restoredStateAndLaterUpdatesBothReachTheNextFile() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = store()) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(update(0, 2.0, 10)));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = store()) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(10);
            h.processElement(new StreamRecord<>(update(1, 5.0, 11)));
            h.setProcessingTime(10 + FLUSH_MS);
            assertThat(fileEntries()).extracting(e -> e.priority).containsExactly(2.0, 5.0);
        }
    }

    @Test
    void reloadsThePartitionFileWhenItsStateIsGone() throws Exception {
        try (var h = store()) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(update(0, 2.0, 10)));
            h.setProcessingTime(FLUSH_MS);
        }
        try (var fresh = store()) { // no snapshot: state lost
            fresh.open();
            fresh.setProcessingTime(5_000);
            fresh.processElement(new StreamRecord<>(update(1, 6.0, 12)));
            fresh.processElement(new StreamRecord<>(update(0, 1.0, 3))); // older than the file's
            fresh.setProcessingTime(5_000 + FLUSH_MS);
            assertThat(fileEntries()).extracting(e -> e.priority).containsExactly(2.0, 6.0);
        }
    }

    @Test
    void routerSendsUpdatesToThePartitionOfTheirStepAndCountsUnknownOnes() throws Exception {
        PriorityRouterFunction router = new PriorityRouterFunction(60_000);
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                        router,
                        EpisodePlacement::episodeKey,
                        (PriorityEntry u) -> EpisodeKeys.of(u.actorId, u.episodeId),
                        Types.STRING)) {
            PriorityEntry early = update(3, 1.0, 1);
            early.partition = null;
            h.processElement2(new StreamRecord<>(early));
            assertThat(router.rejections().get(PriorityRejection.UNKNOWN_TRANSITION)).isOne();

            EpisodePlacement first = placement(0, 4, "env_id=CartPole-v1/date=2026-11-20/hour=07");
            EpisodePlacement second = placement(5, 9, "env_id=CartPole-v1/date=2026-11-20/hour=08");
            h.processElement1(new StreamRecord<>(first));
            h.processElement1(new StreamRecord<>(second));
            PriorityEntry late = update(7, 1.0, 2);
            late.partition = null;
            h.processElement2(new StreamRecord<>(late));
            assertThat(h.extractOutputValues())
                    .extracting(u -> u.partition)
                    .containsExactly("env_id=CartPole-v1/date=2026-11-20/hour=08");
        }
    }

    private static EpisodePlacement placement(long from, long to, String partition) {
        EpisodePlacement p = new EpisodePlacement();
        p.envId = "CartPole-v1";
        p.actorId = "a";
        p.episodeId = "e";
        p.fromStep = from;
        p.toStep = to;
        p.partition = partition;
        p.rows = to - from + 1;
        return p;
    }
}
