package io.replayflow.log.layout;

import java.util.Optional;
import org.apache.flink.core.fs.Path;

/**
 * A committed data file found by a listing.
 *
 * @param path the file
 * @param relativePath its path below the dataset directory, e.g. {@code
 *     env_id=CartPole-v1/date=2026-11-20/hour=07/part-….parquet}
 * @param partition its partition when the path is Hive-partitioned
 * @param length its length in bytes
 */
public record DataFile(
        Path path, String relativePath, Optional<PartitionPath> partition, long length) {

    /** The partition directory relative to the dataset, or "" for a file at the top. */
    public String partitionDirectory() {
        int slash = relativePath.lastIndexOf('/');
        return slash < 0 ? "" : relativePath.substring(0, slash);
    }
}
