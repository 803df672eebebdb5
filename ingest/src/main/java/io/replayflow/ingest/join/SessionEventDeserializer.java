package io.replayflow.ingest.join;

import io.replayflow.ingest.kafka.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes each record of the decisions and outcomes topics into a {@link SessionEvent} inside the
 * Kafka source, so that the source's watermark strategy sees the event time of every partition
 * separately (the decisions and outcomes of one moment sit in different partitions). A record that
 * does not decode or fails a check becomes a {@link SessionEvent.Kind#REJECTED} event: nothing a
 * record contains makes this throw.
 */
public final class SessionEventDeserializer
        implements KafkaRecordDeserializationSchema<SessionEvent> {

    private static final long serialVersionUID = 1L;

    private transient SessionRecords records;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SessionEvent> out) {
        if (records == null) {
            records = new SessionRecords();
        }
        out.collect(
                records.decode(
                        new RawRecord(
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                record.timestamp(),
                                record.key(),
                                record.value())));
    }

    @Override
    public TypeInformation<SessionEvent> getProducedType() {
        return SessionEvent.TYPE;
    }
}
