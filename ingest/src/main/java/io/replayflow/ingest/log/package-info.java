/**
 * The Parquet experience log: Flink's file sink with Hive-style partitions by env and event time,
 * the Transition Parquet layout, and compaction of small files.
 */
package io.replayflow.ingest.log;
