/**
 * Plumbing of the replay-store job (Kafka deserializers, the backfill's row serializer). Not for
 * other modules.
 */
package io.replayflow.replay.job.internal;
