package io.replayflow.ingest.testing;

import io.replayflow.infra.stack.testing.KafkaTestClients;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A byte[]-keyed producer for ingest's ITCases over local-stack's shared {@link KafkaTestClients}
 * (its test-jar), which make the clients, create topics and read topics back.
 */
public final class TestKafka implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;

    public TestKafka(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = KafkaTestClients.bytesProducer(bootstrap);
    }

    /** Creates {@code names} with {@code partitions} partitions each. */
    public static void createTopics(String bootstrap, List<String> names, int partitions)
            throws Exception {
        KafkaTestClients.createTopics(bootstrap, names, partitions);
    }

    /** Sends and waits for the broker's acknowledgement. */
    public RecordMetadata send(String topic, byte[] key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
    }

    /** Sends without waiting; {@link #flush()} waits for every send, the future tells its fate. */
    public Future<RecordMetadata> sendAsync(String topic, byte[] key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    /**
     * Every record of {@code topic} from the beginning to its end offsets as they are now (last
     * stable offsets under read_committed).
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return readAll(bootstrap, topic);
    }

    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        return KafkaTestClients.readAllBytes(bootstrap, topic);
    }

    @Override
    public void close() {
        producer.close();
    }
}
