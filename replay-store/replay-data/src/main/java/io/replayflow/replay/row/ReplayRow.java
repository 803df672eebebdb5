package io.replayflow.replay.row;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One row of a replay dataset: a transition as logged, plus what the replay-store job adds (n-step
 * target, return-to-go, initial priority). A Flink POJO (public fields, no-argument constructor),
 * so it moves between operators and sits in state under Flink's POJO serializer, never Kryo; new
 * fields may be added later (the POJO serializer evolves by field name).
 *
 * <p>Image observations ({@code obs_image}, uint8) travel as their row-major bytes in {@link
 * #obsImage}, {@link #nextObsImage} and {@link #bootstrapObsImage}, with {@link #obs} and {@link
 * #nextObs} empty, as in the Avro contract. The shape is not stored per row: it is the env's
 * (schemas {@code EnvSpecs}, e.g. {@code [10, 10, 4]} for {@code MinAtar/Breakout-v1}), which
 * ingest checked every image against, so a row holds only the bytes. Not thread-safe; mutable on
 * purpose (operators fill it in steps).
 */
public class ReplayRow {

    // ---- the transition, as logged (names follow the Avro contract) ----
    public String envId;
    public String actorId;
    public String episodeId;

    /** 0-based step index in the episode. */
    public long step;

    public long eventTimeMs;

    /** Observation before the action, {@code [obsDim]}. */
    public float[] obs;

    public int action;
    public float reward;

    /** Observation after the action, {@code [obsDim]}. */
    public float[] nextObs;

    public boolean terminated;
    public boolean truncated;
    public float behaviorProb;
    public long policyVersion;

    /** Image observation before the action, row-major uint8 {@code [H*W*C]}; null for vectors. */
    public byte[] obsImage;

    /** Image observation after the action, like {@link #obsImage}; null for vectors. */
    public byte[] nextObsImage;

    // ---- added by the episode enrichment (see io.replayflow.replay.nstep.NStepTargets) ----

    /** {@code sum_{i<k} gamma^i r_{t+i}}: the discounted sum of the next k <= n rewards. */
    public float nStepReturn;

    /** k: how many rewards {@link #nStepReturn} sums (n, or fewer at the end of an episode). */
    public int nStepCount;

    /** The observation to bootstrap from: next_obs of step t + k - 1, {@code [obsDim]}. */
    public float[] bootstrapObs;

    /** The image to bootstrap from ({@link #nextObsImage} of step t + k - 1); null for vectors. */
    public byte[] bootstrapObsImage;

    /** {@code gamma^k}, the factor on the bootstrap value. */
    public float bootstrapDiscount;

    /** Whether termination cuts the bootstrap: the target is then {@link #nStepReturn} alone. */
    public boolean bootstrapCut;

    /** Discounted Monte-Carlo return from this step to the episode's end; NaN when unknown. */
    public float returnToGo;

    /** Whether the episode's end was seen (false: flushed open by the idle rule). */
    public boolean episodeComplete;

    /** Initial sampling priority, set by the job; the trainer's updates supersede it. */
    public double priority;

    // Segment datasets only (replay.dataset.kind=segments); null / 0 in transition datasets.

    /**
     * The segment this row belongs to: the episode key ({@code actor_id U+001F episode_id}),
     * U+001F, and the step the segment starts at.
     */
    public String segmentId;

    /** This row's index in its segment, from 0. */
    public int segmentStep;

    /** Steps in the segment (T, or fewer at an episode's end or an idle flush). */
    public int segmentLength;

    public ReplayRow() {}

    /** A row holding {@code t}'s fields; enrichment fields are zero until the job fills them. */
    public static ReplayRow fromTransition(Transition t) {
        ReplayRow row = new ReplayRow();
        row.envId = t.getEnvId();
        row.actorId = t.getActorId();
        row.episodeId = t.getEpisodeId();
        row.step = t.getStep();
        row.eventTimeMs = t.getEventTimeMs();
        row.obs = toArray(t.getObs());
        row.action = t.getAction();
        row.reward = t.getReward();
        row.nextObs = toArray(t.getNextObs());
        row.terminated = t.getTerminated();
        row.truncated = t.getTruncated();
        row.behaviorProb = t.getBehaviorProb();
        row.policyVersion = t.getPolicyVersion();
        row.obsImage = bytes(t.getObsImage());
        row.nextObsImage = bytes(t.getNextObsImage());
        row.returnToGo = Float.NaN;
        return row;
    }

    /** The partition this row is stored in. */
    public PartitionPath partition() {
        return PartitionPath.of(envId, eventTimeMs);
    }

    /** Whether the episode ended at this step (terminated or truncated). */
    public boolean endsEpisode() {
        return terminated || truncated;
    }

    /** Whether this row's observations are uint8 images rather than float vectors. */
    public boolean hasImages() {
        return obsImage != null;
    }

    private static byte[] bytes(UInt8Tensor image) {
        if (image == null) {
            return null;
        }
        ByteBuffer data = image.getData().duplicate();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
