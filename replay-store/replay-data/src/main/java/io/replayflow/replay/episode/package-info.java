/**
 * Per-episode enrichment without Flink: filling an episode's n-step targets and returns ({@link
 * io.replayflow.replay.episode.EpisodeEnrichment}), episode keys and where an episode's rows were
 * placed. The replay job's {@code io.replayflow.replay.job.episode} buffers episodes in Flink state
 * and calls this; the trainer calls it for data it reads from the experience log.
 */
package io.replayflow.replay.episode;
