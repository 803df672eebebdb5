package io.replayflow.ingest.join;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * A decision of an open session waiting to become a transition: what was decided and the sum of the
 * rewards counted for it so far. Flink POJO state of {@link SessionJoiner}.
 */
public class PendingDecision {

    public static final TypeInformation<PendingDecision> TYPE = Types.POJO(PendingDecision.class);

    public String decisionId;
    public long eventTimeMs;
    public String envId;
    public String actorId;
    public float[] obs;
    public int action;
    public float probability;
    public long policyVersion;
    public long sequence;

    /** Sum of the rewards counted within the horizon; 0 when none came. */
    public double rewardSum;

    public PendingDecision() {}

    static PendingDecision of(SessionEvent d) {
        PendingDecision p = new PendingDecision();
        p.decisionId = d.decisionId;
        p.eventTimeMs = d.eventTimeMs;
        p.envId = d.envId;
        p.actorId = d.actorId;
        p.obs = d.obs;
        p.action = d.action;
        p.probability = d.probability;
        p.policyVersion = d.policyVersion;
        p.sequence = d.sequence;
        return p;
    }
}
