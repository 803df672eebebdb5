package io.replayflow.trainer.run;

import io.replayflow.trainer.TrainProgress;
import io.replayflow.trainer.export.PolicyArtifact;

/**
 * Hears what a {@link TrainRunner} run does, as data: the CLI turns it into console lines, a
 * service into log lines or metrics. Called on the thread that runs; every method defaults to doing
 * nothing.
 */
public interface TrainListener {

    /** Training is about to start, after any checkpoint was restored. */
    default void started(TrainStart start) {}

    /** Where training stands: at most every {@code progressEvery} and after the last step. */
    default void progress(TrainProgress progress) {}

    /**
     * The run exported {@code artifact}; {@code publishedOn} is the policies topic it was announced
     * on, or {@code null} when the run did not publish.
     */
    default void exported(PolicyArtifact artifact, String publishedOn) {}

    /** A listener that ignores everything. */
    static TrainListener silent() {
        return new TrainListener() {};
    }
}
