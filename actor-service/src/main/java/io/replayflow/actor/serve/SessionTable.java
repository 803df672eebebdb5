package io.replayflow.actor.serve;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions this service has decided for and not yet seen end, so that an end call for a session
 * it never saw is refused. A session silent for longer than the idle timeout is forgotten (the join
 * job truncates it on its own idle timeout).
 *
 * <p>Memory: one entry (the id and a long) per open session. Thread-safe.
 */
public final class SessionTable {
    private final ConcurrentHashMap<String, Long> lastSeenMs = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final long idleMs;

    public SessionTable(InstantSource clock, Duration idleTimeout) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.idleMs = idleTimeout.toMillis();
    }

    /** Notes a decision for {@code sessionId}. */
    public void touch(String sessionId) {
        lastSeenMs.put(sessionId, clock.millis());
    }

    /**
     * Ends {@code sessionId}.
     *
     * @return false when the session is unknown (never decided for, already ended, or idle past the
     *     timeout)
     */
    public boolean end(String sessionId) {
        Long seen = lastSeenMs.remove(sessionId);
        return seen != null && clock.millis() - seen <= idleMs;
    }

    /** Forgets sessions idle past the timeout; returns how many. */
    public int expire() {
        long cutoff = clock.millis() - idleMs;
        int before = lastSeenMs.size();
        lastSeenMs.values().removeIf(seen -> seen < cutoff);
        return before - lastSeenMs.size();
    }

    public int open() {
        return lastSeenMs.size();
    }
}
