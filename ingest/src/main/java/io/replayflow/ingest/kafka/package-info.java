/** The job's Kafka endpoints: the raw transitions source and the exactly-once sinks. */
package io.replayflow.ingest.kafka;
