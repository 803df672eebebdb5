/**
 * The storage layout shared by the replay-store job and the reader: data root, dataset directories,
 * Hive-style hourly partitions ({@link io.replayflow.replay.layout.PartitionPath}), and which files
 * count as committed data.
 */
package io.replayflow.replay.layout;
