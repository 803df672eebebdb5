package io.replayflow.actor.swap;

import io.replayflow.policy.PolicySpec;
import io.replayflow.schemas.env.EnvSpec;

/** What the policy runtime must check of a policy for an actor: its environment's spec. */
public final class EnvPolicySpec {
    private EnvPolicySpec() {}

    /** The observation shape and number of actions of {@code env}, named by its id. */
    public static PolicySpec of(EnvSpec env) {
        return new PolicySpec(env.id(), env.observationShape(), env.numActions());
    }
}
