package io.replayflow.replay.job.internal;

import io.replayflow.replay.job.priority.PriorityRejections;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.priority.PriorityRejection;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes {@code rf.priorities} records and refuses invalid updates at the boundary (NaN, negative
 * or infinite priorities, no identity), each counted under its {@link PriorityRejection} reason; a
 * refused update is dropped, never fails the job.
 */
public final class PriorityUpdateDeserializer
        implements KafkaRecordDeserializationSchema<PriorityEntry> {

    private transient SingleObjectSerde<PriorityUpdate> serde;
    private transient PriorityRejections rejections;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        serde = SingleObjectSerde.forClass(PriorityUpdate.class);
        rejections = new PriorityRejections(context.getMetricGroup());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<PriorityEntry> out) {
        PriorityUpdate update;
        try {
            update = serde.decode(record.value());
        } catch (DecodeException e) {
            rejections.count(PriorityRejection.UNDECODABLE);
            return;
        }
        PriorityRejection reason = PriorityRejection.check(update);
        if (reason != null) {
            rejections.count(reason);
            return;
        }
        out.collect(PriorityEntry.of(update));
    }

    @Override
    public TypeInformation<PriorityEntry> getProducedType() {
        return TypeInformation.of(PriorityEntry.class);
    }

    /** Counters by reason; for tests. */
    public PriorityRejections rejections() {
        return rejections;
    }
}
