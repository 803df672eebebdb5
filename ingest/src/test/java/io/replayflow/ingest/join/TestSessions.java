package io.replayflow.ingest.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestKafka;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sessions as the decision service logs them, and the transitions they must become. Session {@code
 * i} makes {@code length} decisions 100 ms apart; decision {@code j} gets no reward ({@code j % 3
 * == 0}), one reward of 1 ({@code j % 3 == 1}), or rewards 0.5 and 0.25 with the first resent under
 * its id ({@code j % 3 == 2}). Even sessions end terminated with a final obs; sessions {@code i % 4
 * == 1} end truncated without one; sessions {@code i % 4 == 3} never end (the idle timeout
 * truncates them). Records are produced in event-time order, each keyed by its session.
 */
final class TestSessions {

    static final long HORIZON_MS = 500;
    static final String ENV = "CartPole-v1";
    static final String ACTOR = "serve-it";

    private final String prefix;
    private final int count;
    private final int length;
    private final long base = System.currentTimeMillis() - 60_000;

    private record Timed(long time, String topic, String session, byte[] value) {}

    TestSessions(String prefix, int count, int length) {
        this.prefix = prefix;
        this.count = count;
        this.length = length;
    }

    int decisionCount() {
        return count * length;
    }

    String session(int i) {
        return prefix + "-s" + i;
    }

    String decisionId(int i, int j) {
        return session(i) + "-d" + j;
    }

    long time(int i, int j) {
        return base + j * 100L + i * 7L;
    }

    static float[] obs(int i, int j) {
        return new float[] {i, j, 0.5f, -0.5f};
    }

    static float[] finalObs(int i) {
        return new float[] {i, -1f, -1f, -1f};
    }

    static int action(int j) {
        return j % 2;
    }

    static float probability(int i, int j) {
        return 0.5f + 0.01f * ((i + j) % 40);
    }

    static float expectedReward(int j) {
        return switch (j % 3) {
            case 1 -> 1f;
            case 2 -> 0.75f;
            default -> 0f;
        };
    }

    void produce(TestKafka kafka, Topics topics) throws Exception {
        send(kafka, records(topics, 0, length, true));
    }

    void produceFirstHalf(TestKafka kafka, Topics topics) throws Exception {
        send(kafka, records(topics, 0, length / 2, false));
    }

    void produceSecondHalf(TestKafka kafka, Topics topics) throws Exception {
        send(kafka, records(topics, length / 2, length, true));
    }

    /** Resends the first reward of every {@code j % 3 == 1} decision of the second half. */
    void resendSomeRewards(TestKafka kafka, Topics topics) throws Exception {
        List<Timed> resent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            for (int j = length / 2; j < length; j++) {
                if (j % 3 == 1) {
                    resent.add(reward(topics, i, j, 50, 1f, "r1"));
                }
            }
        }
        send(kafka, resent);
    }

    private List<Timed> records(Topics topics, int from, int to, boolean ends) {
        List<Timed> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            for (int j = from; j < to; j++) {
                all.add(
                        new Timed(
                                time(i, j),
                                topics.decisions(),
                                session(i),
                                SessionContracts.decision(
                                        session(i),
                                        decisionId(i, j),
                                        time(i, j),
                                        ENV,
                                        ACTOR,
                                        obs(i, j),
                                        action(j),
                                        probability(i, j),
                                        7L)));
                if (j % 3 == 1) {
                    all.add(reward(topics, i, j, 50, 1f, "r1"));
                } else if (j % 3 == 2) {
                    all.add(reward(topics, i, j, 60, 0.5f, "r1"));
                    all.add(reward(topics, i, j, HORIZON_MS - 1, 0.25f, "r2"));
                    all.add(reward(topics, i, j, 80, 0.5f, "r1")); // a resend
                }
            }
            if (ends && i % 4 != 3) {
                long t = time(i, length - 1) + 30;
                boolean terminated = i % 2 == 0;
                all.add(
                        new Timed(
                                t,
                                topics.outcomes(),
                                session(i),
                                SessionContracts.end(
                                        session(i),
                                        t,
                                        terminated ? finalObs(i) : null,
                                        terminated,
                                        !terminated)));
            }
        }
        all.sort(Comparator.comparingLong(Timed::time));
        return all;
    }

    private Timed reward(Topics topics, int i, int j, long delay, float r, String rewardId) {
        long t = time(i, j) + delay;
        return new Timed(
                t,
                topics.outcomes(),
                session(i),
                SessionContracts.reward(
                        session(i), decisionId(i, j), t, r, decisionId(i, j) + "/" + rewardId));
    }

    /** A reward for a decision id the session never had. */
    byte[] unknownDecisionReward(String session) {
        return SessionContracts.reward(session, session + "-nope", base + 200, 1f, "x");
    }

    /** A reward for decision 0 of {@code session}, later than the horizon. */
    byte[] lateReward(String session) {
        return SessionContracts.reward(
                session, session + "-d0", base + HORIZON_MS + 300, 1f, "late");
    }

    /** Sends in order and fails when the broker did not take every record. */
    private static void send(TestKafka kafka, List<Timed> records) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Timed r : records) {
            sent.add(
                    kafka.sendAsync(
                            r.topic(), r.session().getBytes(StandardCharsets.UTF_8), r.value()));
        }
        kafka.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get(); // done after flush; throws the send's failure instead of losing the record
        }
    }

    /** Every decision of these sessions is in {@code joined}, as the join must build it. */
    void assertJoined(Map<String, Transition> joined) {
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < length; j++) {
                String id = ACTOR + "/" + session(i) + "/" + j;
                Transition t = joined.get(id);
                assertThat(t).as("the transition of %s", id).isNotNull();
                boolean last = j == length - 1;
                boolean terminated = last && i % 2 == 0;
                float[] next = !last ? obs(i, j + 1) : terminated ? finalObs(i) : obs(i, j);
                assertThat(t.getEnvId().toString()).isEqualTo(ENV);
                assertThat(t.getEventTimeMs()).isEqualTo(time(i, j));
                assertThat(t.getObs()).as(id).containsExactly(box(obs(i, j)));
                assertThat(t.getNextObs()).as(id).containsExactly(box(next));
                assertThat(t.getAction()).isEqualTo(action(j));
                assertThat(t.getReward()).as("reward of %s", id).isEqualTo(expectedReward(j));
                assertThat(t.getBehaviorProb()).isEqualTo(probability(i, j));
                assertThat(t.getPolicyVersion()).isEqualTo(7L);
                assertThat(t.getTerminated()).as("terminated %s", id).isEqualTo(terminated);
                assertThat(t.getTruncated()).as("truncated %s", id).isEqualTo(last && !terminated);
            }
        }
    }

    private static Float[] box(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int k = 0; k < values.length; k++) {
            boxed[k] = values[k];
        }
        return boxed;
    }
}
