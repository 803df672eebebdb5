/**
 * Re-publishing a range of the experience log to Kafka ({@code replayflow log replay}), in
 * event-time order with the original keys and identities.
 */
package io.replayflow.ingest.republish;
