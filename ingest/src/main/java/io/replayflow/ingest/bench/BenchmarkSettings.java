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
 * @param rounds how many times both jobs run over the same records, ours then the textbook one:
 *     round 1 on the JVM's cold code (which the textbook job, second, finds warmed by ours), later
 *     rounds with both warm
 */
public record BenchmarkSettings(
        long transitions,
        int partitions,
        int parallelism,
        Duration checkpointInterval,
        LogCompression compression,
        boolean compaction,
        int meanEpisodeLength,
        long seed,
        int rounds) {

    public BenchmarkSettings {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds " + rounds + " must be >= 1");
        }
    }

    /**
     * 2M transitions, 4 partitions, parallelism 2, 2 s checkpoints, ZSTD, compaction on, one round.
     */
    public static BenchmarkSettings defaults() {
        return new BenchmarkSettings(
                2_000_000, 4, 2, Duration.ofSeconds(2), LogCompression.ZSTD, true, 100, 42, 1);
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
                seed,
                rounds);
    }

    public BenchmarkSettings withRounds(int n) {
        return new BenchmarkSettings(
                transitions,
                partitions,
                parallelism,
                checkpointInterval,
                compression,
                compaction,
                meanEpisodeLength,
                seed,
                n);
    }
}
