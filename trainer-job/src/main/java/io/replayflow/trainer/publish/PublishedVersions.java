package io.replayflow.trainer.publish;

import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the highest version already announced for a policy name on {@code rf.policies}, so that a
 * trainer whose policy directory was lost or moved still never reuses a version number (see {@code
 * PolicyVersions}).
 *
 * <p>A short-lived consumer without a group reads every partition of the compacted topic from the
 * beginning up to the end offsets it finds when it starts, and keeps the highest {@code version} of
 * the records keyed by the name. Records that do not decode as a {@code PolicyVersion} are skipped
 * with a warning. Cost: one pass over the compacted topic (one record per policy name after
 * compaction, a few more before).
 */
public final class PublishedVersions {

    private static final Logger LOG = LoggerFactory.getLogger(PublishedVersions.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private PublishedVersions() {}

    /**
     * The highest version of {@code policyName} on the policies topic, or 0 if none.
     *
     * @throws PublishException naming the topic and the bootstrap address when the topic does not
     *     exist or cannot be read within {@code timeout}
     */
    public static long latest(
            String bootstrapServers, Topics topics, String policyName, Duration timeout) {
        return latest(bootstrapServers, Map.of(), topics, policyName, timeout);
    }

    /**
     * As {@link #latest(String, Topics, String, Duration)}, with Kafka client settings (security
     * and others) under the reader's own; error messages never show a secret value.
     */
    public static long latest(
            String bootstrapServers,
            Map<String, String> clientSettings,
            Topics topics,
            String policyName,
            Duration timeout) {
        String topic = topics.policies();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig(bootstrapServers, clientSettings, timeout))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new PublishException(
                        "topic "
                                + topic
                                + " does not exist at "
                                + bootstrapServers
                                + ": create it (the stack does), or check the topic prefix");
            }
            List<TopicPartition> partitions =
                    infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            SingleObjectSerde<PolicyVersion> serde =
                    SingleObjectSerde.forClass(PolicyVersion.class);
            long highest = 0;
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new PublishException(
                            "reading "
                                    + topic
                                    + " at "
                                    + bootstrapServers
                                    + " up to "
                                    + end
                                    + " took longer than "
                                    + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (policyName.equals(record.key()) && record.value() != null) {
                        highest = Math.max(highest, version(serde, record));
                    }
                }
            }
            return highest;
        } catch (KafkaException e) {
            throw new PublishException(
                    "cannot read the last published version of "
                            + policyName
                            + " from "
                            + topic
                            + " at "
                            + bootstrapServers
                            + " within "
                            + timeout
                            + ": is Kafka up at that address, and do the client settings"
                            + " (security.protocol, sasl.*, ssl.*) match its listener? ("
                            + Secrets.scrub(e.toString(), clientSettings)
                            + ")",
                    e);
        }
    }

    private static long version(
            SingleObjectSerde<PolicyVersion> serde, ConsumerRecord<String, byte[]> record) {
        try {
            return serde.decode(record.value()).getVersion();
        } catch (DecodeException | RuntimeException e) {
            LOG.warn(
                    "skipping {}-{}@{}: not a PolicyVersion ({})",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
            return 0;
        }
    }

    private static boolean reached(
            KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Properties consumerConfig(
            String bootstrapServers, Map<String, String> clientSettings, Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientSettings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "replayflow-trainer-versions");
        return p;
    }
}
