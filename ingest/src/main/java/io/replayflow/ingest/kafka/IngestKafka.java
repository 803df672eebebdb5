package io.replayflow.ingest.kafka;

import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The job's Kafka endpoints: the transitions source and the exactly-once sinks. Downstream readers
 * of the sinks' topics must consume with {@code isolation.level=read_committed}, or they see
 * records of transactions that a failure later aborts.
 */
public final class IngestKafka {

    private IngestKafka() {}

    /**
     * Reads {@code <prefix>transitions} as raw records, committed data only. Offsets come from the
     * checkpoint on a restore, else from {@code kafka.starting-offsets}; with {@code kafka.bounded}
     * the source stops at the offsets that are the latest when the job starts.
     */
    public static KafkaSource<RawRecord> transitionsSource(IngestConfig config) {
        KafkaSourceBuilder<RawRecord> builder =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setTopics(config.topics().transitions())
                        .setGroupId(config.groupId())
                        .setClientIdPrefix(config.groupId())
                        .setStartingOffsets(startingOffsets(config.startingOffsets()))
                        .setDeserializer(new RawRecordDeserializer());
        config.kafkaProperties().forEach(builder::setProperty);
        builder.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (config.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * An exactly-once sink: records become visible to {@code read_committed} readers when the
     * checkpoint that contains them completes. Transactional ids are {@code
     * <kafka.transactional-id-prefix>-<name>-...}.
     */
    /** The lineage facet of a sink that writes {@code topic}. */
    static Optional<KafkaDatasetFacet> datasetFacet(String topic) {
        return Optional.of(
                new DefaultKafkaDatasetFacet(
                        DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }

    public static <T> KafkaSink<T> exactlyOnceSink(
            IngestConfig config, String name, KafkaRecordSerializationSchema<T> serializer) {
        return exactlyOnceSink(
                config.bootstrapServers(),
                config.transactionalIdPrefix() + "-" + name,
                config.transactionNaming(),
                config.transactionTimeout(),
                config.kafkaProperties(),
                serializer);
    }

    /** An exactly-once sink from its settings (the join job's sinks too). */
    public static <T> KafkaSink<T> exactlyOnceSink(
            String bootstrapServers,
            String transactionalIdPrefix,
            TransactionNamingStrategy naming,
            Duration transactionTimeout,
            Map<String, String> kafkaProperties,
            KafkaRecordSerializationSchema<T> serializer) {
        var builder =
                KafkaSink.<T>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setRecordSerializer(serializer)
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(transactionalIdPrefix)
                        .setTransactionNamingStrategy(naming)
                        // Larger batches than the producer's defaults: fewer requests for the
                        // broker; a checkpoint flushes them anyway. kafka.properties.* overrides.
                        .setProperty(ProducerConfig.BATCH_SIZE_CONFIG, "262144")
                        .setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        kafkaProperties.forEach(builder::setProperty);
        builder.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(transactionTimeout.toMillis()));
        return builder.build();
    }

    // The connector's committedOffsets(...) still takes Kafka's deprecated OffsetResetStrategy.
    @SuppressWarnings("deprecation")
    /** Where a source without restored state starts (the join job's source too). */
    public static OffsetsInitializer startingOffsets(IngestOptions.StartingOffsets offsets) {
        return switch (offsets) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
