package io.replayflow.cluster.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A point in time to wait until, with a polling helper. */
public final class Deadline {

    private final long deadlineNanos;

    private Deadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    public static Deadline in(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    public boolean passed() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /**
     * Polls {@code condition} every {@code every} until it holds (true) or the deadline passes
     * (false).
     */
    public boolean await(BooleanSupplier condition, Duration every) throws InterruptedException {
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (passed()) {
                return false;
            }
            Thread.sleep(Math.min(every.toMillis(), Math.max(1, remaining().toMillis())));
        }
    }
}
