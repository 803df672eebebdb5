package io.replayflow.replay.data.testing;

import io.replayflow.schemas.avro.PriorityUpdate;

/**
 * Priority updates for one fixed transition ({@code CartPole-v1/a/e/3}), as the trainer sends them.
 */
public final class PriorityUpdates {

    private PriorityUpdates() {}

    /**
     * An update of transition {@code CartPole-v1/a/e/3} to {@code priority} at {@code trainerStep}.
     */
    public static PriorityUpdate update(double priority, long trainerStep) {
        return PriorityUpdate.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("a")
                .setEpisodeId("e")
                .setStep(3)
                .setPriority(priority)
                .setTdError(0f)
                .setPolicyVersion(1)
                .setTrainerStep(trainerStep)
                .build();
    }
}
