package io.replayflow.cluster.drill;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The drills' actors: one thread producing {@link DrillTransitions} to the transitions topic at a
 * steady rate, keyed by episode like the real actors, with {@code acks=all} and idempotence (what
 * the actor service uses). It remembers the identity of every record the cluster acknowledged: that
 * set is what the drill "sent".
 */
final class TransitionLoad implements AutoCloseable {

    private static final SingleObjectSerde<Transition> SERDE =
            SingleObjectSerde.forClass(Transition.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final DrillTransitions transitions;
    private final int ratePerSecond;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong attempted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    TransitionLoad(String bootstrap, String topic, String run, int ratePerSecond) {
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                ProducerConfig.CLIENT_ID_CONFIG, run + "-actors",
                                ProducerConfig.ACKS_CONFIG, "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000",
                                ProducerConfig.LINGER_MS_CONFIG, "5"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        this.topic = topic;
        this.transitions = new DrillTransitions(run, 8, run.hashCode());
        this.ratePerSecond = ratePerSecond;
        this.thread = new Thread(this::produce, run + "-load");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void produce() {
        long started = System.nanoTime();
        long sent = 0;
        while (running) {
            long due = (long) ((System.nanoTime() - started) / 1e9 * ratePerSecond);
            if (sent >= due) {
                sleepQuietly(Duration.ofMillis(2));
                continue;
            }
            Transition t = transitions.next();
            String id = DrillTransitions.identity(t.getActorId(), t.getEpisodeId(), t.getStep());
            byte[] key = t.getEpisodeId().toString().getBytes(StandardCharsets.UTF_8);
            attempted.incrementAndGet();
            producer.send(
                    new org.apache.kafka.clients.producer.ProducerRecord<>(
                            topic, key, SERDE.encode(t)),
                    (metadata, error) -> {
                        if (error == null) {
                            acknowledged.add(id);
                        } else {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, error.toString());
                        }
                    });
            sent++;
        }
    }

    /** Stops producing and waits until every record handed to the producer is settled. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(30).toMillis());
        producer.flush();
    }

    Set<String> acknowledged() {
        return acknowledged;
    }

    long attempted() {
        return attempted.get();
    }

    long failed() {
        return failed.get();
    }

    String firstError() {
        return firstError.get();
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(10));
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
