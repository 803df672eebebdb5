package io.replayflow.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.testing.KafkaTestClients;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.TestTransitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded broker against real Kafka clients: topics, ordering, groups and transactions. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalStackKafkaITCase {

    private static final int PARTITIONS = 3;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static LocalStack stack;
    private static Admin admin;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startStack() {
        stack =
                LocalStack.builder()
                        .withFlink(false)
                        .topicPrefix("it.")
                        .partitions(PARTITIONS)
                        .start();
        admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers()));
    }

    @AfterAll
    static void stopStack() {
        if (admin != null) {
            admin.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void createsEveryTopicWithItsPartitionCount() throws Exception {
        Topics topics = stack.topics();

        Map<String, TopicDescription> described =
                admin.describeTopics(topics.all()).allTopicNames().get();

        assertThat(described.keySet())
                .containsExactlyInAnyOrder(
                        "it.transitions",
                        "it.transitions.dlq",
                        "it.transitions.clean",
                        "it.episodes",
                        "it.episodes.stats",
                        "it.priorities",
                        "it.policies",
                        "it.decisions",
                        "it.outcomes",
                        "it.policy.assignments",
                        "it.policy.assignments.history",
                        "it.policy.failures");
        described.forEach(
                (name, description) ->
                        assertThat(description.partitions())
                                .as(name)
                                .hasSize(topics.compacted(name) ? 1 : PARTITIONS));
    }

    @Test
    void compactsOnlyThePolicyKeyedTopics() throws Exception {
        Topics topics = stack.topics();
        ConfigResource policies = new ConfigResource(ConfigResource.Type.TOPIC, topics.policies());
        ConfigResource transitions =
                new ConfigResource(ConfigResource.Type.TOPIC, topics.transitions());

        Map<ConfigResource, Config> configs =
                admin.describeConfigs(List.of(policies, transitions)).all().get();

        assertThat(configs.get(policies).get("cleanup.policy").value()).isEqualTo("compact");
        ConfigResource assignments =
                new ConfigResource(ConfigResource.Type.TOPIC, topics.assignments());
        assertThat(
                        admin.describeConfigs(List.of(assignments))
                                .all()
                                .get()
                                .get(assignments)
                                .get("cleanup.policy")
                                .value())
                .isEqualTo("compact");
        assertThat(configs.get(transitions).get("cleanup.policy").value()).isEqualTo("delete");
    }

    @Test
    void brokerRunsWithSingleNodeSettings() throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");

        Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);

        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("1");
        assertThat(config.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
        assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("1");
        assertThat(config.get("share.coordinator.state.topic.replication.factor").value())
                .isEqualTo("1");
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
        assertThat(config.get("group.initial.rebalance.delay.ms").value()).isEqualTo("0");
    }

    @Test
    void transitionsComeBackCompleteAndInOrderWithinEachPartition() throws Exception {
        SingleObjectSerde<Transition> serde = SingleObjectSerde.forClass(Transition.class);
        int episodes = 6;
        int steps = 50;
        Map<String, Transition> sent = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = idempotentProducer()) {
            for (int step = 0; step < steps; step++) {
                for (int e = 0; e < episodes; e++) {
                    Transition t = TestTransitions.cartPole("actor-0", "ep-" + e, step);
                    t.setTerminated(step == steps - 1);
                    sent.put(identity(t), t);
                    producer.send(
                            new ProducerRecord<>(
                                    stack.topics().transitions(),
                                    t.getEpisodeId(),
                                    serde.encode(t)));
                }
            }
            producer.flush();
        }

        List<ConsumerRecord<String, byte[]>> received =
                consumeWithGroup(stack.topics().transitions(), "it-order", sent.size());

        assertThat(received).hasSize(episodes * steps);
        Map<String, Set<Integer>> partitionsOfEpisode = new HashMap<>();
        Map<String, List<Long>> stepsOfEpisode = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : received) {
            Transition t = decode(serde, record.value());
            assertThat(t).isEqualTo(sent.get(identity(t)));
            assertThat(record.key()).isEqualTo(t.getEpisodeId());
            partitionsOfEpisode
                    .computeIfAbsent(t.getEpisodeId(), k -> new HashSet<>())
                    .add(record.partition());
            stepsOfEpisode
                    .computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>())
                    .add(t.getStep());
        }
        List<Long> inOrder = new ArrayList<>();
        for (long s = 0; s < steps; s++) {
            inOrder.add(s);
        }
        assertThat(partitionsOfEpisode.values()).allSatisfy(p -> assertThat(p).hasSize(1));
        assertThat(stepsOfEpisode).hasSize(episodes);
        assertThat(stepsOfEpisode.values()).allSatisfy(s -> assertThat(s).isEqualTo(inOrder));
    }

    @Test
    void readCommittedConsumersSeeOnlyCommittedTransactions() throws Exception {
        String topic = stack.topics().episodes();
        try (KafkaProducer<String, byte[]> producer = transactionalProducer("it-tx")) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "committed-a-", 10);
            producer.commitTransaction();
            sendInTransaction(producer, topic, "aborted-", 5);
            producer.abortTransaction();
            sendInTransaction(producer, topic, "committed-b-", 3);
            producer.commitTransaction();
        }

        List<String> committed = readAll(topic, "read_committed");
        List<String> uncommitted = readAll(topic, "read_uncommitted");

        assertThat(committed).hasSize(13).noneMatch(v -> v.startsWith("aborted-"));
        assertThat(committed.stream().filter(v -> v.startsWith("committed-a-")).count())
                .isEqualTo(10);
        assertThat(uncommitted).hasSize(18);
    }

    private static void sendInTransaction(
            KafkaProducer<String, byte[]> producer, String topic, String prefix, int count) {
        producer.beginTransaction();
        for (int i = 0; i < count; i++) {
            String value = prefix + i;
            producer.send(
                    new ProducerRecord<>(topic, "k" + i, value.getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush(); // in the log before commit or abort, so an abort has work to do
    }

    private static List<ConsumerRecord<String, byte[]>> consumeWithGroup(
            String topic, String groupId, int expected) {
        Map<String, Object> props =
                KafkaTestClients.consumerProperties(stack.bootstrapServers(), "read_uncommitted");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(POLL).forEach(records::add);
            }
            consumer.commitSync();
        }
        return records;
    }

    private static List<String> readAll(String topic, String isolation) {
        return KafkaTestClients.readAll(stack.bootstrapServers(), topic, isolation).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    private static KafkaProducer<String, byte[]> idempotentProducer() {
        return KafkaTestClients.producer(stack.bootstrapServers(), Map.of());
    }

    private static KafkaProducer<String, byte[]> transactionalProducer(String transactionalId) {
        return KafkaTestClients.producer(
                stack.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
    }

    private static String identity(Transition t) {
        return t.getActorId() + "/" + t.getEpisodeId() + "/" + t.getStep();
    }

    private static Transition decode(SingleObjectSerde<Transition> serde, byte[] payload) {
        try {
            return serde.decode(payload);
        } catch (DecodeException e) {
            throw new AssertionError("record does not decode: " + e.getMessage(), e);
        }
    }
}
