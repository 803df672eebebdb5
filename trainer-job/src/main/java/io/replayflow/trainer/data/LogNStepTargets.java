package io.replayflow.trainer.data;

import io.replayflow.replay.episode.EpisodeEnrichment;
import io.replayflow.replay.read.ReplayBatch;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.TransitionId;
import io.replayflow.replay.row.ReplayRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * n-step targets for the live rows of an experience log (raw transitions, no n-step columns),
 * computed in memory with the replay library's {@link EpisodeEnrichment}: the code the replay-store
 * job runs (formulas in {@code io.replayflow.replay.nstep.NStepTargets}), so a sampled row gets the
 * return, discount and bootstrap observation a replay dataset written from the same log with the
 * same n and gamma would hold.
 *
 * <p>The live rows are grouped by actor and episode id and sorted by step; a run of consecutive
 * steps is one window. For row {@code t} with {@code k = min(n, steps left in its run)}:
 *
 * <pre>
 *   return   = sum_{i<k} gamma^i r_{t+i}
 *   discount = 0 if the run ends terminated within the window, else gamma^k
 *   next_obs = next_obs of step t + k - 1
 * </pre>
 *
 * <b>Selection boundaries.</b> Only the rows the reader kept take part ({@code --from}, {@code
 * --to}, {@code --policy-versions}, {@code --env}), so a target never reads a row outside the
 * selection or outside its episode. Where the selection drops steps inside an episode, the steps
 * before the gap end their window at the gap and bootstrap from the last kept step's {@code
 * next_obs} with {@code gamma^k}, as at a truncation; where it cuts an episode's tail, the last
 * kept step does the same (the episode's termination is not seen, so it bootstraps). That is a
 * shorter, still valid n-step target, not a wrong one.
 *
 * <p>Tables are indexed by row id and rebuilt, O(rows), when the live rows change ({@link
 * #rebuildIfChanged}); per batch, {@link #apply} costs one extra gather of the bootstrap rows. Not
 * thread-safe; owned by the training thread, like the dataset.
 */
final class LogNStepTargets {

    private final ReplayDataset dataset;
    private final int n;
    private final double gamma;

    private int liveRows = -1;
    private int firstRow = -1;
    private int lastRow = -1;
    private float[] returns = new float[0];
    private float[] discounts = new float[0];
    private int[] bootstrapRows = new int[0];
    private ReplayBatch bootstrap;

    LogNStepTargets(ReplayDataset dataset, int n, double gamma) {
        if (n < 1) {
            throw new IllegalArgumentException("trainer.n-step=" + n + " is invalid: must be >= 1");
        }
        this.dataset = dataset;
        this.n = n;
        this.gamma = gamma;
        rebuildIfChanged();
    }

    /**
     * Recomputes the tables when the live rows differ from the last build. Row ids only grow and
     * are never reused, so the count with the first and last id tells whether rows came or went.
     */
    void rebuildIfChanged() {
        int[] ids = dataset.liveRowIds();
        int first = ids.length == 0 ? -1 : ids[0];
        int last = ids.length == 0 ? -1 : ids[ids.length - 1];
        if (ids.length == liveRows && first == firstRow && last == lastRow) {
            return;
        }
        liveRows = ids.length;
        firstRow = first;
        lastRow = last;
        returns = new float[last + 1];
        discounts = new float[last + 1];
        bootstrapRows = new int[last + 1];
        Arrays.fill(bootstrapRows, -1);
        if (ids.length == 0) {
            return;
        }
        ReplayBatch all = dataset.newBatch(ids.length);
        System.arraycopy(ids, 0, all.rowIds(), 0, ids.length);
        dataset.read(all);
        Map<String, List<Integer>> episodes = new HashMap<>();
        long[] steps = new long[ids.length];
        for (int j = 0; j < ids.length; j++) {
            TransitionId id = dataset.transitionId(ids[j]);
            steps[j] = id.step();
            episodes.computeIfAbsent(
                            id.actorId() + '\u0000' + id.episodeId(), k -> new ArrayList<>())
                    .add(j);
        }
        for (List<Integer> slots : episodes.values()) {
            slots.sort((a, b) -> Long.compare(steps[a], steps[b]));
            List<ReplayRow> rows = new ArrayList<>(slots.size());
            for (int slot : slots) {
                ReplayRow row = new ReplayRow();
                row.step = steps[slot];
                row.reward = all.reward()[slot];
                row.terminated = all.terminated()[slot];
                row.truncated = all.truncated()[slot];
                rows.add(row);
            }
            EpisodeEnrichment.enrich(rows, n, gamma);
            for (int i = 0; i < rows.size(); i++) {
                ReplayRow row = rows.get(i);
                int id = ids[slots.get(i)];
                returns[id] = row.nStepReturn;
                discounts[id] = row.bootstrapCut ? 0f : row.bootstrapDiscount;
                bootstrapRows[id] = ids[slots.get(i + row.nStepCount - 1)];
            }
        }
    }

    /**
     * Overwrites {@code to}'s returns, discounts and next observations with the n-step targets of
     * the rows {@code from} drew.
     */
    void apply(ReplayBatch from, TrainingBatch to) {
        int size = to.size();
        int[] rows = from.rowIds();
        for (int j = 0; j < size; j++) {
            if (rows[j] >= bootstrapRows.length || bootstrapRows[rows[j]] < 0) {
                rebuildIfChanged();
                break;
            }
        }
        if (bootstrap == null || bootstrap.size() != size) {
            bootstrap = dataset.newBatch(size);
        }
        int[] bootstrapIds = bootstrap.rowIds();
        for (int j = 0; j < size; j++) {
            int row = rows[j];
            to.nStepReturns()[j] = returns[row];
            to.bootstrapDiscounts()[j] = discounts[row];
            bootstrapIds[j] = bootstrapRows[row];
        }
        dataset.read(bootstrap);
        int d = from.obsDim();
        if (from.images()) {
            System.arraycopy(bootstrap.nextObsBytes(), 0, to.nextObsBytes(), 0, size * d);
        } else {
            System.arraycopy(bootstrap.nextObs(), 0, to.nextObs(), 0, size * d);
        }
    }
}
