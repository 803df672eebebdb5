package io.replayflow.ingest.bench;

import io.replayflow.ingest.join.SessionEvent;
import io.replayflow.ingest.join.SessionJoiner;
import io.replayflow.schemas.avro.Transition;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Measures what the join keeps per open session (hashmap state backend): N sessions, each with
 * {@code decisions} CartPole decisions still inside their reward horizon and one reward (with a
 * reward id) per decision, no watermark, so nothing leaves. Prints heap bytes per session (used
 * heap after GC, before and after) and checkpoint bytes per session (the size of a full snapshot).
 * Arguments: {@code [sessions] [decisions]}; the harness keeps its snapshot in memory (at most 5
 * MB), so keep sessions × state under that (8,000 × 1). Run with a fixed heap and -XX:+UseSerialGC.
 */
public final class JoinStateSizeProbe {

    private static final long T0 = 1_700_000_000_000L;

    private JoinStateSizeProbe() {}

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 8_000;
        int decisions = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        try (KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, Transition> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new SessionJoiner(
                                        Duration.ofMinutes(1),
                                        Duration.ofMinutes(10),
                                        Duration.ofHours(1))),
                        e -> e.sessionId,
                        Types.STRING)) {
            harness.open();
            long before = usedAfterGc();
            for (int s = 0; s < sessions; s++) {
                String session = "9b2f6c1e-" + String.format("%08d", s) + "-4a7e-b1c3-5d2e";
                for (int d = 0; d < decisions; d++) {
                    String id = session + "-" + d;
                    long t = T0 + s + d * 20L;
                    float[] obs = {0.01f * d, -0.02f, 0.03f, 0.04f};
                    harness.processElement(
                            new StreamRecord<>(
                                    SessionEvent.decision(
                                            session,
                                            id,
                                            t,
                                            "CartPole-v1",
                                            "serve-0",
                                            obs,
                                            d % 2,
                                            0.5f,
                                            3L,
                                            d),
                                    t));
                    harness.processElement(
                            new StreamRecord<>(
                                    SessionEvent.reward(session, id, t + 5, 1f, "r-" + id), t + 5));
                }
            }
            long after = usedAfterGc();
            System.out.printf(
                    "%,d sessions x %d open decisions: %.0f bytes of heap per session%n",
                    sessions, decisions, (double) (after - before) / sessions);
            // The harness keeps snapshots in memory (5 MB at most): size the run below that.
            OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
            System.out.printf(
                    "%.0f bytes in a checkpoint per session (timers included)%n",
                    (double) snapshot.getStateSize() / sessions);
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
