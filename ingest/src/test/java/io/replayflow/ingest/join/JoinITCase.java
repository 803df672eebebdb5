package io.replayflow.ingest.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestJob;
import io.replayflow.ingest.testing.ParquetLogReader;
import io.replayflow.ingest.testing.TestKafka;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join job on a real Kafka broker and a Flink MiniCluster (one of each for the class):
 * decisions and outcomes produced as the decision service logs them become exactly one transition
 * per decision on {@code rf.transitions} (read_committed), with its rewards summed once; refusals
 * land on the DLQ with their reasons; the ingest job then logs the joined transitions to Parquet.
 * The fault cases fail the job mid-stream (restart from the last checkpoint) or stop it with a
 * savepoint and restart it, and still every decision becomes exactly one transition.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JoinITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final SingleObjectSerde<Transition> TRANSITIONS =
            SingleObjectSerde.forClass(Transition.class);
    private static final SingleObjectSerde<DeadLetter> DEAD_LETTERS =
            SingleObjectSerde.forClass(DeadLetter.class);

    /** Records left before {@link FailOnce} throws; 0 when disarmed. */
    private static final AtomicInteger COUNTDOWN = new AtomicInteger();

    private static final AtomicInteger FAILURES = new AtomicInteger();

    private static LocalStack stack;

    @TempDir Path dataRoot;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startStack() {
        // 4 slots: the join (parallelism 2) and the ingest job (parallelism 2) side by side
        stack = LocalStack.builder().partitions(2).slotsPerTaskManager(4).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void decisionsAndOutcomesBecomeOneTransitionEachAndIngestLogsThem() throws Exception {
        Topics topics = createTopics("it-join.");
        JoinConfig config = config(topics, "it-join");
        Configuration noRestart = new Configuration();
        noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient join = JoinJob.start(stack.executionEnvironment(noRestart), config);
        JobClient ingest = IngestJob.start(stack.executionEnvironment(noRestart), ingest(topics));
        ParquetLogReader log = new ParquetLogReader(dataRoot);
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            TestSessions sessions = new TestSessions("a", 12, 15);
            sessions.produce(kafka, topics);
            // refusals: a reward for a decision that never existed, one long after its decision,
            // and bytes that are no record at all
            kafka.send(topics.outcomes(), key("a-s0"), sessions.unknownDecisionReward("a-s0"));
            kafka.send(topics.outcomes(), key("a-s1"), sessions.lateReward("a-s1"));
            kafka.send(topics.decisions(), key("x"), "not avro".getBytes(StandardCharsets.UTF_8));

            Map<String, Transition> joined = awaitTransitions(topics, sessions.decisionCount());
            sessions.assertJoined(joined);
            Await.until(
                    "the three refusals on the DLQ",
                    DEADLINE,
                    () -> reasons(topics).size() >= 3,
                    () -> "reasons " + reasons(topics));
            assertThat(reasons(topics))
                    .containsExactlyInAnyOrder(
                            "UNKNOWN_DECISION", "REWARD_AFTER_HORIZON", "BAD_MARKER");

            Await.until(
                    "the joined transitions in the Parquet log",
                    DEADLINE,
                    () -> log.count() >= sessions.decisionCount(),
                    () -> "log rows " + log.count());
            assertThat(log.identities())
                    .containsExactlyInAnyOrderElementsOf(
                            joined.values().stream().map(JoinITCase::identity).toList());
        } finally {
            join.cancel().get(60, TimeUnit.SECONDS);
            ingest.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void afterAFailureMidStreamEveryDecisionBecomesExactlyOneTransition() throws Exception {
        Topics topics = createTopics("it-join-fail.");
        JoinConfig config = config(topics, "it-join-fail");
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restarts.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = stack.executionEnvironment(restarts);
        JoinJob.configure(env, config);
        JoinJob.attachSinks(
                JoinPipeline.build(
                        JoinJob.readSessions(env, config)
                                .map(new FailOnce())
                                .returns(SessionEvent.TYPE)
                                .uid("it-fail-once"),
                        config),
                config);
        COUNTDOWN.set(0);
        FAILURES.set(0);
        JobClient job = env.executeAsync("it-join-fail");
        Configuration noRestart = new Configuration();
        noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient ingest = IngestJob.start(stack.executionEnvironment(noRestart), ingest(topics));
        ParquetLogReader log = new ParquetLogReader(dataRoot);
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            TestSessions first = new TestSessions("a", 10, 15);
            first.produce(kafka, topics);
            Await.until(
                    "the first transitions committed",
                    DEADLINE,
                    () -> !transitions(topics).isEmpty());

            COUNTDOWN.set(300);
            TestSessions second = new TestSessions("b", 10, 15);
            second.produce(kafka, topics);
            Await.until("the injected failure", DEADLINE, () -> FAILURES.get() == 1);

            Map<String, Transition> joined =
                    awaitTransitions(topics, first.decisionCount() + second.decisionCount());
            first.assertJoined(joined);
            second.assertJoined(joined);
            // and on through ingest: DuckDB finds each decision exactly once in the Parquet log
            Await.until(
                    "the joined transitions in the Parquet log",
                    DEADLINE,
                    () -> log.count() >= joined.size(),
                    () -> "log rows " + log.count());
            assertThat(log.identities()).containsExactlyInAnyOrderElementsOf(joined.keySet());
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            ingest.cancel().get(60, TimeUnit.SECONDS);
        }
        assertThat(FAILURES).hasValue(1);
    }

    @Test
    void stopWithSavepointMidSessionAndRestartJoinsEveryDecisionOnce() throws Exception {
        Topics topics = createTopics("it-join-sp.");
        // idle timeout longer than the stop, savepoint and restart: no session closes in between
        JoinConfig config = config(topics, "it-join-sp", "30 s");
        Configuration noRestart = new Configuration();
        noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        TestSessions sessions = new TestSessions("c", 10, 16);
        String savepoint;
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            JobClient job = JoinJob.start(stack.executionEnvironment(noRestart), config);
            sessions.produceFirstHalf(kafka, topics);
            Await.until(
                    "some transitions committed", DEADLINE, () -> !transitions(topics).isEmpty());
            savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    stack.dataDir().resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);
            sessions.produceSecondHalf(kafka, topics);
            sessions.resendSomeRewards(kafka, topics); // a client retrying: counted once
        }
        Configuration restore = new Configuration(noRestart);
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient restarted = JoinJob.start(stack.executionEnvironment(restore), config);
        try {
            sessions.assertJoined(awaitTransitions(topics, sessions.decisionCount()));
        } finally {
            restarted.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 19's fault drill: the TaskManager running the join and the ingest job is terminated
     * while sessions are half-way (their pending decisions and rewards only in the join's state and
     * its last checkpoint); a fresh TaskManager takes over, both jobs restart from their
     * checkpoints, and the rest of the sessions arrive. Every decision with its rewards is exactly
     * one transition on the topic (read committed) and exactly one row of the Parquet log.
     */
    @Test
    void aTaskManagerKilledMidStreamLosesNoDecisionAndDuplicatesNone() throws Exception {
        Topics topics = createTopics("it-join-tm.");
        JoinConfig config = config(topics, "it-join-tm", "30 s");
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        restarts.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        JobClient job = JoinJob.start(stack.executionEnvironment(restarts), config);
        JobClient ingest = IngestJob.start(stack.executionEnvironment(restarts), ingest(topics));
        ParquetLogReader log = new ParquetLogReader(dataRoot);
        TestSessions sessions = new TestSessions("d", 10, 16);
        try (TestKafka kafka = new TestKafka(stack.bootstrapServers())) {
            sessions.produceFirstHalf(kafka, topics);
            Await.until(
                    "some transitions committed", DEADLINE, () -> !transitions(topics).isEmpty());
            int before = transitions(topics).size();
            assertThat(before)
                    .as("sessions still open when the TaskManager dies")
                    .isLessThan(sessions.decisionCount());
            // the class's only TaskManager (index 0; no other test stops one)
            stack.miniCluster().terminateTaskManager(0).get(60, TimeUnit.SECONDS);
            stack.miniCluster().startTaskManager();
            sessions.produceSecondHalf(kafka, topics);

            Map<String, Transition> joined = awaitTransitions(topics, sessions.decisionCount());
            sessions.assertJoined(joined);
            Await.until(
                    "the joined transitions in the Parquet log",
                    DEADLINE,
                    () -> log.count() >= joined.size(),
                    () -> "log rows " + log.count());
            assertThat(log.identities()).containsExactlyInAnyOrderElementsOf(joined.keySet());
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            ingest.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until {@code count} transitions are committed, then a little longer for any extra one,
     * and returns them by identity; fails on a second copy of any identity.
     */
    private static Map<String, Transition> awaitTransitions(Topics topics, int count)
            throws Exception {
        Await.until(
                count + " transitions on " + topics.transitions(),
                DEADLINE,
                () -> transitions(topics).size() >= count,
                () -> "transitions " + transitions(topics).size() + " of " + count);
        Thread.sleep(3_000); // two more checkpoints: a duplicate would show by now
        List<Transition> all = transitions(topics);
        Map<String, Transition> byId = new TreeMap<>();
        for (Transition t : all) {
            assertThat(byId.put(identity(t), t)).as("a second copy of %s", identity(t)).isNull();
        }
        assertThat(all).hasSize(count);
        return byId;
    }

    private static List<Transition> transitions(Topics topics) throws Exception {
        List<Transition> all = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TestKafka.readAll(stack.bootstrapServers(), topics.transitions())) {
            all.add(TRANSITIONS.decode(r.value()));
        }
        return all;
    }

    private static List<String> reasons(Topics topics) throws Exception {
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TestKafka.readAll(stack.bootstrapServers(), topics.deadLetters())) {
            reasons.add(DEAD_LETTERS.decode(r.value()).getReason().toString());
        }
        return reasons;
    }

    static String identity(Transition t) {
        return t.getActorId() + "/" + t.getEpisodeId() + "/" + t.getStep();
    }

    private static byte[] key(String session) {
        return session.getBytes(StandardCharsets.UTF_8);
    }

    private JoinConfig config(Topics topics, String name) {
        return config(topics, name, "4 s");
    }

    /**
     * @param idleTimeout processing time: sessions that never end close after it, and so does any
     *     session whose last decisions wait for a watermark that no later record moves
     */
    private JoinConfig config(Topics topics, String name, String idleTimeout) {
        Map<String, String> settings = new HashMap<>();
        settings.put("join.parallelism", "2"); // half the slots: ingest runs beside it
        settings.put("join.kafka.group-id", name);
        settings.put("join.kafka.transactional-id-prefix", name);
        settings.put("join.kafka.starting-offsets", "EARLIEST");
        settings.put("join.checkpoint.interval", "500 ms");
        settings.put("join.reward-horizon", TestSessions.HORIZON_MS + " ms");
        settings.put("join.watermark.out-of-orderness", "200 ms");
        // A partition that goes quiet for this long stops holding the watermark back; on a loaded
        // 2-core machine a restarted source can pause longer than 1 s, and the other partitions'
        // watermark then passed rewards not read yet (seen once: a reward joined as 0).
        settings.put("join.watermark.idleness", "5 s");
        settings.put("join.session.idle-timeout", idleTimeout);
        settings.put("join.session.retention", "1 min");
        return JoinConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .topicPrefix(topics.prefix())
                .setAll(settings)
                .build();
    }

    private IngestConfig ingest(Topics topics) {
        String group = topics.prefix() + "ingest";
        return IngestConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .topicPrefix(topics.prefix())
                .dataRoot(dataRoot.toUri().toString())
                .setAll(
                        Map.of(
                                "kafka.group-id", group,
                                "kafka.transactional-id-prefix", group,
                                "kafka.starting-offsets", "EARLIEST",
                                "ingest.parallelism", "2",
                                "ingest.checkpoint.interval", "1 s",
                                "ingest.log.compaction.max-delay", "2 s"))
                .build();
    }

    private static Topics createTopics(String prefix) throws Exception {
        Topics topics = Topics.withPrefix(prefix);
        List<String> names = new ArrayList<>(topics.all());
        names.addAll(JoinJob.inputTopics(topics));
        TestKafka.createTopics(stack.bootstrapServers(), names.stream().distinct().toList(), 2);
        return topics;
    }

    /** Throws once, when {@link #COUNTDOWN} reaches zero. */
    private static final class FailOnce implements MapFunction<SessionEvent, SessionEvent> {
        @Override
        public SessionEvent map(SessionEvent record) {
            if (COUNTDOWN.get() > 0 && COUNTDOWN.decrementAndGet() == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure mid-stream");
            }
            return record;
        }
    }
}
