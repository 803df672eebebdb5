/** Plumbing of the replay-store job (Kafka deserializers). Not for other modules. */
package io.replayflow.replay.job.internal;
