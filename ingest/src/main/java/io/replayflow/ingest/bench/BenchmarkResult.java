package io.replayflow.ingest.bench;

import java.io.PrintWriter;
import java.util.OptionalLong;

/**
 * The figures of one {@link IngestBenchmark} run; {@link #render} prints them.
 *
 * @param round which round of {@link BenchmarkSettings#rounds()} (1: the first jobs in this JVM)
 * @param textbook the same records through {@link TextbookIngestJob}
 */
public record BenchmarkResult(
        BenchmarkSettings settings,
        int round,
        long bytes,
        double produceSeconds,
        double rawConsumeSeconds,
        double ingestSeconds,
        double ingestSecondsAfterStart,
        double steadyRate,
        long committedRows,
        int committedFiles,
        OptionalLong maxCheckpointStateBytes,
        long episodes,
        TextbookResult textbook) {

    public double rawConsumeRate() {
        return settings.transitions() / rawConsumeSeconds;
    }

    public double ingestRate() {
        return settings.transitions() / ingestSeconds;
    }

    public double ingestRateAfterStart() {
        return settings.transitions() / ingestSecondsAfterStart;
    }

    public void render(PrintWriter out) {
        BenchmarkSettings s = settings;
        out.printf(
                "Ingest benchmark: %,d CartPole-sized transitions (%.0f bytes each), %d"
                        + " partitions, parallelism %d, checkpoints every %s, %s,"
                        + " compaction %s%s%n",
                s.transitions(),
                (double) bytes / s.transitions(),
                s.partitions(),
                s.parallelism(),
                s.checkpointInterval(),
                s.compression(),
                s.compaction() ? "on" : "off",
                s.rounds() == 1
                        ? ""
                        : round == 1
                                ? "; round 1 of " + s.rounds() + " (ours first on cold code)"
                                : "; round "
                                        + round
                                        + " of "
                                        + s.rounds()
                                        + " (both on warm code)");
        out.printf(
                "  produce                 %8.2f s  %,10.0f rec/s%n",
                produceSeconds, s.transitions() / produceSeconds);
        out.printf(
                "  raw consume             %8.2f s  %,10.0f rec/s%n",
                rawConsumeSeconds, rawConsumeRate());
        out.printf(
                "  ingest to committed log %8.2f s  %,10.0f rec/s  (%.0f%% of raw consume)%n",
                ingestSeconds, ingestRate(), 100 * ingestRate() / rawConsumeRate());
        out.printf(
                "    after job start       %8.2f s  %,10.0f rec/s  (%.0f%% of raw consume)%n",
                ingestSecondsAfterStart,
                ingestRateAfterStart(),
                100 * ingestRateAfterStart() / rawConsumeRate());
        out.printf(
                "    steady (25%%..90%% committed)      %,10.0f rec/s  (%.0f%% of raw consume)%n",
                steadyRate, 100 * steadyRate / rawConsumeRate());
        out.printf(
                "  committed               %,d rows in %d Parquet files%n",
                committedRows, committedFiles);
        out.printf(
                "  textbook job (KafkaSource, Avro, FileSink with AvroParquetWriters, exactly"
                        + " once; no validation, dedup, sinks or compaction; uncompressed)%n");
        out.printf(
                "    to committed files    %8.2f s  %,10.0f rec/s  (ours: %.2fx its rate)%n",
                textbook.seconds(),
                s.transitions() / textbook.seconds(),
                ingestRate() / (s.transitions() / textbook.seconds()));
        out.printf(
                "    after job start       %8.2f s  %,10.0f rec/s  (ours: %.2fx)%n",
                textbook.secondsAfterStart(),
                s.transitions() / textbook.secondsAfterStart(),
                ingestRateAfterStart() / (s.transitions() / textbook.secondsAfterStart()));
        out.printf(
                "    steady (25%%..90%% committed)      %,10.0f rec/s  (ours: %.2fx)%n",
                textbook.steadyRate(), steadyRate / textbook.steadyRate());
        out.printf(
                "    committed             %,d rows in %d Parquet files%n",
                textbook.committedRows(), textbook.committedFiles());
        if (maxCheckpointStateBytes.isPresent()) {
            long state = maxCheckpointStateBytes.getAsLong();
            out.printf(
                    "  checkpointed state      %,d bytes max for %,d episodes (%.0f bytes per"
                            + " episode, TTL not reached)%n",
                    state, episodes, (double) state / Math.max(1, episodes));
        }
        out.flush();
    }

    /**
     * The textbook job's figures over the same records.
     *
     * @param seconds from submission to every record in committed files
     * @param secondsAfterStart from the job running to every record in committed files
     * @param steadyRate rows/s between 25 % and 90 % committed
     * @param committedRows rows in its committed files
     * @param committedFiles its committed files
     */
    public record TextbookResult(
            double seconds,
            double secondsAfterStart,
            double steadyRate,
            long committedRows,
            int committedFiles) {}
}
