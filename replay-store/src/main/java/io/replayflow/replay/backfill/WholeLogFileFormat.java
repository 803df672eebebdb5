package io.replayflow.replay.backfill;

import io.replayflow.log.parquet.StreamInputFile;
import java.io.Closeable;
import java.io.IOException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * An experience-log file as a Flink {@link StreamFormat} read whole: not splittable, since a file's
 * frames decode only from its start, in order; a restored reader starts the file again and the file
 * source skips the rows already emitted. Subclasses say how a file's records are read.
 */
abstract class WholeLogFileFormat<T> implements StreamFormat<T> {

    private static final long serialVersionUID = 1L;

    /**
     * A reader of {@code input}'s records from its start; {@code name} names the file in errors.
     */
    abstract Reader<T> open(StreamInputFile input, String name) throws IOException;

    /** One record at a time from {@code next} (null at the end), closing {@code resource}. */
    interface Next<T> {
        T read() throws IOException;
    }

    static <T> Reader<T> reader(Next<T> next, Closeable resource) {
        return new Reader<>() {
            @Override
            public T read() throws IOException {
                return next.read();
            }

            @Override
            public void close() throws IOException {
                resource.close();
            }
        };
    }

    @Override
    public final Reader<T> createReader(
            Configuration config, FSDataInputStream stream, long fileLen, long splitEnd)
            throws IOException {
        if (splitEnd != fileLen) {
            throw new IllegalArgumentException(
                    "an experience-log file is read whole (its frames decode from its start), but"
                            + " a split ends at "
                            + splitEnd
                            + " of "
                            + fileLen
                            + " bytes");
        }
        return open(new StreamInputFile(stream, fileLen), stream.toString());
    }

    @Override
    public final Reader<T> restoreReader(
            Configuration config,
            FSDataInputStream stream,
            long restoredOffset,
            long fileLen,
            long splitEnd)
            throws IOException {
        return createReader(config, stream, fileLen, splitEnd);
    }

    @Override
    public final boolean isSplittable() {
        return false;
    }
}
