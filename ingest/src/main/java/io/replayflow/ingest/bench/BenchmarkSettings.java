package io.replayflow.ingest.bench;

import io.replayflow.log.parquet.LogCompression;
import java.time.Duration;

/**
 * What one {@link IngestBenchmark} run does.
 *
 * @param transitions records to produce and ingest
 * @param partitions partitions of the benchmark's transitions topic
 * @param parallelism of the ingest job
 * @param checkpointInterval exactly-once checkpoint interval of the job
 * @param compression Parquet codec
 * @param compaction whether the log compacts its files
 * @param meanEpisodeLength of the synthetic episodes
 * @param seed of the synthetic data
 */
public record BenchmarkSettings(
        long transitions,
        int partitions,
        int parallelism,
        Duration checkpointInterval,
        LogCompression compression,
        boolean compaction,
        int meanEpisodeLength,
        long seed) {

    /** 2M transitions, 4 partitions, parallelism 2, 2 s checkpoints, ZSTD, compaction on. */
    public static BenchmarkSettings defaults() {
        return new BenchmarkSettings(
                2_000_000, 4, 2, Duration.ofSeconds(2), LogCompression.ZSTD, true, 100, 42);
    }

    public BenchmarkSettings withTransitions(long n) {
        return new BenchmarkSettings(
                n,
                partitions,
                parallelism,
                checkpointInterval,
                compression,
                compaction,
                meanEpisodeLength,
                seed);
    }
}
