package io.replayflow.replay.testing;

import java.time.Duration;

/** Waits for a condition in an integration test, with a message when it never holds. */
public final class Poll {

    private Poll() {}

    /**
     * Polls {@code condition} every 200 ms until true, or fails with {@code what} after timeout.
     */
    public static void until(String what, Duration timeout, CheckedSupplier<Boolean> condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        AssertionError failure = new AssertionError("timed out after " + timeout + ": " + what);
        if (last != null) {
            failure.initCause(last);
        }
        throw failure;
    }

    /** A supplier that may throw. */
    @FunctionalInterface
    public interface CheckedSupplier<T> {
        T get() throws Exception;
    }
}
