package io.replayflow.ingest.join;

import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import io.replayflow.schemas.avro.Reward;
import io.replayflow.schemas.avro.SessionEnd;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Decisions and outcomes in their released contracts, single-object encoded, for the tests. */
final class SessionContracts {

    private static final SingleObjectSerde<Decision> DECISIONS =
            SingleObjectSerde.forClass(Decision.class);
    private static final SingleObjectSerde<Outcome> OUTCOMES =
            SingleObjectSerde.forClass(Outcome.class);

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private SessionContracts() {}

    static byte[] decision(
            String session,
            String id,
            long timeMs,
            String env,
            String actor,
            float[] obs,
            int action,
            float probability,
            long version) {
        return DECISIONS.encode(
                Decision.newBuilder()
                        .setSessionId(session)
                        .setDecisionId(id)
                        .setPolicy("it")
                        .setPolicyVersion(version)
                        .setEnvId(env)
                        .setServiceId(actor)
                        .setObs(floats(obs))
                        .setAction(action)
                        .setProbability(probability)
                        .setNumActions(2)
                        .setSequence(SEQUENCE.incrementAndGet())
                        .setEventTimeMs(timeMs)
                        .build());
    }

    static byte[] reward(String session, String decision, long timeMs, float r, String rewardId) {
        return OUTCOMES.encode(
                Outcome.newBuilder()
                        .setSessionId(session)
                        .setServiceId("serve-it")
                        .setEventTimeMs(timeMs)
                        .setOutcome(
                                Reward.newBuilder()
                                        .setDecisionId(decision)
                                        .setReward(r)
                                        .setRewardId(rewardId)
                                        .build())
                        .build());
    }

    static byte[] end(
            String session, long timeMs, float[] finalObs, boolean terminated, boolean truncated) {
        return OUTCOMES.encode(
                Outcome.newBuilder()
                        .setSessionId(session)
                        .setServiceId("serve-it")
                        .setEventTimeMs(timeMs)
                        .setOutcome(
                                SessionEnd.newBuilder()
                                        .setFinalObs(finalObs == null ? null : floats(finalObs))
                                        .setTerminated(terminated)
                                        .setTruncated(truncated)
                                        .build())
                        .build());
    }

    private static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }
}
