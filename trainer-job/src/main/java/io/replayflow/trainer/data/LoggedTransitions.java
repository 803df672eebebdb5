package io.replayflow.trainer.data;

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
 * Builds {@link TransitionColumns} with n-step targets from logged {@link Transition}s, for
 * training on transitions held in memory (the replay-store job computes the same columns for replay
 * datasets). For each transition {@code t} of an episode, with {@code m <= n} the steps until the
 * window ends (n steps, the episode's end, or a gap in the logged steps):
 *
 * <pre>
 *   R_t        = sum_{k<m} gamma^k r_{t+k}
 *   discount_t = 0 if step t+m-1 terminated, else gamma^m     (truncation still bootstraps)
 *   next_t     = next_obs of step t+m-1
 * </pre>
 */
public final class NStepColumns {

    private NStepColumns() {}

    /**
     * Columns for every transition in {@code log} (any order; grouped by actor and episode, sorted
     * by step).
     *
     * @param sources what the lineage names as the data read, e.g. the experience-log root
     */
    public static TransitionColumns from(
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
            for (int t = 0; t < episode.size(); t++) {
                Transition first = episode.get(t);
                double ret = 0;
                double g = 1;
                Transition last = first;
                for (int k = 0; k < n && t + k < episode.size(); k++) {
                    Transition step = episode.get(t + k);
                    if (step.getStep() != first.getStep() + k) {
                        break; // a gap in the log: stop the window before it
                    }
                    ret += g * step.getReward();
                    g *= gamma;
                    last = step;
                    if (step.getTerminated() || step.getTruncated()) {
                        break;
                    }
                }
                float discount = last.getTerminated() ? 0f : (float) g;
                if (images) {
                    columns.addImage(
                            bytes(first.getObsImage(), first),
                            first.getAction(),
                            (float) ret,
                            discount,
                            bytes(last.getNextObsImage(), last));
                } else {
                    columns.add(
                            floats(first.getObs()),
                            first.getAction(),
                            (float) ret,
                            discount,
                            floats(last.getNextObs()));
                }
                columns.key(
                        new TransitionKey(
                                first.getEnvId(),
                                first.getActorId(),
                                first.getEpisodeId(),
                                first.getStep()));
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

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
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
