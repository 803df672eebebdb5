package io.replayflow.replay.episode;

import io.replayflow.replay.nstep.EpisodeEnd;
import io.replayflow.replay.nstep.NStepTargets;
import io.replayflow.replay.row.ReplayRow;
import java.util.List;

/**
 * Fills the n-step and return-to-go columns of one episode's buffered rows (the pure part of the
 * replay job's {@code EpisodeEnrichmentFunction}, which buffers the episode in Flink state and
 * calls this). The trainer's offline path calls it too, so offline and streamed datasets carry the
 * same targets.
 *
 * <p>The rows are split into runs of consecutive steps; targets never reach across a gap. The last
 * run ends as its last row says (terminated, truncated, or {@link EpisodeEnd#OPEN} when the episode
 * was flushed before its end); every earlier run ends {@code OPEN}, as if truncated at the gap. See
 * {@link NStepTargets} for the formulas. Cost: O(rows).
 */
public final class EpisodeEnrichment {

    private EpisodeEnrichment() {}

    /**
     * Enriches {@code rows} in place.
     *
     * @param rows one episode's rows, sorted by step, without duplicate steps
     */
    public static void enrich(List<ReplayRow> rows, int n, double gamma) {
        int start = 0;
        while (start < rows.size()) {
            int end = start + 1;
            while (end < rows.size() && rows.get(end).step == rows.get(end - 1).step + 1) {
                end++;
            }
            enrichRun(rows.subList(start, end), end == rows.size(), n, gamma);
            start = end;
        }
    }

    private static void enrichRun(List<ReplayRow> run, boolean lastRun, int n, double gamma) {
        ReplayRow last = run.get(run.size() - 1);
        EpisodeEnd end = EpisodeEnd.OPEN;
        if (lastRun && last.terminated) {
            end = EpisodeEnd.TERMINATED;
        } else if (lastRun && last.truncated) {
            end = EpisodeEnd.TRUNCATED;
        }
        float[] rewards = new float[run.size()];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = run.get(i).reward;
        }
        NStepTargets.Result targets = NStepTargets.compute(rewards, end, n, gamma);
        for (int i = 0; i < rewards.length; i++) {
            ReplayRow row = run.get(i);
            row.nStepReturn = targets.nStepReturn()[i];
            row.nStepCount = targets.count()[i];
            ReplayRow bootstrap = run.get(targets.bootstrapIndex()[i]);
            row.bootstrapObs = bootstrap.nextObs;
            row.bootstrapObsImage = bootstrap.nextObsImage;
            row.bootstrapDiscount = targets.bootstrapDiscount()[i];
            row.bootstrapCut = targets.bootstrapCut()[i];
            row.returnToGo = targets.returnToGo()[i];
            row.episodeComplete = end.complete();
        }
    }
}
