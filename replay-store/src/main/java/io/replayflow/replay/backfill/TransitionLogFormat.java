package io.replayflow.replay.backfill;

import io.replayflow.log.parquet.StreamInputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Experience-log files as a Flink {@link StreamFormat} of {@link Transition}s, read by the log's
 * one reader ({@link TransitionParquet#reader}), so image rows whose frames are stored once come
 * out whole. Not splittable: a file's frames decode only from its start, in order. A restored
 * reader starts the file again and the file source skips the rows already emitted.
 */
final class TransitionLogFormat implements StreamFormat<Transition> {

    private static final long serialVersionUID = 1L;

    @Override
    public Reader<Transition> createReader(
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
        TransitionReader reader = TransitionParquet.reader(new StreamInputFile(stream, fileLen));
        return new Reader<>() {
            @Override
            public Transition read() throws IOException {
                return reader.read();
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public Reader<Transition> restoreReader(
            Configuration config,
            FSDataInputStream stream,
            long restoredOffset,
            long fileLen,
            long splitEnd)
            throws IOException {
        return createReader(config, stream, fileLen, splitEnd);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<Transition> getProducedType() {
        return new AvroTypeInfo<>(Transition.class);
    }
}
