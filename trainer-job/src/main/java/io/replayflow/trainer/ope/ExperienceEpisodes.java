package io.replayflow.trainer.ope;

import io.replayflow.replay.read.ReplayBatch;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.replay.read.SamplerSpec;
import io.replayflow.replay.read.TransitionId;
import io.replayflow.trainer.data.DataSelection;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the experience log under a data root into whole episodes through replay-store's reader (one
 * FIFO pass over every row the selection keeps), grouped by actor and episode id and sorted by
 * step. Episodes with a gap in their steps, or that do not start at step 0, are dropped and
 * counted: an importance weight needs every decision from the first.
 */
public final class ExperienceEpisodes {

    /**
     * @param episodes complete episodes
     * @param obsDim observation length
     * @param dropped episodes left out because steps were missing
     */
    public record Read(List<LoggedSteps> episodes, int obsDim, int dropped) {}

    private ExperienceEpisodes() {}

    /**
     * @throws IllegalArgumentException when the selection keeps no transition, or its rows hold
     *     image observations (the estimators read vectors)
     */
    public static Read read(URI dataRoot, DataSelection selection) throws IOException {
        ReplayReadOptions options =
                selection.applyTo(ReplayReadOptions.builder().sampler(SamplerSpec.fifo())).build();
        try (ReplayDataset log = ReplayDataset.openExperienceLog(dataRoot, options)) {
            log.refresh();
            long total = log.liveRows() + log.pendingRows();
            if (total == 0) {
                throw new IllegalArgumentException(
                        "no transitions in "
                                + log.uri()
                                + " for "
                                + selection.describe()
                                + ": collect some first (replayflow collect) or widen the filters");
            }
            if (log.images()) {
                throw new IllegalArgumentException(
                        "off-policy evaluation reads vector observations, but "
                                + log.uri()
                                + " holds image observations for "
                                + log.envIds()
                                + ": select a vector env with --env");
            }
            ReplayBatch batch = log.newBatch(Math.toIntExact(total));
            if (!log.trySample(batch) || log.liveRows() != total) {
                throw new IllegalStateException("the experience log changed while being read");
            }
            return group(log, batch);
        }
    }

    private static Read group(ReplayDataset log, ReplayBatch batch) {
        int d = batch.obsDim();
        Map<String, List<Integer>> byEpisode = new LinkedHashMap<>();
        Map<Integer, Long> stepOf = new java.util.HashMap<>();
        for (int j = 0; j < batch.size(); j++) {
            TransitionId id = log.transitionId(batch.rowIds()[j]);
            byEpisode
                    .computeIfAbsent(
                            id.actorId() + "\u0000" + id.episodeId(), k -> new ArrayList<>())
                    .add(j);
            stepOf.put(j, id.step());
        }
        List<LoggedSteps> episodes = new ArrayList<>();
        int dropped = 0;
        for (List<Integer> slots : byEpisode.values()) {
            slots.sort(Comparator.comparingLong(stepOf::get));
            boolean complete = true;
            for (int t = 0; t < slots.size(); t++) {
                complete &= stepOf.get(slots.get(t)) == t;
            }
            if (!complete) {
                dropped++;
                continue;
            }
            episodes.add(steps(batch, slots, d));
        }
        return new Read(episodes, d, dropped);
    }

    private static LoggedSteps steps(ReplayBatch b, List<Integer> slots, int d) {
        int n = slots.size();
        LoggedSteps s =
                new LoggedSteps(
                        new float[n * d],
                        new int[n],
                        new float[n],
                        new float[n],
                        new float[n * d],
                        new boolean[n],
                        new boolean[n]);
        for (int t = 0; t < n; t++) {
            int j = slots.get(t);
            System.arraycopy(b.obs(), j * d, s.obs(), t * d, d);
            System.arraycopy(b.nextObs(), j * d, s.nextObs(), t * d, d);
            s.action()[t] = b.action()[j];
            s.reward()[t] = b.reward()[j];
            s.behaviorProb()[t] = b.behaviorProb()[j];
            s.terminated()[t] = b.terminated()[j];
            s.truncated()[t] = b.truncated()[j];
        }
        return s;
    }
}
