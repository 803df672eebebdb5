package io.replayflow.trainer.ope;

/**
 * One logged episode's steps in step order, as read from the experience log.
 *
 * @param obs {@code [T * obsDim]} observations
 * @param action {@code [T]} logged actions
 * @param reward {@code [T]} rewards
 * @param behaviorProb {@code [T]} logged {@code behavior_prob}
 * @param nextObs {@code [T * obsDim]} next observations
 * @param terminated {@code [T]} whether the step ended the episode by termination
 * @param truncated {@code [T]} whether the step ended it by truncation
 */
public record LoggedSteps(
        float[] obs,
        int[] action,
        float[] reward,
        float[] behaviorProb,
        float[] nextObs,
        boolean[] terminated,
        boolean[] truncated) {

    public int length() {
        return action.length;
    }
}
