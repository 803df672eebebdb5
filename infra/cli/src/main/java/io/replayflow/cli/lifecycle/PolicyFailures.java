package io.replayflow.cli.lifecycle;

import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The failure reports of {@code rf.policy.failures} ({@link PolicyFailure}: a version actors or
 * decision services could not load, verify or act with), and which of them count against a running
 * canary.
 */
public final class PolicyFailures {
    /** One per thread: a serde reuses its buffers (the follower, actors and callers share this). */
    private static final ThreadLocal<SingleObjectSerde<PolicyFailure>> SERDE =
            ThreadLocal.withInitial(() -> SingleObjectSerde.forClass(PolicyFailure.class));

    private static final String CLIENT_ID = "replayflow-failure-reports";

    private PolicyFailures() {}

    /** Every decodable report on {@code topic}, read once (empty if the topic is missing). */
    public static List<PolicyFailure> read(
            String bootstrap, Map<String, String> clientSettings, String topic) {
        return FollowedTopic.read(
                bootstrap, clientSettings, CLIENT_ID, topic, PolicyFailures::decode);
    }

    /**
     * The reports on {@code topic}, followed with a consumer kept until {@link
     * FollowedTopic#close()}: the controller's pass by pass.
     */
    static FollowedTopic<PolicyFailure> follow(
            String bootstrap, Map<String, String> clientSettings, String topic) {
        return FollowedTopic.open(
                bootstrap, clientSettings, CLIENT_ID, topic, PolicyFailures::decode);
    }

    private static PolicyFailure decode(byte[] value) {
        try {
            return SERDE.get().decode(value);
        } catch (DecodeException e) {
            return null; // not a PolicyFailure: nothing ReplayFlow writes; skip it
        }
    }

    /**
     * The reports against {@code version} of {@code policy} made since {@code since}, the
     * assignment that made it the canary: those naming that assignment or a later one, or, for a
     * report naming none (a hot-swap), made at or after its decision time. A version refused before
     * it became the canary does not count against this canary run.
     */
    public static List<PolicyFailure> against(
            List<PolicyFailure> reports, String policy, long version, PolicyAssignment since) {
        List<PolicyFailure> found = new ArrayList<>();
        for (PolicyFailure f : reports) {
            if (!policy.equals(f.getPolicyName()) || f.getVersion() != version) {
                continue;
            }
            boolean counts =
                    f.getAssignmentSequence() > 0
                            ? f.getAssignmentSequence() >= since.getSequence()
                            : f.getReportedAtMs() >= since.getDecidedAtMs();
            if (counts) {
                found.add(f);
            }
        }
        return found;
    }
}
