package io.replayflow.ingest.join;

import io.replayflow.ingest.internal.AvroTypes;
import io.replayflow.ingest.validate.DeadLetters;
import io.replayflow.schemas.avro.Transition;
import java.time.Clock;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The join dataflow, from the decoded records of {@code rf.decisions} and {@code rf.outcomes} (with
 * event time already assigned, per partition, by the source: {@link #eventTime}) to transitions and
 * dead letters; no sources or sinks here, so a test can feed its own records.
 *
 * <pre>
 * events ─▶ route rejected ─▶ keyBy session_id ─▶ session joiner ─┬─▶ transitions
 *           (chained to source)                                   │
 *           └─▶ dead letters ◀──────────────────────────────────────┘
 * </pre>
 *
 * <p>Every operator has a fixed uid, so savepoints survive changes to the job's code.
 */
public final class JoinPipeline {

    private JoinPipeline() {}

    /**
     * Event time from each record's {@code event_time_ms}, bounded out-of-orderness, idle
     * partitions skipped; give it to the source so each partition has its own watermark.
     */
    public static WatermarkStrategy<SessionEvent> eventTime(JoinConfig config) {
        return WatermarkStrategy.<SessionEvent>forBoundedOutOfOrderness(config.outOfOrderness())
                .withTimestampAssigner((e, kafkaTimestamp) -> e.eventTimeMs)
                .withIdleness(config.idleness());
    }

    /** The dataflow with the system clock stamping dead letters of rejected records. */
    public static JoinStreams build(DataStream<SessionEvent> events, JoinConfig config) {
        return build(events, config, Clock.systemUTC());
    }

    /** The dataflow; {@code clock} stamps the dead letters of rejected records. */
    public static JoinStreams build(
            DataStream<SessionEvent> events, JoinConfig config, Clock clock) {
        SingleOutputStreamOperator<SessionEvent> accepted =
                events.process(new RouteRejected(clock), SessionEvent.TYPE)
                        .name("route rejected records")
                        .uid("join-route-rejected");
        SingleOutputStreamOperator<Transition> joined =
                accepted.keyBy(e -> e.sessionId, Types.STRING)
                        .process(
                                new SessionJoiner(
                                        config.rewardHorizon(),
                                        config.idleTimeout(),
                                        config.retention()),
                                AvroTypes.TRANSITION)
                        .name("join sessions into transitions")
                        .uid("join-sessions");
        return new JoinStreams(
                joined,
                accepted.getSideOutput(DeadLetters.TAG)
                        .union(joined.getSideOutput(DeadLetters.TAG)));
    }
}
