/**
 * The experience log's format: storage layout of a data root, Parquet schemas, and Flink FileSystem
 * adapters for Parquet; used by ingest (writer), the replay job and the reader.
 */
package io.replayflow.log;
