package io.replayflow.ingest.join;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Per-session bookkeeping of {@link SessionJoiner}: the next step index, the session's end once it
 * has arrived, and the times that drive its timers. Flink POJO state.
 */
public class SessionMeta {

    public static final TypeInformation<SessionMeta> TYPE = Types.POJO(SessionMeta.class);

    /** Step of the next transition: how many of the session's decisions were emitted. */
    public long nextStep;

    /** Event time of the last emitted decision; Long.MIN_VALUE before the first. */
    public long lastEmittedTimeMs = Long.MIN_VALUE;

    /** The end call has arrived. */
    public boolean ended;

    public long endTimeMs;
    public float[] finalObs;
    public boolean terminated;
    public boolean truncated;

    /** Every decision is out and the end (or the idle timeout) closed the session. */
    public boolean closed;

    /** Processing time of the last record of the session. */
    public long lastActivityMs;

    /** Processing time of the pending idle or cleanup timer; 0 when none. */
    public long timerAtMs;

    public SessionMeta() {}
}
