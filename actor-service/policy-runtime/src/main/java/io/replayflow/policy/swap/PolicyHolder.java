package io.replayflow.policy.swap;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One reader's current policy (an actor's, the replay scorer's), swapped atomically between two
 * uses and, through {@link #offer}, never to an older version.
 *
 * <pre>{@code
 * PolicyRef ref = holder.acquire();          // once per vector step
 * try {
 *     ref.policy().act(obs, n, actions, probs);
 * } finally {
 *     ref.release();
 * }
 * }</pre>
 *
 * <p>The holder keeps one reference to its current policy. {@link #offer} installs a strictly newer
 * version and releases the old one, which closes when the last in-flight {@link #acquire} of it is
 * released. So a vector step acts entirely with one version, and the version recorded in each
 * transition is the one that chose its action.
 *
 * <p>Thread-safe: a user thread acquires (an actor), a follower offers. {@link #acquire} is
 * lock-free (a CAS on the reference count); {@link #offer} is serialised.
 */
public final class PolicyHolder implements AutoCloseable {
    private final AtomicReference<PolicyRef> current;

    /**
     * @param initial the first policy, usually version 0 (random); the holder takes over the
     *     caller's reference
     */
    public PolicyHolder(PolicyRef initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** The current policy with one reference taken for the caller, who must release it. */
    public PolicyRef acquire() {
        while (true) {
            PolicyRef ref = current.get();
            if (ref == null) {
                throw new IllegalStateException("the policy holder is closed");
            }
            if (ref.tryRetain()) {
                return ref;
            }
            // Swapped out and closed between get() and tryRetain(): read the new one.
        }
    }

    /** The version the next {@link #acquire} returns. */
    public long version() {
        PolicyRef ref = current.get();
        return ref == null ? -1 : ref.version();
    }

    /**
     * Installs {@code next} if its version is strictly newer than the current one. On success the
     * holder takes a reference of its own (the caller keeps its reference).
     *
     * @return true when installed; false when {@code next} is not newer (nothing changes)
     */
    public synchronized boolean offer(PolicyRef next) {
        Objects.requireNonNull(next, "next");
        if (next.version() <= openRef().version()) {
            return false;
        }
        replace(next);
        return true;
    }

    /**
     * Installs {@code next} whatever its version, for a caller that orders versions itself (the
     * replay scorer follows several policy names, each with its own versions). The holder takes a
     * reference of its own (the caller keeps its reference); the old policy closes once no call
     * uses it.
     */
    public synchronized void replace(PolicyRef next) {
        Objects.requireNonNull(next, "next");
        PolicyRef old = openRef();
        if (!next.tryRetain()) {
            throw new IllegalStateException("offered policy v" + next.version() + " is closed");
        }
        current.set(next);
        old.release();
    }

    private PolicyRef openRef() {
        PolicyRef ref = current.get();
        if (ref == null) {
            throw new IllegalStateException("the policy holder is closed");
        }
        return ref;
    }

    /** Releases the holder's reference; the policy closes once no call uses it. */
    @Override
    public synchronized void close() {
        PolicyRef old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }
}
