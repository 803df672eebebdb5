package io.replayflow.policy.swap;

import io.replayflow.policy.Policy;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Policy} with a reference count: the policy is closed when the last reference is
 * released, so a model swapped out while an actor is still inside {@link Policy#act} stays open
 * until that call returns.
 *
 * <p>Whoever creates a ref owns its first reference; every {@link PolicyHolder} holding it and
 * every in-flight act holds one more. Thread-safe, lock-free.
 */
public final class PolicyRef {
    private final Policy policy;
    private final AtomicInteger references = new AtomicInteger(1);

    private PolicyRef(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Wraps {@code policy}; the caller owns the one reference and must {@link #release()} it. */
    public static PolicyRef of(Policy policy) {
        return new PolicyRef(policy);
    }

    public Policy policy() {
        return policy;
    }

    public long version() {
        return policy.version();
    }

    /**
     * Takes one more reference unless the policy is already closed.
     *
     * @return false when the count had reached 0 (the policy is closed or closing)
     */
    public boolean tryRetain() {
        for (int n = references.get(); n > 0; n = references.get()) {
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops one reference; the last one closes the policy. */
    public void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            policy.close();
        } else if (left < 0) {
            throw new IllegalStateException(
                    "policy v" + policy.version() + " released more often than retained");
        }
    }

    /** Current reference count (for tests and diagnostics). */
    public int references() {
        return references.get();
    }

    @Override
    public String toString() {
        return "PolicyRef[" + policy + ", refs=" + references.get() + "]";
    }
}
