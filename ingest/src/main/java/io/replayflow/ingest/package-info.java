/**
 * The ingest job: raw transitions from Kafka to an exactly-once Parquet experience log, a clean
 * topic, dead letters and episode statistics. Entry points: {@link io.replayflow.ingest.IngestJob}
 * ({@code start} for embedded use, {@code main} for {@code flink run}), {@link
 * io.replayflow.ingest.IngestPipeline} (the dataflow without sources and sinks), {@link
 * io.replayflow.ingest.IngestConfig} built from {@link io.replayflow.ingest.IngestOptions}.
 */
package io.replayflow.ingest;
