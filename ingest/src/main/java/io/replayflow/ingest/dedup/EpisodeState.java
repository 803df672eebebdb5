package io.replayflow.ingest.dedup;

import io.replayflow.schemas.avro.EpisodeSummary;
import io.replayflow.schemas.avro.Transition;

/**
 * The keyed state of one episode: which steps have been seen (for deduplication) and what its
 * summary needs (return, time span, the terminal step). About 120 bytes on the heap plus the key;
 * it lives for {@code ingest.dedup.ttl} after the episode's last record.
 *
 * <p>A Flink POJO so the state checkpoints without Kryo and new fields can be added (Flink's POJO
 * serializer evolves the schema on restore). Not thread-safe.
 */
public class EpisodeState {

    public StepSet steps = new StepSet();

    /** Sum of the rewards of the steps seen. */
    public double returnSum;

    public long startTimeMs = Long.MAX_VALUE;
    public long endTimeMs = Long.MIN_VALUE;

    /** The highest step seen, and the policy version that chose its action. */
    public long lastStep = -1;

    public long lastPolicyVersion;

    /** The step that ended the episode (terminated or truncated), or -1 while none has arrived. */
    public long terminalStep = -1;

    public boolean terminated;
    public boolean truncated;

    /** Whether the summary has been emitted. */
    public boolean summarized;

    public EpisodeState() {}

    /**
     * Records a transition of this episode.
     *
     * @return false if its step was seen before: a duplicate, nothing changed
     */
    public boolean add(Transition t) {
        long step = t.getStep();
        if (!steps.add(step)) {
            return false;
        }
        returnSum += t.getReward();
        startTimeMs = Math.min(startTimeMs, t.getEventTimeMs());
        endTimeMs = Math.max(endTimeMs, t.getEventTimeMs());
        if (step > lastStep) {
            lastStep = step;
            lastPolicyVersion = t.getPolicyVersion();
        }
        if (terminalStep < 0 && (t.getTerminated() || t.getTruncated())) {
            terminalStep = step;
            terminated = t.getTerminated();
            truncated = t.getTruncated();
        }
        return true;
    }

    /** Whether the terminal step and every step before it have arrived, and no summary was sent. */
    public boolean readyToSummarize() {
        return !summarized && terminalStep >= 0 && steps.hasAllBelow(terminalStep + 1);
    }

    /** The episode's summary; {@code t} supplies the ids. */
    public EpisodeSummary summary(Transition t) {
        return EpisodeSummary.newBuilder()
                .setEnvId(t.getEnvId())
                .setActorId(t.getActorId())
                .setEpisodeId(t.getEpisodeId())
                .setPolicyVersion(lastPolicyVersion)
                .setEpisodeReturn(returnSum)
                .setLength(terminalStep + 1)
                .setTerminated(terminated)
                .setTruncated(truncated)
                .setStartTimeMs(startTimeMs)
                .setEndTimeMs(endTimeMs)
                .build();
    }
}
