package io.replayflow.actor.publish;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.ObservationType;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes one environment step as an Avro single-object {@link Transition} with the schemas
 * module's {@link SingleObjectSerde}, reusing one record and its observation buffers between calls.
 *
 * <p>The env spec's {@link ObservationType} picks the fields: a {@code FLOAT32} env fills {@code
 * obs}/{@code next_obs} with its floats; a {@code UINT8} env (the MinAtar games) fills {@code
 * obs_image}/{@code next_obs_image} with one byte per value (the float rounded and clamped to
 * 0..255) and the spec's shape, leaving {@code obs}/{@code next_obs} empty — the form ingest
 * validates against the spec.
 *
 * <p>Not thread-safe (reuses its record and serde): one per actor thread. Each call allocates the
 * returned bytes and, for vectors, the boxed observation floats Avro's generated class holds.
 */
public final class TransitionEncoder {
    private final SingleObjectSerde<Transition> serde =
            SingleObjectSerde.forClass(Transition.class);
    private final Transition record = new Transition();
    private final List<Float> obs;
    private final List<Float> nextObs;
    private final int observationSize;
    private final byte[] obsBytes;
    private final byte[] nextObsBytes;

    /**
     * A vector encoder.
     *
     * @param envId the {@code env_id} of every transition
     * @param observationSize floats per observation
     */
    public TransitionEncoder(String envId, int observationSize) {
        this(envId, observationSize, null);
    }

    /** An encoder for {@code spec}'s observations: vectors or uint8 images as the spec says. */
    public TransitionEncoder(EnvSpec spec) {
        this(
                spec.id(),
                spec.observationSize(),
                spec.observationType() == ObservationType.UINT8 ? spec.observationShape() : null);
    }

    private TransitionEncoder(String envId, int observationSize, List<Integer> imageShape) {
        this.observationSize = observationSize;
        this.obs = new ArrayList<>(imageShape == null ? observationSize : 0);
        this.nextObs = new ArrayList<>(imageShape == null ? observationSize : 0);
        record.setEnvId(envId);
        record.setObs(obs);
        record.setNextObs(nextObs);
        if (imageShape == null) {
            for (int i = 0; i < observationSize; i++) {
                obs.add(0f);
                nextObs.add(0f);
            }
            obsBytes = null;
            nextObsBytes = null;
            record.setObsImage(null);
            record.setNextObsImage(null);
        } else {
            obsBytes = new byte[observationSize];
            nextObsBytes = new byte[observationSize];
            record.setObsImage(new UInt8Tensor(ByteBuffer.wrap(obsBytes), List.copyOf(imageShape)));
            record.setNextObsImage(
                    new UInt8Tensor(ByteBuffer.wrap(nextObsBytes), List.copyOf(imageShape)));
        }
    }

    /**
     * The single-object bytes of one transition.
     *
     * @param obsArray holds {@code obs} at {@code [offset, offset + observationSize)}
     * @param nextObsArray holds {@code next_obs} at the same offset
     */
    public byte[] encode(
            String actorId,
            String episodeId,
            long step,
            long eventTimeMs,
            float[] obsArray,
            float[] nextObsArray,
            int offset,
            int action,
            float reward,
            boolean terminated,
            boolean truncated,
            float behaviorProb,
            long policyVersion) {
        if (obsBytes == null) {
            for (int i = 0; i < observationSize; i++) {
                obs.set(i, obsArray[offset + i]);
                nextObs.set(i, nextObsArray[offset + i]);
            }
        } else {
            for (int i = 0; i < observationSize; i++) {
                obsBytes[i] = toUnsignedByte(obsArray[offset + i]);
                nextObsBytes[i] = toUnsignedByte(nextObsArray[offset + i]);
            }
            record.getObsImage().getData().rewind();
            record.getNextObsImage().getData().rewind();
        }
        record.setActorId(actorId);
        record.setEpisodeId(episodeId);
        record.setStep(step);
        record.setEventTimeMs(eventTimeMs);
        record.setAction(action);
        record.setReward(reward);
        record.setTerminated(terminated);
        record.setTruncated(truncated);
        record.setBehaviorProb(behaviorProb);
        record.setPolicyVersion(policyVersion);
        return serde.encode(record);
    }

    /** The uint8 value of {@code v}, rounded and clamped to 0..255, as Java's signed byte. */
    private static byte toUnsignedByte(float v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
}
