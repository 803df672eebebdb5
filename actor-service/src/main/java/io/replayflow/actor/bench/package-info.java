/**
 * {@code replayflow bench actors} ({@link io.replayflow.actor.bench.ActorBenchmark}) and the
 * synthetic linear-Q policy artifacts it and the tests publish ({@link
 * io.replayflow.actor.bench.LinearQArtifact}).
 */
package io.replayflow.actor.bench;
