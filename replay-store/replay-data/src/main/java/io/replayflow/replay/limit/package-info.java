/**
 * Rate limiting between the thread that inserts replay rows and the thread that samples them:
 * {@link io.replayflow.replay.limit.SamplesPerInsertLimiter} holds the samples-per-insert ratio
 * near a target and refuses settings that could deadlock.
 */
package io.replayflow.replay.limit;
