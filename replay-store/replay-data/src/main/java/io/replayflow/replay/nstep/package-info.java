/**
 * Per-episode enrichment as pure functions: n-step targets and Monte-Carlo returns ({@link
 * io.replayflow.replay.nstep.NStepTargets}).
 */
package io.replayflow.replay.nstep;
