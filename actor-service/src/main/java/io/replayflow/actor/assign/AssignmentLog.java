package io.replayflow.actor.assign;

import io.replayflow.actor.follow.TopicTail;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes policy assignments: the current one per policy name on the compacted {@code
 * rf.policy.assignments}, every one ever written on {@code rf.policy.assignments.history} (the
 * audit trail). A decision is written to the history first and then to the current topic, each
 * acknowledged by all in-sync replicas, so the history never misses an assignment that acted.
 *
 * <p><b>One writer at a time.</b> {@link #update} is how decisions are written: it opens a
 * transactional producer whose {@code transactional.id} is {@code replayflow-assignments-<policy>},
 * one per policy name for every writer (controller and CLI alike). Initialising it fences any
 * earlier producer of that id and waits for its open transaction to end; only then is the state
 * read (read-committed) and the decision made, and both records go out in one transaction. A writer
 * that another one fenced meanwhile fails on its send or commit, its records are aborted, and it
 * reads the new state and decides again. So two writers racing (a {@code policy} verb during a
 * controller pass, two controllers) never write the same sequence number, and no decision is
 * half-written any more. Readers read committed records only.
 *
 * <p>Readers keep, per policy name, the assignment with the highest sequence (the later record on a
 * tie). Used by the CLI's {@code policy} verbs and by the controller; actors follow the current
 * topic with an {@link AssignmentFollower}. Each call of this class opens and closes its own
 * clients (a CLI verb writes once); a writer that decides every second, the lifecycle controller,
 * keeps them in a {@link Session}: one transactional producer per policy, initialised once, and one
 * consumer per topic that reads only what is new on each call.
 */
public final class AssignmentLog {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLog.class);

    /** One per thread: a serde reuses its buffers (the follower, actors and callers share this). */
    private static final ThreadLocal<SingleObjectSerde<PolicyAssignment>> SERDE =
            ThreadLocal.withInitial(() -> SingleObjectSerde.forClass(PolicyAssignment.class));

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
        return bySequence(read(topics.assignmentHistory(), policyName));
    }

    private static List<PolicyAssignment> bySequence(List<PolicyAssignment> assignments) {
        List<PolicyAssignment> all = new ArrayList<>(assignments);
        all.sort(Comparator.comparingLong(PolicyAssignment::getSequence));
        return all;
    }

    /**
     * The state a writer decides on, read after it fenced every other writer of the policy.
     *
     * @param latest the assignment with the highest sequence, current topic or history (empty: the
     *     policy has none yet)
     * @param history every assignment of the policy, oldest first
     */
    public record State(Optional<PolicyAssignment> latest, List<PolicyAssignment> history) {}

    /** How many times {@link #update} decides again after another writer fenced it. */
    static final int FENCED_RETRIES = 8;

    /**
     * Decides and writes the next assignment of {@code policyName} as its only writer (see the
     * class comment): fences other writers, reads the state, completes a decision an earlier
     * non-transactional writer left in the history only, lets {@code decide} return the next
     * assignment (sequence = latest + 1) or nothing, and writes it to the history and the current
     * topic in one transaction. When another writer fences this one before it commits, the state is
     * read and {@code decide} called again (up to {@value #FENCED_RETRIES} times).
     *
     * @return what was written, or empty when {@code decide} returned empty
     * @throws IllegalArgumentException from {@code decide} (nothing written)
     * @throws IllegalStateException when the broker is unreachable, or the sequence {@code decide}
     *     returned does not follow the latest
     */
    public Optional<PolicyAssignment> update(
            String policyName, Function<State, Optional<PolicyAssignment>> decide) {
        return update(policyName, decide, new OneShot());
    }

    /**
     * The clients one {@link #update} writes and reads with: opened for the call ({@link OneShot})
     * or kept by a {@link Session}.
     */
    private interface Clients {

        /** A transactional producer of {@code policyName}'s id, initialised: no other writer's. */
        KafkaProducer<byte[], byte[]> producer(String policyName);

        /**
         * Done with {@code producer}; {@code healthy}: it has no transaction open and was not
         * fenced or failed, so a keeper may use it again.
         */
        void release(String policyName, KafkaProducer<byte[], byte[]> producer, boolean healthy);

        /** Every assignment of {@code policyName} on the history topic, in offset order. */
        List<PolicyAssignment> history(String policyName);

        /** The assignment of {@code policyName} with the highest sequence on the current topic. */
        Optional<PolicyAssignment> current(String policyName);
    }

    private Optional<PolicyAssignment> update(
            String policyName,
            Function<State, Optional<PolicyAssignment>> decide,
            Clients clients) {
        for (int attempt = 1; ; attempt++) {
            KafkaProducer<byte[], byte[]> producer = null;
            boolean healthy = false;
            try {
                producer = clients.producer(policyName);
                State state = state(policyName, producer, clients);
                Optional<PolicyAssignment> next;
                try {
                    next = decide.apply(state);
                } catch (RuntimeException e) {
                    healthy = true; // no transaction open
                    throw e;
                }
                if (next.isEmpty()) {
                    healthy = true;
                    return next;
                }
                PolicyAssignment a = next.get();
                long expected = state.latest().map(PolicyAssignment::getSequence).orElse(0L) + 1;
                if (a.getSequence() != expected || !policyName.equals(a.getPolicyName())) {
                    healthy = true;
                    throw new IllegalStateException(
                            "assignment #"
                                    + a.getSequence()
                                    + " of '"
                                    + a.getPolicyName()
                                    + "' does not follow #"
                                    + (expected - 1)
                                    + " of '"
                                    + policyName
                                    + "'");
                }
                producer.beginTransaction();
                send(producer, topics.assignmentHistory(), a);
                send(producer, topics.assignments(), a);
                producer.commitTransaction();
                healthy = true;
                logWritten(a);
                return next;
            } catch (KafkaException e) {
                if (!fenced(e) && !lostToAnotherWriter(e)) {
                    throw new IllegalStateException(
                            "could not write the assignment of '"
                                    + policyName
                                    + "' at "
                                    + bootstrapServers
                                    + ": "
                                    + e,
                            e);
                }
                if (attempt >= FENCED_RETRIES) {
                    throw new IllegalStateException(
                            "another writer of the assignments of '"
                                    + policyName
                                    + "' fenced this one "
                                    + attempt
                                    + " times in a row; try again",
                            e);
                }
                LOG.info(
                        "another writer of '{}' assignments took over; reading the state again",
                        policyName);
            } finally {
                if (producer != null) {
                    clients.release(policyName, producer, healthy);
                }
            }
            backOff(attempt);
        }
    }

    /**
     * Waits a random time up to 100 ms · 2^(attempt−1) (capped at 3.2 s) before deciding again, so
     * two writers that keep fencing each other (each initialisation fences the other) drift apart
     * and one of them gets to commit.
     */
    private static void backOff(int attempt) {
        long bound = 100L << Math.min(attempt - 1, 5);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound / 2, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an assignment write", e);
        }
    }

    /**
     * The state with a half-written decision (history ahead of the current topic, left by a writer
     * before transactions) completed in {@code producer}'s own transaction.
     */
    private State state(
            String policyName, KafkaProducer<byte[], byte[]> producer, Clients clients) {
        // The history first: a decision committed between the two reads then shows as the current
        // one ahead of the history, which is harmless, never as a half-written one.
        List<PolicyAssignment> history = bySequence(clients.history(policyName));
        Optional<PolicyAssignment> current = clients.current(policyName);
        Optional<PolicyAssignment> written = history.stream().reduce((a, b) -> b);
        if (written.isPresent()
                && written.get().getSequence()
                        > current.map(PolicyAssignment::getSequence).orElse(0L)) {
            PolicyAssignment halfWritten = written.get();
            LOG.warn(
                    "assignment #{} of '{}' is in the history but not current: completing it",
                    halfWritten.getSequence(),
                    policyName);
            producer.beginTransaction();
            send(producer, topics.assignments(), halfWritten);
            producer.commitTransaction();
            current = written;
        }
        Optional<PolicyAssignment> latest =
                java.util.stream.Stream.concat(current.stream(), history.stream())
                        .max(Comparator.comparingLong(PolicyAssignment::getSequence));
        return new State(latest, history);
    }

    /**
     * A transaction that ended in a state error rather than a fencing one: when two writers
     * initialise the same transactional id at once, the coordinator may answer the loser's commit
     * with {@code INVALID_TXN_STATE} or an unexpected server error instead of a fencing error (seen
     * with Kafka 4.2 under load, {@code AssignmentLogITCase}). Whether or not that commit took
     * effect, deciding again is safe: the next attempt fences every other writer, waits for their
     * transactions to end and reads the state, which then holds the commit if it took effect. A
     * timeout or an authorisation failure is not this: the broker is unreachable or refuses.
     */
    private static boolean lostToAnotherWriter(KafkaException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof org.apache.kafka.common.errors.AuthorizationException
                    || t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.InvalidTxnStateException
                    || t instanceof org.apache.kafka.common.errors.ConcurrentTransactionsException
                    || (t.getMessage() != null && t.getMessage().contains("EndTxnResponse"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} (or a cause) says another producer of the same id fenced this one. */
    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException
                    || t instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private KafkaProducer<byte[], byte[]> transactional(String policyName) {
        Properties props = producerProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(policyName));
        return new KafkaProducer<>(props);
    }

    /** The one transactional id every writer of {@code policyName}'s assignments uses. */
    public static String transactionalId(String policyName) {
        return "replayflow-assignments-" + policyName;
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, PolicyAssignment a) {
        producer.send(
                new ProducerRecord<>(
                        topic,
                        a.getPolicyName().getBytes(StandardCharsets.UTF_8),
                        SERDE.get().encode(a)));
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

    private Properties producerProperties() {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        return props;
    }

    private void write(PolicyAssignment assignment, List<String> targets) {
        Properties props = producerProperties();
        byte[] key = assignment.getPolicyName().getBytes(StandardCharsets.UTF_8);
        byte[] value = SERDE.get().encode(assignment);
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
        logWritten(assignment);
    }

    private static void logWritten(PolicyAssignment assignment) {
        LOG.info(
                "assignment #{} of '{}' written by {}: {}",
                assignment.getSequence(),
                assignment.getPolicyName(),
                assignment.getDecider(),
                assignment.getReason());
    }

    /** Every decodable assignment of {@code policyName} on {@code topic}, in offset order. */
    private List<PolicyAssignment> read(String topic, String policyName) {
        List<PolicyAssignment> found = new ArrayList<>();
        try (TopicTail tail =
                TopicTail.open(
                        bootstrapServers, "replayflow-assignment-reader", clientSettings, topic)) {
            readToEnd(tail, record -> decode(record, policyName).ifPresent(found::add));
        }
        return found;
    }

    private void readToEnd(TopicTail tail, Consumer<ConsumerRecord<byte[], byte[]>> records) {
        if (!tail.readToEnd(timeout, records)) {
            throw new IllegalStateException(
                    "topic "
                            + tail.topic()
                            + " does not exist at "
                            + bootstrapServers
                            + ": create it (see infra/deploy/kafka/topics.yaml)");
        }
    }

    /** Clients opened for one {@link #update} and closed after it. */
    private final class OneShot implements Clients {
        @Override
        public KafkaProducer<byte[], byte[]> producer(String policyName) {
            return initialised(policyName);
        }

        @Override
        public void release(
                String policyName, KafkaProducer<byte[], byte[]> producer, boolean healthy) {
            producer.close();
        }

        @Override
        public List<PolicyAssignment> history(String policyName) {
            return read(topics.assignmentHistory(), policyName);
        }

        @Override
        public Optional<PolicyAssignment> current(String policyName) {
            return AssignmentLog.this.current(policyName);
        }
    }

    private KafkaProducer<byte[], byte[]> initialised(String policyName) {
        KafkaProducer<byte[], byte[]> producer = transactional(policyName);
        try {
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * The clients of a writer that decides again and again (the lifecycle controller): one
     * transactional producer per policy, initialised (fencing every earlier writer) on first use
     * and kept; a consumer on the history and one on the current topic, each reading only what was
     * appended since its last read, with every policy's assignments kept between calls. Its {@link
     * #update} has the guarantees of {@link AssignmentLog#update}: a kept producer that no other
     * writer fenced since its initialisation is still the only writer, and the state it reads (to
     * the topics' ends, after every transaction committed) holds every other writer's decision; one
     * that was fenced (another writer initialised the same id: a CLI verb, a second controller)
     * fails on its send or commit, is closed, and a new one is initialised before the state is read
     * and the decision made again. A producer or consumer that failed otherwise (a broker restart
     * timing out a commit, an expired producer id) is closed and replaced on the next call. Not
     * thread-safe: one caller thread; {@link #close()} closes every client.
     */
    public final class Session implements AutoCloseable {
        private final Map<String, KafkaProducer<byte[], byte[]>> producers = new HashMap<>();
        private final Map<String, List<PolicyAssignment>> history = new HashMap<>();
        private final Map<String, PolicyAssignment> current = new HashMap<>();
        private final Clients clients = new Kept();
        private TopicTail historyTail;
        private TopicTail currentTail;

        private Session() {}

        /** As {@link AssignmentLog#update}, with the clients this session keeps. */
        public Optional<PolicyAssignment> update(
                String policyName, Function<State, Optional<PolicyAssignment>> decide) {
            return AssignmentLog.this.update(policyName, decide, clients);
        }

        /** Closes every producer and consumer this session keeps. */
        @Override
        public void close() {
            producers.values().forEach(p -> p.close(timeout));
            producers.clear();
            if (historyTail != null) {
                historyTail.close();
                historyTail = null;
            }
            if (currentTail != null) {
                currentTail.close();
                currentTail = null;
            }
        }

        private final class Kept implements Clients {
            @Override
            public KafkaProducer<byte[], byte[]> producer(String policyName) {
                KafkaProducer<byte[], byte[]> p = producers.get(policyName);
                if (p == null) {
                    p = initialised(policyName);
                    producers.put(policyName, p);
                }
                return p;
            }

            @Override
            public void release(
                    String policyName, KafkaProducer<byte[], byte[]> producer, boolean healthy) {
                if (!healthy) {
                    producers.remove(policyName, producer);
                    producer.close(Duration.ZERO);
                }
            }

            @Override
            public List<PolicyAssignment> history(String policyName) {
                if (historyTail == null) {
                    historyTail =
                            TopicTail.open(
                                    bootstrapServers,
                                    "replayflow-assignment-history",
                                    clientSettings,
                                    topics.assignmentHistory());
                }
                readToEnd(
                        historyTail,
                        r ->
                                decodeAny(r)
                                        .ifPresent(
                                                a ->
                                                        history.computeIfAbsent(
                                                                        a.getPolicyName(),
                                                                        n -> new ArrayList<>())
                                                                .add(a)));
                return List.copyOf(history.getOrDefault(policyName, List.of()));
            }

            @Override
            public Optional<PolicyAssignment> current(String policyName) {
                if (currentTail == null) {
                    currentTail =
                            TopicTail.open(
                                    bootstrapServers,
                                    "replayflow-assignment-current",
                                    clientSettings,
                                    topics.assignments());
                }
                readToEnd(
                        currentTail,
                        r ->
                                decodeAny(r)
                                        .ifPresent(
                                                a ->
                                                        current.merge(
                                                                a.getPolicyName(),
                                                                a,
                                                                (was, now) ->
                                                                        now.getSequence()
                                                                                        >= was
                                                                                                .getSequence()
                                                                                ? now
                                                                                : was)));
                return Optional.ofNullable(current.get(policyName));
            }
        }
    }

    /**
     * A session keeping its clients for {@link Session#update} after update; close it when done.
     * Opens nothing until its first update.
     */
    public Session session() {
        return new Session();
    }

    /** The record's assignment if it is one of {@code policyName}'s; logs undecodable records. */
    static Optional<PolicyAssignment> decode(
            ConsumerRecord<byte[], byte[]> record, String policyName) {
        return decodeAny(record).filter(a -> policyName.equals(a.getPolicyName()));
    }

    /** The record's assignment, of any policy; logs undecodable records. */
    private static Optional<PolicyAssignment> decodeAny(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SERDE.get().decode(record.value()));
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
