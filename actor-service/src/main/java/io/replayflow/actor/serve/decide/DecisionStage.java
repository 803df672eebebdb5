package io.replayflow.actor.serve.decide;

import java.util.Locale;

/**
 * A stage of a decision inside the {@link DecisionBatcher}, as {@link BatcherListener} hears it.
 */
public enum DecisionStage {
    /**
     * One per decision: from its admission to the queue to the start of its batch's policy call
     * (the wait for company, plus any queueing behind earlier batches).
     */
    WAIT,
    /** One per batch: the policy calls of the whole batch. */
    ACT,
    /** One per decision: from handing it to the log to the log's confirmation (Kafka's ack). */
    LOG,
    /**
     * One per decision: from its admission to the completion of its future, the service's whole
     * share of an answer except the HTTP parsing and writing.
     */
    ANSWER;

    /** The name in metrics, e.g. {@code wait}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
