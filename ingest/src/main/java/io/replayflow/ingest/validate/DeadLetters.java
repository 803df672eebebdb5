package io.replayflow.ingest.validate;

import io.replayflow.ingest.IngestMetrics;
import io.replayflow.ingest.internal.AvroTypes;
import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

/**
 * Turns a refused raw record into a {@link DeadLetter} (the exact bytes, where they came from, why)
 * and counts it by reason. One instance per operator subtask.
 */
public final class DeadLetters {

    /** The side output every validating operator sends its dead letters to. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", AvroTypes.DEAD_LETTER);

    private final Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);

    /**
     * Registers one {@code ingest/records_dead_lettered} counter per reason under {@code group}.
     */
    public DeadLetters(MetricGroup operatorGroup) {
        register(IngestMetrics.group(operatorGroup));
    }

    private DeadLetters() {}

    /**
     * Counts under {@code group}, a group that is already namespaced (the join job's {@code join}):
     * one {@code records_dead_lettered} counter per reason.
     */
    public static DeadLetters inGroup(MetricGroup group) {
        DeadLetters deadLetters = new DeadLetters();
        deadLetters.register(group);
        return deadLetters;
    }

    private void register(MetricGroup ingest) {
        for (RejectReason reason : RejectReason.values()) {
            counters.put(
                    reason,
                    ingest.addGroup(IngestMetrics.REASON, reason.name())
                            .counter(IngestMetrics.RECORDS_DEAD_LETTERED));
        }
    }

    /** Counts the rejection and builds its dead letter. */
    public DeadLetter of(RawRecord raw, Rejection rejection, long nowMs) {
        counters.get(rejection.reason()).inc();
        return build(raw, rejection, nowMs);
    }

    /** The dead letter of {@code raw}; an absent value is kept as zero bytes. */
    public static DeadLetter build(RawRecord raw, Rejection rejection, long nowMs) {
        return DeadLetter.newBuilder()
                .setReason(rejection.reason().name())
                .setMessage(rejection.message())
                .setSourceTopic(raw.topic == null ? "" : raw.topic)
                .setSourcePartition(raw.partition)
                .setSourceOffset(raw.offset)
                .setKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setPayload(ByteBuffer.wrap(raw.value == null ? new byte[0] : raw.value))
                .setTimeMs(nowMs)
                .build();
    }
}
