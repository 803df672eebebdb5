package io.replayflow.schemas.serde;

import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.EpisodeSummary;
import io.replayflow.schemas.avro.Lineage;
import io.replayflow.schemas.avro.Outcome;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyFailureKind;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.avro.Reward;
import io.replayflow.schemas.avro.SessionEnd;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/** Test records: one filled instance per generated class, and generic records for any schema. */
final class SampleRecords {

    private SampleRecords() {}

    static Transition transition() {
        return Transition.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("actor-0/3")
                .setEpisodeId("ep-42")
                .setStep(7)
                .setEventTimeMs(1_763_700_000_000L)
                .setObs(List.of(0.01f, -0.2f, 0.03f, 0.4f))
                .setAction(1)
                .setReward(1.0f)
                .setNextObs(List.of(0.006f, -0.01f, 0.038f, 0.1f))
                .setTerminated(false)
                .setTruncated(false)
                .setBehaviorProb(0.95f)
                .setPolicyVersion(3)
                .build();
    }

    static Transition imageTransition() {
        UInt8Tensor frame =
                UInt8Tensor.newBuilder()
                        .setData(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255, 4, 5}))
                        .setShape(List.of(1, 2, 3))
                        .build();
        return Transition.newBuilder(transition())
                .setObs(List.of())
                .setNextObs(List.of())
                .setObsImage(frame)
                .setNextObsImage(frame)
                .build();
    }

    static PolicyVersion policyVersion() {
        return PolicyVersion.newBuilder()
                .setPolicyName("cartpole")
                .setVersion(12)
                .setUri("file:///data/policies/cartpole/12")
                .setSha256("ab".repeat(32))
                .setAlgo("double-dqn")
                .setObsShape(List.of(4))
                .setNumActions(2)
                .setTrainStep(30_000)
                .setCreatedAtMs(1_763_700_000_123L)
                .setLineage(
                        Lineage.newBuilder()
                                .setSources(List.of("file:///data/replay/window"))
                                .setEventTimeFromMs(1_763_600_000_000L)
                                .setEventTimeToMs(null)
                                .setTransitions(250_000)
                                .setBehaviorPolicyVersions(List.of(0L, 10L, 11L))
                                .build())
                .setMetrics(Map.of("eval_mean_return", 487.5))
                .build();
    }

    static PriorityUpdate priorityUpdate() {
        return PriorityUpdate.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("actor-0/3")
                .setEpisodeId("ep-42")
                .setStep(7)
                .setPriority(0.75)
                .setTdError(-0.75f)
                .setPolicyVersion(3)
                .setTrainerStep(1234)
                .build();
    }

    static EpisodeSummary episodeSummary() {
        return EpisodeSummary.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("actor-0/3")
                .setEpisodeId("ep-42")
                .setPolicyVersion(3)
                .setEpisodeReturn(500.0)
                .setLength(500)
                .setTerminated(false)
                .setTruncated(true)
                .setStartTimeMs(1_763_700_000_000L)
                .setEndTimeMs(1_763_700_010_000L)
                .build();
    }

    static EpisodeStats episodeStats() {
        return EpisodeStats.newBuilder()
                .setEnvId("CartPole-v1")
                .setPolicyVersion(3)
                .setWindowStartMs(1_763_700_000_000L)
                .setWindowEndMs(1_763_700_060_000L)
                .setEpisodes(4)
                .setMeanReturn(120.5)
                .setStdReturn(10.25)
                .setMinReturn(104.0)
                .setMaxReturn(133.0)
                .setMeanLength(120.5)
                .setTerminated(4)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReason("UNKNOWN_FINGERPRINT")
                .setMessage("writer schema fingerprint 0x0 is not released")
                .setSourceTopic("rf.transitions")
                .setSourcePartition(2)
                .setSourceOffset(99)
                .setKey(ByteBuffer.wrap(new byte[] {1, 2}))
                .setPayload(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 1, 0}))
                .setTimeMs(1_763_700_000_000L)
                .build();
    }

    static Decision decision() {
        return Decision.newBuilder()
                .setDecisionId("session-7:0000000000000001")
                .setSessionId("session-7")
                .setPolicy("cartpole")
                .setPolicyVersion(3)
                .setEnvId("CartPole-v1")
                .setServiceId("serve-host-1")
                .setSequence(1)
                .setEventTimeMs(1_763_700_000_000L)
                .setObs(List.of(0.01f, -0.2f, 0.03f, 0.4f))
                .setAction(1)
                .setProbability(0.975f)
                .setNumActions(2)
                .build();
    }

    static Decision maskedDecision() {
        return Decision.newBuilder(decision())
                .setNumActions(4)
                .setAllowedActions(List.of(0, 3))
                .setProbability(0.5f)
                .build();
    }

    static Outcome reward() {
        return Outcome.newBuilder()
                .setSessionId("session-7")
                .setServiceId("serve-host-1")
                .setEventTimeMs(1_763_700_001_500L)
                .setOutcome(
                        Reward.newBuilder()
                                .setDecisionId("session-7:0000000000000001")
                                .setReward(0.25)
                                .setRewardId("click-1")
                                .build())
                .build();
    }

    static Outcome sessionEnd() {
        return Outcome.newBuilder(reward())
                .setOutcome(
                        SessionEnd.newBuilder()
                                .setFinalObs(List.of(0.02f, -0.1f, 0.05f, 0.3f))
                                .setTerminated(true)
                                .setTruncated(false)
                                .build())
                .build();
    }

    static PolicyAssignment canaryAssignment() {
        return PolicyAssignment.newBuilder()
                .setPolicyName("cartpole")
                .setSequence(4)
                .setChampion(
                        AssignedVersion.newBuilder()
                                .setVersion(1)
                                .setUri("file:///data/policies/cartpole/1")
                                .setSha256("ab".repeat(32))
                                .build())
                .setCanary(
                        AssignedVersion.newBuilder()
                                .setVersion(2)
                                .setUri("file:///data/policies/cartpole/2")
                                .setSha256("cd".repeat(32))
                                .build())
                .setCanaryShare(0.2)
                .setMode(AssignmentMode.AUTOMATIC)
                .setReason("v2's OPE lower bound 180.0 is within 10.0 of v1's estimate 185.0")
                .setDecider("controller")
                .setDecidedAtMs(1_763_700_002_000L)
                .build();
    }

    static PolicyAssignment championOnlyAssignment() {
        return PolicyAssignment.newBuilder(canaryAssignment())
                .setCanary(null)
                .setCanaryShare(0.0)
                .setMode(AssignmentMode.PAUSED)
                .setDecider("alice")
                .setReason("rolled back to v1 by hand")
                .build();
    }

    static PolicyFailure swapFailure() {
        return PolicyFailure.newBuilder()
                .setPolicyName("cartpole")
                .setVersion(2)
                .setKind(PolicyFailureKind.SWAP)
                .setReason("DIGEST_MISMATCH")
                .setMessage("artifact file:///data/policies/cartpole/2 has digest ef.. not cd..")
                .setReporter("actor-a")
                .setAssignmentSequence(4)
                .setReportedAtMs(1_763_700_003_000L)
                .build();
    }

    /**
     * A generic record for any schema with every field set to a value derived from its name, so a
     * test can write data under an old released schema without its generated class.
     */
    static Object genericValue(Schema schema, String salt) {
        switch (schema.getType()) {
            case RECORD:
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    record.put(f.pos(), genericValue(f.schema(), f.name()));
                }
                return record;
            case ARRAY:
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    items.add(genericValue(schema.getElementType(), salt + i));
                }
                return new GenericData.Array<>(schema, items);
            case MAP:
                Map<String, Object> map = new HashMap<>();
                map.put(salt, genericValue(schema.getValueType(), salt));
                return map;
            case UNION:
                // the last branch: for ["null", X] that is the non-null X
                List<Schema> branches = schema.getTypes();
                return genericValue(branches.get(branches.size() - 1), salt);
            case STRING:
                return salt + "-value";
            case BYTES:
                return ByteBuffer.wrap(salt.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case INT:
                return salt.length();
            case LONG:
                return 1000L + salt.length();
            case FLOAT:
                return 0.5f + salt.length();
            case DOUBLE:
                return 0.25 + salt.length();
            case BOOLEAN:
                return salt.length() % 2 == 0;
            case NULL:
                return null;
            case ENUM:
                return new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
            default:
                throw new IllegalArgumentException("no sample for " + schema.getType());
        }
    }
}
