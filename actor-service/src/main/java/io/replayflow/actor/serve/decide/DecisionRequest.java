package io.replayflow.actor.serve.decide;

import java.util.Objects;

/**
 * One validated request for an action.
 *
 * @param sessionId the application's session
 * @param obs [observationSize], finite
 * @param allowed the distinct allowed actions, or null for all
 */
public record DecisionRequest(String sessionId, float[] obs, int[] allowed) {
    public DecisionRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(obs, "obs");
    }
}
