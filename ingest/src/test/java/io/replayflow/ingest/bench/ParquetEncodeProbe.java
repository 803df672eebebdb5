package io.replayflow.ingest.bench;

import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.schemas.avro.Transition;
import java.io.OutputStream;
import java.util.SplittableRandom;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * The floor under the ingest job's rate: how fast the experience log's Parquet writer encodes
 * CartPole transitions on one thread with nothing else around it (no Flink, no Kafka), into a
 * stream that only counts bytes. Prints rows per second and bytes per row for six passes over the
 * same transitions (the first ones warm the JIT). Argument: {@code [rows]} (default 1,000,000).
 */
public final class ParquetEncodeProbe {

    private ParquetEncodeProbe() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        SyntheticTransitions source =
                new SyntheticTransitions(new SplittableRandom(1), 64, 100, 1_795_244_400_000L);
        Transition[] transitions = new Transition[rows];
        for (int i = 0; i < rows; i++) {
            transitions[i] = source.next();
        }
        for (int pass = 1; pass <= 6; pass++) {
            CountingStream out = new CountingStream();
            long start = System.nanoTime();
            try (ParquetWriter<Transition> writer =
                    TransitionParquet.writer(
                            new StreamOutputFile(out), LogCompression.ZSTD, 128L << 20)) {
                for (Transition t : transitions) {
                    writer.write(t);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "pass %d: %,.0f rows/s, %.1f bytes/row%n",
                    pass, rows / seconds, (double) out.bytes / rows);
        }
    }

    private static final class CountingStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
