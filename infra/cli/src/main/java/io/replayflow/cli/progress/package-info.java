/**
 * The console's progress view: {@link io.replayflow.cli.progress.ProgressLine} formats what the
 * actors ({@link io.replayflow.actor.ActorProgressListener}) and the trainer ({@link
 * io.replayflow.trainer.TrainProgress}) report as data; {@link
 * io.replayflow.cli.progress.ConsoleActorProgress} prints the actors' lines on a terminal or into a
 * log. The services never build a console line.
 */
package io.replayflow.cli.progress;
