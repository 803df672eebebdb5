package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a policy-gradient run has learned from, for the policy manifest's lineage: the segment
 * dataset, the event-time range and count of the valid steps of every batch stepped on, and the
 * newest {@value #MAX_VERSIONS} behaviour policy versions among them.
 *
 * <p>Cost O(B·T) per batch. Not thread-safe: owned by the learner's thread.
 */
public final class SegmentLineage {

    /** Behaviour versions kept (the newest). */
    static final int MAX_VERSIONS = 64;

    private final String source;
    private final TreeSet<Long> versions = new TreeSet<>();
    private long minEventTimeMs = Long.MAX_VALUE;
    private long maxEventTimeMs = Long.MIN_VALUE;
    private long transitions;

    /**
     * @param source the dataset's URI
     */
    public SegmentLineage(String source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Counts the valid steps of {@code batch}. */
    public void add(SegmentBatch batch) {
        for (int i = 0; i < batch.size() * batch.length(); i++) {
            if (batch.valid()[i] == 0f) {
                continue;
            }
            transitions++;
            minEventTimeMs = Math.min(minEventTimeMs, batch.eventTimeMs()[i]);
            maxEventTimeMs = Math.max(maxEventTimeMs, batch.eventTimeMs()[i]);
            if (versions.add(batch.policyVersions()[i]) && versions.size() > MAX_VERSIONS) {
                versions.pollFirst();
            }
        }
    }

    /** The lineage so far. */
    public PolicyManifest.Lineage lineage() {
        boolean seen = transitions > 0;
        return new PolicyManifest.Lineage(
                List.of(source),
                seen ? minEventTimeMs : null,
                seen ? maxEventTimeMs : null,
                transitions,
                List.copyOf(versions));
    }
}
