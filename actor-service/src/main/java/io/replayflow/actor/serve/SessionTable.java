package io.replayflow.actor.serve;

import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.swap.PolicyRef;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions this service has decided for and not yet seen end, so that an end call for a session
 * it never saw is refused, and the policy version each session is pinned to once the policy has an
 * assignment. A session silent for longer than the idle timeout is forgotten (the join job
 * truncates it on its own idle timeout) and lets go of its version.
 *
 * <p>Memory: one entry (the id, a {@link Session} of a long and a reference) per open session; a
 * decision for a known session allocates nothing. Thread-safe.
 */
public final class SessionTable {
    private final ConcurrentHashMap<String, Session> open = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final long idleMs;

    public SessionTable(InstantSource clock, Duration idleTimeout) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.idleMs = idleTimeout.toMillis();
    }

    /**
     * One open session: when it was last decided for and, once routed, the version that acts for it
     * to its end (the champion or the canary that {@link PolicyRouter#acquireFor} gave its id).
     *
     * <p>Thread-safe: the batching thread pins and acts, an end call or the idle sweep closes.
     */
    public static final class Session {
        private final String id;
        private volatile long lastSeenMs;
        private PolicyRef pinned;
        private boolean closed;

        private Session(String id, long now) {
            this.id = id;
            this.lastSeenMs = now;
        }

        public String id() {
            return id;
        }

        /**
         * The version this session acts with, with one reference taken for the caller, who releases
         * it once the decision is chosen. The first call pins the version {@code router} gives the
         * session's id; later calls return the same one, whatever the router holds by then. A
         * session already closed (ended while a decision was in flight) gets the router's version
         * for this one decision, unpinned.
         *
         * @throws IllegalStateException when the router has no assignment
         */
        public synchronized PolicyRef acquire(PolicyRouter router) {
            if (closed) {
                return router.acquireFor(id);
            }
            if (pinned == null) {
                pinned = router.acquireFor(id);
            }
            if (!pinned.tryRetain()) {
                throw new IllegalStateException("pinned policy v" + pinned.version() + " closed");
            }
            return pinned;
        }

        /** The version pinned, or -1 before the session was routed. */
        public synchronized long pinnedVersion() {
            return pinned == null ? -1 : pinned.version();
        }

        private synchronized void close() {
            closed = true;
            if (pinned != null) {
                pinned.release();
                pinned = null;
            }
        }
    }

    /** Notes a decision for {@code sessionId}; returns its session, opened if new. */
    public Session touch(String sessionId) {
        long now = clock.millis();
        Session session = open.get(sessionId);
        if (session == null) {
            session = open.computeIfAbsent(sessionId, id -> new Session(id, now));
        }
        session.lastSeenMs = now;
        return session;
    }

    /**
     * Ends {@code sessionId}; its pinned version is let go.
     *
     * @return false when the session is unknown (never decided for, already ended, or idle past the
     *     timeout)
     */
    public boolean end(String sessionId) {
        Session session = open.remove(sessionId);
        if (session == null) {
            return false;
        }
        session.close();
        return clock.millis() - session.lastSeenMs <= idleMs;
    }

    /** Forgets sessions idle past the timeout, letting go of their versions; returns how many. */
    public int expire() {
        long cutoff = clock.millis() - idleMs;
        int[] expired = {0};
        open.values()
                .removeIf(
                        s -> {
                            if (s.lastSeenMs >= cutoff) {
                                return false;
                            }
                            s.close();
                            expired[0]++;
                            return true;
                        });
        return expired[0];
    }

    /** Forgets every session (the service is closing), letting go of their versions. */
    public void clear() {
        open.values()
                .removeIf(
                        s -> {
                            s.close();
                            return true;
                        });
    }

    public int open() {
        return open.size();
    }
}
