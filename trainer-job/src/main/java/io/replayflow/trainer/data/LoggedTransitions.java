package io.replayflow.trainer.data;

import io.replayflow.replay.episode.EpisodeEnrichment;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds {@link TransitionColumns} with n-step targets from logged {@link Transition}s held in
 * memory, through the replay library's {@link EpisodeEnrichment} (formulas in {@code
 * io.replayflow.replay.nstep.NStepTargets}): the very code the replay-store job runs, so columns
 * built here and replay datasets carry the same targets. For row {@code t} of an episode, with
 * {@code m <= n} the steps until the window ends (n steps, the episode's end, or a gap in the
 * logged steps):
 *
 * <pre>
 *   R_t        = sum_{k<m} gamma^k r_{t+k}
 *   discount_t = 0 if step t+m-1 terminated, else gamma^m     (truncation still bootstraps)
 *   next_t     = next_obs of step t+m-1
 * </pre>
 *
 * Cost: O(transitions); episodes are grouped by actor and episode id and sorted by step.
 */
public final class LoggedTransitions {

    private LoggedTransitions() {}

    /**
     * Columns for every transition in {@code log} (any order; grouped by actor and episode, sorted
     * by step; episodes in the order they first appear).
     *
     * @param sources what the lineage names as the data read, e.g. the experience-log root
     * @throws IllegalArgumentException when {@code n < 1} or {@code gamma} is outside [0, 1], or an
     *     image spec meets a transition without an image
     */
    public static TransitionColumns columns(
            Iterable<Transition> log,
            TransitionSpec spec,
            double gamma,
            int n,
            List<String> sources) {
        if (n < 1) {
            throw new IllegalArgumentException("trainer.n-step=" + n + " is invalid: must be >= 1");
        }
        Map<String, List<Transition>> episodes = new LinkedHashMap<>();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        TreeSet<Long> versions = new TreeSet<>();
        for (Transition t : log) {
            episodes.computeIfAbsent(
                            t.getActorId() + "\u0000" + t.getEpisodeId(), k -> new ArrayList<>())
                    .add(t);
            from = Math.min(from, t.getEventTimeMs());
            to = Math.max(to, t.getEventTimeMs());
            versions.add(t.getPolicyVersion());
        }
        TransitionColumns.Builder columns = TransitionColumns.builder(spec);
        boolean images = spec.obsType() == TransitionSpec.ObsType.UINT8;
        for (List<Transition> episode : episodes.values()) {
            episode.sort(Comparator.comparingLong(Transition::getStep));
            List<ReplayRow> rows = new ArrayList<>(episode.size());
            for (Transition t : episode) {
                rows.add(ReplayRow.fromTransition(t));
            }
            EpisodeEnrichment.enrich(rows, n, gamma);
            for (int i = 0; i < rows.size(); i++) {
                add(columns, images, episode, rows.get(i), i);
            }
        }
        int size = columns.size();
        columns.lineage(
                new PolicyManifest.Lineage(
                        sources,
                        size == 0 ? null : from,
                        size == 0 ? null : to,
                        size,
                        List.copyOf(versions)));
        return columns.build();
    }

    /**
     * Appends row {@code i} of an enriched episode; its bootstrap step is {@code i + count - 1}.
     */
    private static void add(
            TransitionColumns.Builder columns,
            boolean images,
            List<Transition> episode,
            ReplayRow row,
            int i) {
        Transition first = episode.get(i);
        Transition last = episode.get(i + row.nStepCount - 1);
        float discount = row.bootstrapCut ? 0f : row.bootstrapDiscount;
        if (images) {
            columns.addImage(
                    bytes(first.getObsImage(), first),
                    first.getAction(),
                    row.nStepReturn,
                    discount,
                    bytes(last.getNextObsImage(), last));
        } else {
            columns.add(row.obs, first.getAction(), row.nStepReturn, discount, row.bootstrapObs);
        }
        columns.key(
                new TransitionKey(
                        first.getEnvId(),
                        first.getActorId(),
                        first.getEpisodeId(),
                        first.getStep()));
    }

    private static byte[] bytes(UInt8Tensor image, Transition t) {
        if (image == null) {
            throw new IllegalArgumentException(
                    "transition "
                            + t.getEpisodeId()
                            + "/"
                            + t.getStep()
                            + " has no image observation but the spec expects uint8 images");
        }
        ByteBuffer data = image.getData().duplicate();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }
}
