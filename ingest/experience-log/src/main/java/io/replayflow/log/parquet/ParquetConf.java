package io.replayflow.log.parquet;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;

/**
 * The configuration every Parquet reader and writer of ReplayFlow is given: a Hadoop {@link
 * Configuration} without Hadoop's default resources.
 *
 * <p>parquet-hadoop reads its options from a Hadoop configuration even though ReplayFlow reads and
 * writes through Flink's file systems ({@link FlinkInputFile}, Flink's output streams), and when a
 * reader, writer or footer read is not given one it makes a {@code new Configuration()}, which
 * parses {@code core-default.xml} (and any {@code core-site.xml}) on its first read. Measured in
 * ingest's compaction (JFR, {@code LogVisibilityITCase}): three such parses per compacted
 * partition, 76 % of the compaction thread's samples, about 120 ms a compaction of a few hundred
 * rows. Every option parquet-hadoop reads has its default in its own code, so an empty
 * configuration changes the cost and nothing else.
 */
public final class ParquetConf {

    private ParquetConf() {}

    /** A fresh, empty Hadoop configuration (callers may set keys on it). */
    public static Configuration hadoop() {
        return new Configuration(false);
    }

    /** {@link #hadoop()} as parquet's own configuration interface. */
    public static ParquetConfiguration parquet() {
        return new HadoopParquetConfiguration(hadoop());
    }

    /** Read options with parquet's defaults, built without Hadoop's default resources. */
    public static ParquetReadOptions readOptions() {
        return ParquetReadOptions.builder(parquet()).build();
    }

    /** Opens {@code file}'s footer and row groups ({@link ParquetFileReader#open(InputFile)}). */
    public static ParquetFileReader open(InputFile file) throws IOException {
        return ParquetFileReader.open(file, readOptions());
    }
}
