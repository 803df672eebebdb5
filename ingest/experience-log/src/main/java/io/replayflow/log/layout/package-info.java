/**
 * Where data lives: the directories of a data root ({@link io.replayflow.log.layout.DatasetLayout})
 * and the Hive-style hourly partitions inside the experience log and every replay dataset ({@link
 * io.replayflow.log.layout.PartitionPath}), and which files count as committed data. Ingest writes
 * this layout, the replay-store job reads and writes it, the reader reads it.
 */
package io.replayflow.log.layout;
