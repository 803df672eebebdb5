package io.replayflow.policy.testing;

import io.replayflow.policy.Policy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic fake policy: always the same action, probability 1. Counts calls and refuses to
 * act once closed, like a closed TensorFlow session would (but with a clear error).
 */
public final class FixedPolicy implements Policy {
    private final long version;
    private final int action;
    private final int numActions;
    private final int observationSize;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean closed;

    public FixedPolicy(long version, int action, int numActions, int observationSize) {
        this.version = version;
        this.action = action;
        this.numActions = numActions;
        this.observationSize = observationSize;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public int numActions() {
        return numActions;
    }

    @Override
    public int observationSize() {
        return observationSize;
    }

    @Override
    public boolean deterministic() {
        return true;
    }

    @Override
    public void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut) {
        if (closed) {
            throw new IllegalStateException("FixedPolicy v" + version + " used after close");
        }
        calls.incrementAndGet();
        for (int i = 0; i < batch; i++) {
            actionsOut[i] = action;
            behaviorProbOut[i] = 1f;
        }
    }

    public int calls() {
        return calls.get();
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
