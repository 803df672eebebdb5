package io.replayflow.trainer.run;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.checkpoint.SettingChange;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run starts with.
 *
 * @param policyName the policy being trained
 * @param algo its algorithm
 * @param transitions the transitions it trains on
 * @param dataset where they come from
 * @param nStepTargets whether the rows carry n-step targets (a replay dataset) or 1-step ones
 * @param startStep the global step it starts at: 0 fresh, else the restored checkpoint's
 * @param targetStep the global step it trains to
 * @param checkpoints the directory of its checkpoints
 * @param changedSettings the learning settings that differ from the restored checkpoint's (empty
 *     for a fresh run or an unchanged one)
 */
public record TrainStart(
        String policyName,
        Algo algo,
        long transitions,
        URI dataset,
        boolean nStepTargets,
        long startStep,
        long targetStep,
        Path checkpoints,
        List<SettingChange> changedSettings) {

    public TrainStart {
        changedSettings = List.copyOf(changedSettings);
    }
}
