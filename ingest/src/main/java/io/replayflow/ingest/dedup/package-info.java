/**
 * Per-episode keyed state: duplicate detection on (actor_id, episode_id, step) and episode
 * summaries.
 */
package io.replayflow.ingest.dedup;
