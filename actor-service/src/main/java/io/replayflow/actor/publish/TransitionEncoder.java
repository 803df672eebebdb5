package io.replayflow.actor.publish;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes one environment step as an Avro single-object {@link Transition} with the schemas
 * module's {@link SingleObjectSerde}, reusing one record and its observation lists between calls.
 *
 * <p>Not thread-safe (reuses its record and serde): one per actor thread. Each call allocates the
 * returned bytes and the boxed observation floats Avro's generated class holds.
 */
public final class TransitionEncoder {
    private final SingleObjectSerde<Transition> serde =
            SingleObjectSerde.forClass(Transition.class);
    private final Transition record = new Transition();
    private final List<Float> obs;
    private final List<Float> nextObs;
    private final int observationSize;

    /**
     * @param envId the {@code env_id} of every transition
     * @param observationSize floats per observation
     */
    public TransitionEncoder(String envId, int observationSize) {
        this.observationSize = observationSize;
        this.obs = new ArrayList<>(observationSize);
        this.nextObs = new ArrayList<>(observationSize);
        for (int i = 0; i < observationSize; i++) {
            obs.add(0f);
            nextObs.add(0f);
        }
        record.setEnvId(envId);
        record.setObs(obs);
        record.setNextObs(nextObs);
        record.setObsImage(null);
        record.setNextObsImage(null);
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
        for (int i = 0; i < observationSize; i++) {
            obs.set(i, obsArray[offset + i]);
            nextObs.set(i, nextObsArray[offset + i]);
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
}
