package io.replayflow.actor.assign;

import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes policy assignments: the current one per policy name on the compacted {@code
 * rf.policy.assignments}, every one ever written on {@code rf.policy.assignments.history} (the
 * audit trail). A decision is written to the history first and then to the current topic, each
 * acknowledged by all in-sync replicas, so the history never misses an assignment that acted.
 *
 * <p>Readers keep, per policy name, the assignment with the highest sequence (the later record on a
 * tie). Used by the CLI's {@code policy} verbs and by the controller; actors follow the current
 * topic with an {@link AssignmentFollower}. Each call opens and closes its own client; not meant
 * for a hot path.
 */
public final class AssignmentLog {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLog.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final SingleObjectSerde<PolicyAssignment> SERDE =
            SingleObjectSerde.forClass(PolicyAssignment.class);

    private final String bootstrapServers;
    private final Map<String, String> clientSettings;
    private final Topics topics;
    private final Duration timeout;

    /**
     * @param clientSettings further Kafka client settings (security...)
     * @param timeout the longest one read or write may take
     */
    public AssignmentLog(
            String bootstrapServers,
            Map<String, String> clientSettings,
            Topics topics,
            Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.clientSettings = Map.copyOf(clientSettings);
        this.topics = topics;
        this.timeout = timeout;
    }

    /** The assignment with the highest sequence for {@code policyName}, if any was written. */
    public Optional<PolicyAssignment> current(String policyName) {
        return read(topics.assignments(), policyName).stream()
                .max(Comparator.comparingLong(PolicyAssignment::getSequence));
    }

    /** Every assignment ever written for {@code policyName}, oldest first. */
    public List<PolicyAssignment> history(String policyName) {
        List<PolicyAssignment> all = new ArrayList<>(read(topics.assignmentHistory(), policyName));
        all.sort(Comparator.comparingLong(PolicyAssignment::getSequence));
        return all;
    }

    /**
     * Writes {@code assignment} to the history, then as the current one, and waits for both.
     *
     * @throws IllegalStateException naming the topic and the broker when a write failed
     */
    public void publish(PolicyAssignment assignment) {
        write(assignment, List.of(topics.assignmentHistory(), topics.assignments()));
    }

    /**
     * Writes {@code assignment}, already in the history, as the current one: completes a decision
     * whose writer stopped between the two writes of {@link #publish}.
     */
    public void completeCurrent(PolicyAssignment assignment) {
        write(assignment, List.of(topics.assignments()));
    }

    private void write(PolicyAssignment assignment, List<String> targets) {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        byte[] key = assignment.getPolicyName().getBytes(StandardCharsets.UTF_8);
        byte[] value = SERDE.encode(assignment);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (String topic : targets) {
                try {
                    producer.send(new ProducerRecord<>(topic, key, value))
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IllegalStateException(
                            "could not write the assignment of '"
                                    + assignment.getPolicyName()
                                    + "' to "
                                    + topic
                                    + " at "
                                    + bootstrapServers
                                    + ": "
                                    + (e.getCause() == null ? e : e.getCause()),
                            e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted writing to " + topic, e);
                }
            }
        }
        LOG.info(
                "assignment #{} of '{}' written by {}: {}",
                assignment.getSequence(),
                assignment.getPolicyName(),
                assignment.getDecider(),
                assignment.getReason());
    }

    /** Every decodable assignment of {@code policyName} on {@code topic}, in offset order. */
    private List<PolicyAssignment> read(String topic, String policyName) {
        Properties props =
                io.replayflow.actor.swap.PolicyFollower.consumerProperties(
                        bootstrapServers, "replayflow-assignment-reader", clientSettings);
        List<PolicyAssignment> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException(
                        "topic "
                                + topic
                                + " does not exist at "
                                + bootstrapServers
                                + ": create it (see infra/deploy/kafka/topics.yaml)");
            }
            List<TopicPartition> partitions =
                    infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    decode(record, policyName).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The record's assignment if it is one of {@code policyName}'s; logs undecodable records. */
    static Optional<PolicyAssignment> decode(
            ConsumerRecord<byte[], byte[]> record, String policyName) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            PolicyAssignment a = SERDE.decode(record.value());
            return policyName.equals(a.getPolicyName()) ? Optional.of(a) : Optional.empty();
        } catch (DecodeException e) {
            LOG.warn(
                    "skipping undecodable assignment {}-{}@{}: {} ({})",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage(),
                    e.reason());
            return Optional.empty();
        }
    }
}
