/**
 * Per-episode enrichment in the replay-store job: buffering an episode's steps (keyed by episode)
 * until it ends, then filling n-step targets and returns.
 */
package io.replayflow.replay.episode;
