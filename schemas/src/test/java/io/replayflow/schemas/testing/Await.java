package io.replayflow.schemas.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Polls a condition every 200 ms until it holds or a deadline passes; the shared polling helper of
 * every module's tests (schemas' test-jar).
 *
 * <pre>{@code
 * Await.until("the first records committed", Duration.ofSeconds(60), () -> log.count() > 0);
 * }</pre>
 */
public final class Await {

    private Await() {}

    public static void until(String what, Duration timeout, Callable<Boolean> condition)
            throws Exception {
        until(what, timeout, condition, () -> "");
    }

    /**
     * As {@link #until(String, Duration, Callable)}; {@code state} describes what was seen last.
     */
    public static void until(
            String what, Duration timeout, Callable<Boolean> condition, Callable<String> state)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        String seen;
        try {
            seen = state.call();
        } catch (Exception e) {
            seen = "(" + e + ")";
        }
        AssertionError error =
                new AssertionError(
                        "timed out after "
                                + timeout
                                + " waiting for "
                                + what
                                + "; last seen: "
                                + seen);
        if (last != null) {
            error.initCause(last);
        }
        throw error;
    }
}
