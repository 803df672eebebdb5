package io.replayflow.replay.job.internal;

import io.replayflow.replay.job.ReplayMetrics;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes {@code rf.transitions.clean} records (single-object encoded {@code Transition}) into
 * {@link ReplayRow}s, vector and image observations alike. Ingest already validated them; a record
 * that still does not decode is counted and skipped, never fails the job.
 */
public final class TransitionDeserializer implements KafkaRecordDeserializationSchema<ReplayRow> {

    private static final Logger LOG = LoggerFactory.getLogger(TransitionDeserializer.class);

    private transient SingleObjectSerde<Transition> serde;
    private transient Counter undecodable;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        serde = SingleObjectSerde.forClass(Transition.class);
        MetricGroup metrics = ReplayMetrics.group(context.getMetricGroup());
        undecodable = metrics.counter(ReplayMetrics.TRANSITIONS_UNDECODABLE);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ReplayRow> out) {
        Transition transition;
        try {
            transition = serde.decode(record.value());
        } catch (DecodeException e) {
            undecodable.inc();
            if (undecodable.getCount() <= 10) {
                LOG.warn(
                        "skipping undecodable record {}-{}@{}: {} {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.reason(),
                        e.getMessage());
            }
            return;
        }
        out.collect(ReplayRow.fromTransition(transition));
    }

    @Override
    public TypeInformation<ReplayRow> getProducedType() {
        return TypeInformation.of(ReplayRow.class);
    }
}
