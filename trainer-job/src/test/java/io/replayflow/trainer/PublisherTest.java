package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.trainer.data.TransitionKey;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.publish.PolicyPublisher;
import io.replayflow.trainer.publish.PriorityUpdatePublisher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records, keys and topics of the two publishers (Kafka's MockProducer as the fake broker). */
@Timeout(10)
class PublisherTest {

    @Test
    void policyVersionsAreKeyedByNameAndSingleObjectEncoded() throws Exception {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        PolicyManifest manifest =
                new PolicyManifest(
                        1,
                        "cartpole",
                        7,
                        "cql",
                        Map.of(),
                        List.of(4),
                        "float32",
                        2,
                        PolicyManifest.Signature.standard(),
                        "0x01",
                        30000,
                        99L,
                        new PolicyManifest.Lineage(
                                List.of("file:///data/experience"), 1L, 2L, 5000, List.of(0L, 3L)),
                        Map.of(),
                        "abc");
        PolicyVersion version =
                new PolicyArtifact(Path.of("/data/policies/cartpole/7"), manifest)
                        .toPolicyVersion(Map.of("eval_mean_return", 480.0));

        try (PolicyPublisher publisher = new PolicyPublisher(producer, Topics.withPrefix("t."))) {
            publisher.publish(version);
        }

        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("t.policies");
        assertThat(record.key()).isEqualTo("cartpole");
        PolicyVersion decoded =
                SingleObjectSerde.forClass(PolicyVersion.class).decode(record.value());
        assertThat(decoded.getVersion()).isEqualTo(7);
        assertThat(decoded.getUri()).isEqualTo("file:///data/policies/cartpole/7");
        assertThat(decoded.getSha256()).isEqualTo("abc");
        assertThat(decoded.getTrainStep()).isEqualTo(30000);
        assertThat(decoded.getLineage().getTransitions()).isEqualTo(5000);
        assertThat(decoded.getLineage().getBehaviorPolicyVersions()).containsExactly(0L, 3L);
        assertThat(decoded.getMetrics()).containsEntry("eval_mean_return", 480.0);
    }

    @Test
    void aSourceWithKeysPublishesEveryBatchsTdErrors() {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        io.replayflow.trainer.data.TransitionColumns.Builder b =
                io.replayflow.trainer.data.TransitionColumns.builder(TransitionSpec.vector(1, 2));
        for (int i = 0; i < 4; i++) {
            b.add(new float[] {i}, i % 2, 1f, 0.9f, new float[] {i + 1})
                    .key(new TransitionKey("env", "a0", "e" + i, i));
        }
        io.replayflow.trainer.data.ArrayBatchSource source =
                io.replayflow.trainer.data.ArrayBatchSource.uniform(
                                b.build(), new io.replayflow.trainer.SeededRandom(1))
                        .publishPriorities(
                                new PriorityUpdatePublisher(producer, Topics.defaults(), 1e-6),
                                () -> 9);
        assertThat(source.wantsTdErrors()).isTrue();
        try (io.replayflow.trainer.data.TrainingBatch batch =
                new io.replayflow.trainer.data.TrainingBatch(TransitionSpec.vector(1, 2), 3)) {
            source.fill(batch);
            source.onTdErrors(batch, new float[] {1f, 2f, 3f}, 77);
            assertThat(producer.history()).hasSize(3);
            assertThat(producer.history().get(2).key()).isEqualTo("e" + batch.rowIds()[2]);
        }
    }

    @Test
    void priorityUpdatesCarryAbsTdErrorPlusEpsilonKeyedByEpisode() throws Exception {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (PriorityUpdatePublisher publisher =
                new PriorityUpdatePublisher(producer, Topics.defaults(), 0.01)) {
            TransitionKey[] keys = {
                new TransitionKey("CartPole-v1", "a0", "e1", 4),
                new TransitionKey("CartPole-v1", "a1", "e2", 0)
            };
            publisher.send(keys, new float[] {-0.5f, 2f}, 2, 3, 1200);
            publisher.flush();
            assertThat(publisher.sent()).isEqualTo(2);
        }
        SingleObjectSerde<PriorityUpdate> serde = SingleObjectSerde.forClass(PriorityUpdate.class);
        assertThat(producer.history())
                .extracting(ProducerRecord::topic)
                .containsOnly("rf.priorities");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("e1", "e2");
        PriorityUpdate first = serde.decode(producer.history().get(0).value());
        assertThat(first.getPriority())
                .isEqualTo(0.51, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(first.getTdError()).isEqualTo(-0.5f);
        assertThat(first.getStep()).isEqualTo(4);
        assertThat(first.getPolicyVersion()).isEqualTo(3);
        assertThat(first.getTrainerStep()).isEqualTo(1200);
    }
}
