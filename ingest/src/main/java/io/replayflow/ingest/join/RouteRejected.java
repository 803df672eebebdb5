package io.replayflow.ingest.join;

import io.replayflow.ingest.validate.DeadLetters;
import java.time.Clock;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts every record in ({@code join/records_in}) and sends the rejected ones to {@link
 * DeadLetters#TAG}; the rest go on to the join. Stateless; chained to the source.
 */
public final class RouteRejected extends ProcessFunction<SessionEvent, SessionEvent> {

    private static final long serialVersionUID = 1L;

    private final Clock clock;

    private transient DeadLetters deadLetters;
    private transient Counter recordsIn;

    public RouteRejected(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup join = JoinMetrics.group(getRuntimeContext().getMetricGroup());
        deadLetters = DeadLetters.inGroup(join);
        recordsIn = join.counter(JoinMetrics.RECORDS_IN);
    }

    @Override
    public void processElement(SessionEvent e, Context ctx, Collector<SessionEvent> out) {
        recordsIn.inc();
        if (e.kind == SessionEvent.Kind.REJECTED) {
            ctx.output(DeadLetters.TAG, deadLetters.of(e.source, e.rejection(), clock.millis()));
        } else {
            out.collect(e);
        }
    }
}
