package io.replayflow.replay.job.internal;

import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.replay.job.ReplayMetrics;
import io.replayflow.replay.scoring.PolicyAnnouncement;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes {@code rf.policies} records into {@link PolicyAnnouncement}s. A record that is not a
 * {@code PolicyVersion} is dropped and counted ({@code replay/policies_rejected_undecodable});
 * tombstones (null values, from compaction) are skipped.
 */
public final class PolicyVersionDeserializer
        implements KafkaRecordDeserializationSchema<PolicyAnnouncement> {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyVersionDeserializer.class);

    private transient SingleObjectSerde<PolicyVersion> serde;
    private transient Counter undecodable;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        serde = SingleObjectSerde.forClass(PolicyVersion.class);
        undecodable =
                ReplayMetrics.group(context.getMetricGroup())
                        .counter(ReplayMetrics.policiesRejected(Reason.UNDECODABLE));
    }

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<PolicyAnnouncement> out) {
        if (record.value() == null) {
            return;
        }
        try {
            out.collect(PolicyAnnouncement.of(serde.decode(record.value())));
        } catch (DecodeException e) {
            undecodable.inc();
            LOG.warn(
                    "{}-{}@{} is not a PolicyVersion ({}): {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.reason(),
                    e.getMessage());
        }
    }

    @Override
    public TypeInformation<PolicyAnnouncement> getProducedType() {
        return TypeInformation.of(PolicyAnnouncement.class);
    }
}
