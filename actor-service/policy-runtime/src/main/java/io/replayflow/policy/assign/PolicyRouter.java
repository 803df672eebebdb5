package io.replayflow.policy.assign;

import io.replayflow.policy.swap.PolicyRef;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The versions a policy's assignment puts to work, shared by every actor (or decision batcher) of a
 * process: a champion, optionally a canary and its share. {@link #acquireFor} hands out the version
 * an episode or session acts with, chosen by {@link CanarySplit}; the caller keeps that reference
 * until the episode ends, so an episode is acted by one version from start to end even when a
 * rollback replaces the routing meanwhile (the replaced model closes when its last episode lets
 * go).
 *
 * <p>Before the first {@link #install} the router is unassigned: readers act as they did before
 * assignments existed (their {@link io.replayflow.policy.swap.PolicyHolder}'s newest version).
 *
 * <p>Thread-safe: {@link #acquireFor} is lock-free (a CAS on the chosen reference's count, retried
 * if a concurrent install closed it), {@link #install} is serialised.
 */
public final class PolicyRouter implements AutoCloseable {

    /**
     * One assignment's loaded versions.
     *
     * @param canary null when there is none
     * @param share the canary's share of episodes, in (0, 1) with a canary, 0 without
     * @param sequence the assignment's sequence number
     */
    public record Routing(PolicyRef champion, PolicyRef canary, double share, long sequence) {
        public Routing {
            Objects.requireNonNull(champion, "champion");
            if (canary == null ? share != 0.0 : !(share > 0.0 && share < 1.0)) {
                throw new IllegalArgumentException(
                        "canary share must be in (0, 1) with a canary and 0 without; got " + share);
            }
        }

        /** The version {@code id}'s episode or session acts with. */
        public PolicyRef pick(String id) {
            return canary != null && CanarySplit.toCanary(id, share) ? canary : champion;
        }
    }

    private final AtomicReference<Routing> current = new AtomicReference<>();
    private boolean closed;

    /** Whether an assignment has been installed. */
    public boolean assigned() {
        return current.get() != null;
    }

    /** The installed routing, or null before the first assignment. */
    public Routing routing() {
        return current.get();
    }

    /**
     * The version for the episode or session {@code id}, with one reference taken for the caller,
     * who releases it when the episode ends.
     *
     * @throws IllegalStateException when nothing is assigned (check {@link #assigned()} first)
     */
    public PolicyRef acquireFor(String id) {
        while (true) {
            Routing routing = current.get();
            if (routing == null) {
                throw new IllegalStateException(
                        "no assignment installed: act with the holder's newest version");
            }
            PolicyRef ref = routing.pick(id);
            if (ref.tryRetain()) {
                return ref;
            }
            // A concurrent install released this routing's last reference: read the new one.
        }
    }

    /**
     * The champion, with one reference taken for the caller: for an episode whose own version could
     * not act (its caller saw inference with it throw), which finishes on the champion.
     *
     * @throws IllegalStateException when nothing is assigned
     */
    public PolicyRef acquireChampion() {
        while (true) {
            Routing routing = current.get();
            if (routing == null) {
                throw new IllegalStateException(
                        "no assignment installed: act with the holder's newest version");
            }
            if (routing.champion().tryRetain()) {
                return routing.champion();
            }
        }
    }

    /**
     * Puts {@code next} to work for episodes that start from now on. The router takes references of
     * its own (the caller keeps its references) and releases the previous routing's.
     */
    public synchronized void install(Routing next) {
        Objects.requireNonNull(next, "next");
        if (closed) {
            throw new IllegalStateException("the policy router is closed");
        }
        retain(next.champion());
        if (next.canary() != null) {
            retain(next.canary());
        }
        release(current.getAndSet(next));
    }

    private static void retain(PolicyRef ref) {
        if (!ref.tryRetain()) {
            throw new IllegalStateException("assigned policy v" + ref.version() + " is closed");
        }
    }

    private static void release(Routing routing) {
        if (routing != null) {
            routing.champion().release();
            if (routing.canary() != null) {
                routing.canary().release();
            }
        }
    }

    /** Releases the router's references; each model closes once no episode uses it. */
    @Override
    public synchronized void close() {
        closed = true;
        release(current.getAndSet(null));
    }
}
