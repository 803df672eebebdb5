package io.replayflow.ingest.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.ingest.validate.DeadLetters;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The join operator in Flink's keyed operator test harness, with event-time (watermarks) and
 * processing-time (idle timeout, retention) timers driven by the test. Horizon 1 s, idle timeout 60
 * s, retention 120 s; decisions 100 ms apart from {@link #T0}.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SessionJoinerTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Duration HORIZON = Duration.ofSeconds(1);
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Duration RETENTION = Duration.ofSeconds(120);
    private static final AtomicLong OFFSETS = new AtomicLong();

    private KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, Transition> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aDecisionWaitsForItsSuccessorAndItsHorizonThenCarriesTheSuccessorsObs() throws Exception {
        process(decision("s", "d0", 0, 1f));
        process(decision("s", "d1", 100, 2f));
        watermark(T0 + 999); // successor here, horizon of d0 not yet passed
        assertThat(transitions()).isEmpty();

        watermark(T0 + 1_000);

        assertThat(transitions()).hasSize(1);
        Transition t = transitions().get(0);
        assertThat(t.getEpisodeId()).isEqualTo("s");
        assertThat(t.getStep()).isZero();
        assertThat(t.getObs()).containsExactly(1f, 1f, 1f, 1f);
        assertThat(t.getNextObs()).containsExactly(2f, 2f, 2f, 2f);
        assertThat(t.getAction()).isEqualTo(1);
        assertThat(t.getBehaviorProb()).isEqualTo(0.5f);
        assertThat(t.getPolicyVersion()).isEqualTo(3L);
        assertThat(t.getReward()).isZero();
        assertThat(t.getTerminated()).isFalse();
        assertThat(t.getTruncated()).isFalse();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void severalRewardsAddUpAndAResentRewardIdCountsOnce() throws Exception {
        process(decision("s", "d0", 0, 1f));
        process(reward("s", "d0", 10, 1.5f, "r1"));
        process(reward("s", "d0", 20, 2f, "r2"));
        process(reward("s", "d0", 30, 1.5f, "r1")); // resent
        process(reward("s", "d0", 40, 0.25f, null)); // no id: always counts
        process(end("s", 50, new float[] {9, 9, 9, 9}, true));
        watermark(T0 + 1_000);

        assertThat(transitions())
                .singleElement()
                .satisfies(
                        t -> {
                            assertThat(t.getReward()).isEqualTo(3.75f);
                            assertThat(t.getTerminated()).isTrue();
                            assertThat(t.getTruncated()).isFalse();
                            assertThat(t.getNextObs()).containsExactly(9f, 9f, 9f, 9f);
                        });
        assertThat(deadLetters()).isEmpty();
        // the resent id is still remembered after the decision is joined
        process(reward("s", "d0", 60, 1.5f, "r2"));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aRewardAfterTheHorizonIsDeadLetteredAndNotCounted() throws Exception {
        process(decision("s", "d0", 0, 1f));
        process(reward("s", "d0", 1_001, 5f, "late"));
        process(reward("s", "d0", 1_000, 1f, "on-time"));
        process(end("s", 200, null, false));
        watermark(T0 + 1_000);

        assertThat(transitions()).singleElement().extracting(Transition::getReward).isEqualTo(1f);
        assertThat(reasons()).containsExactly("REWARD_AFTER_HORIZON");
        assertThat(deadLetters().get(0).getMessage()).contains("join.reward-horizon");
        // after the join, a new reward for the decision is also late
        process(reward("s", "d0", 500, 1f, "after-join"));
        assertThat(reasons()).containsExactly("REWARD_AFTER_HORIZON", "REWARD_AFTER_HORIZON");
        assertThat(transitions()).hasSize(1);
    }

    @Test
    void anEndWithoutFinalObsUsesTheDecisionsObsAndTruncates() throws Exception {
        process(decision("s", "d0", 0, 1f));
        process(decision("s", "d1", 100, 2f));
        process(end("s", 150, null, false));
        watermark(T0 + 1_100);

        assertThat(transitions()).hasSize(2);
        Transition last = transitions().get(1);
        assertThat(last.getStep()).isEqualTo(1);
        assertThat(last.getNextObs()).containsExactly(2f, 2f, 2f, 2f);
        assertThat(last.getTruncated()).isTrue();
        assertThat(last.getTerminated()).isFalse();
        assertThat(transitions().get(0).getTruncated()).isFalse();
    }

    @Test
    void anIdleSessionIsTruncatedInProcessingTimeAndLaterRewardsAreRefused() throws Exception {
        harness.setProcessingTime(1_000);
        process(decision("s", "d0", 0, 1f));
        process(decision("s", "d1", 100, 2f));
        process(reward("s", "d1", 150, 1f, "r"));
        harness.setProcessingTime(1_000 + IDLE.toMillis() - 1);
        assertThat(transitions()).isEmpty(); // no watermark, not yet idle

        harness.setProcessingTime(1_000 + IDLE.toMillis());

        assertThat(transitions()).hasSize(2);
        Transition last = transitions().get(1);
        assertThat(last.getReward()).isEqualTo(1f);
        assertThat(last.getTruncated()).isTrue();
        assertThat(last.getNextObs()).containsExactly(2f, 2f, 2f, 2f);
        process(reward("s", "d1", 160, 1f, "r2"));
        assertThat(reasons()).containsExactly("REWARD_AFTER_HORIZON");
    }

    @Test
    void recordsArrivingOutOfOrderJoinInEventTimeOrder() throws Exception {
        process(reward("s", "d1", 120, 2f, "r")); // before its decision
        process(end("s", 300, new float[] {7, 7, 7, 7}, true));
        process(decision("s", "d2", 200, 3f));
        process(decision("s", "d0", 0, 1f));
        process(decision("s", "d1", 100, 2f));
        watermark(T0 + 1_200);

        assertThat(transitions())
                .extracting(Transition::getStep, Transition::getReward, Transition::getTerminated)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, 0f, false),
                        org.assertj.core.groups.Tuple.tuple(1L, 2f, false),
                        org.assertj.core.groups.Tuple.tuple(2L, 0f, true));
        assertThat(transitions().get(0).getNextObs()).containsExactly(2f, 2f, 2f, 2f);
        assertThat(transitions().get(2).getNextObs()).containsExactly(7f, 7f, 7f, 7f);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aRewardWhoseDecisionNeverArrivesIsDeadLetteredOnceTheWatermarkPassesIt() throws Exception {
        process(decision("s", "d0", 0, 1f));
        process(reward("s", "nope", 50, 1f, "r"));
        watermark(T0 + 49);
        assertThat(deadLetters()).isEmpty();

        watermark(T0 + 50);

        assertThat(reasons()).containsExactly("UNKNOWN_DECISION");
        assertThat(deadLetters().get(0).getMessage()).contains("nope");
        assertThat(new String(deadLetters().get(0).getPayload().array(), StandardCharsets.UTF_8))
                .isEqualTo("reward nope");
    }

    @Test
    void duplicateDecisionsAndEndsAreDroppedAndDecisionsAfterTheEndRefused() throws Exception {
        process(decision("s", "d0", 0, 1f));
        process(decision("s", "d0", 0, 1f));
        process(end("s", 100, null, true));
        process(end("s", 100, null, true));
        process(decision("s", "d1", 200, 2f));
        watermark(T0 + 5_000);
        process(decision("s", "d0", 0, 1f)); // resent after the join

        assertThat(transitions()).hasSize(1);
        assertThat(reasons()).containsExactly("DECISION_AFTER_END");
    }

    @Test
    void aClosedSessionIsForgottenAfterTheRetention() throws Exception {
        harness.setProcessingTime(0);
        process(decision("s", "d0", 0, 1f));
        process(end("s", 10, null, true));
        watermark(T0 + 2_000);
        assertThat(transitions()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.setProcessingTime(IDLE.toMillis()); // the timer finds the session closed
        harness.setProcessingTime(RETENTION.toMillis());

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(transitions()).hasSize(1);
    }

    @Test
    void pendingDecisionsAndRewardIdsSurviveASnapshotAndRestore() throws Exception {
        process(decision("s", "d0", 0, 1f));
        process(reward("s", "d0", 10, 1f, "r1"));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        process(reward("s", "d0", 10, 1f, "r1")); // replayed after the restore
        process(reward("s", "d0", 20, 2f, "r2"));
        process(decision("s", "d1", 100, 2f));
        watermark(T0 + 1_000);

        assertThat(transitions()).singleElement().extracting(Transition::getReward).isEqualTo(3f);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, Transition>
            newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SessionJoiner(HORIZON, IDLE, RETENTION)),
                e -> e.sessionId,
                Types.STRING);
    }

    static SessionEvent decision(String session, String id, long dt, float obs) {
        return SessionEvent.decision(
                        session,
                        id,
                        T0 + dt,
                        "CartPole-v1",
                        "serve-1",
                        new float[] {obs, obs, obs, obs},
                        1,
                        0.5f,
                        3L,
                        dt)
                .from(raw("decision " + id));
    }

    static SessionEvent reward(String session, String id, long dt, float r, String rewardId) {
        return SessionEvent.reward(session, id, T0 + dt, r, rewardId).from(raw("reward " + id));
    }

    static SessionEvent end(String session, long dt, float[] finalObs, boolean terminated) {
        return SessionEvent.end(session, T0 + dt, finalObs, terminated, !terminated)
                .from(raw("end " + session));
    }

    private static RawRecord raw(String text) {
        return new RawRecord(
                "rf.outcomes",
                0,
                OFFSETS.incrementAndGet(),
                T0,
                null,
                text.getBytes(StandardCharsets.UTF_8));
    }

    private void process(SessionEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.eventTimeMs));
    }

    private void watermark(long ms) throws Exception {
        harness.processWatermark(ms);
    }

    private List<Transition> transitions() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        return harness.getSideOutput(DeadLetters.TAG) == null
                ? List.of()
                : harness.getSideOutput(DeadLetters.TAG).stream()
                        .map(StreamRecord::getValue)
                        .toList();
    }

    private List<String> reasons() {
        return deadLetters().stream().map(d -> d.getReason().toString()).toList();
    }
}
