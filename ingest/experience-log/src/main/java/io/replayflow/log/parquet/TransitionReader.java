package io.replayflow.log.parquet;

import io.replayflow.schemas.avro.Transition;
import java.io.Closeable;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.InputFile;

/**
 * Reads one experience-log file row by row, in file order, as full {@link Transition}s of the
 * current schema ({@link TransitionParquet#reader}): files of an older Transition version get the
 * new fields' defaults, files that store frames once get their images rebuilt ({@link
 * TransitionReadSupport}). Every row is read, as the frame codec needs; skip rows after reading
 * them. Not thread-safe; one per file.
 *
 * <pre>{@code
 * try (TransitionReader in = TransitionParquet.reader(FlinkInputFile.of(path))) {
 *     for (Transition t = in.read(); t != null; t = in.read()) { ... }
 * }
 * }</pre>
 */
public final class TransitionReader implements Closeable {

    private final ParquetReader<Transition> reader;

    private TransitionReader(ParquetReader<Transition> reader) {
        this.reader = reader;
    }

    static TransitionReader open(InputFile in) throws IOException {
        Configuration conf = ParquetConf.hadoop();
        AvroReadSupport.setAvroReadSchema(conf, Transition.getClassSchema());
        return new TransitionReader(new Builder(in, new HadoopParquetConfiguration(conf)).build());
    }

    /**
     * The next row, or null at the end of the file.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalStateException when its frames cannot be rebuilt (a corrupt file)
     */
    public Transition read() throws IOException {
        return reader.read();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static final class Builder extends ParquetReader.Builder<Transition> {
        Builder(InputFile in, ParquetConfiguration conf) {
            super(in, conf);
        }

        @Override
        protected ReadSupport<Transition> getReadSupport() {
            return new TransitionReadSupport();
        }
    }
}
