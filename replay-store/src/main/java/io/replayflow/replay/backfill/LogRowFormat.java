package io.replayflow.replay.backfill;

import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.log.parquet.StreamInputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.replay.job.internal.ReplayRowTypeInfo;
import io.replayflow.replay.parquet.LogRowReader;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;

/**
 * Experience-log files as a Flink {@link StreamFormat} of {@link ReplayRow}s. A file that stores no
 * frames (vector rows) is read column by column straight into rows ({@link LogRowReader}: no Avro
 * records, no boxed floats); a file that stores image frames once goes through the log's reader
 * ({@link TransitionParquet#reader}), which rebuilds them, and {@link ReplayRow#fromTransition}.
 * Both yield the same rows for the same transitions. Read whole ({@link WholeLogFileFormat}).
 */
final class LogRowFormat extends WholeLogFileFormat<ReplayRow> {

    private static final long serialVersionUID = 1L;

    @Override
    Reader<ReplayRow> open(StreamInputFile input, String name) throws IOException {
        if (LogRowReader.storesFrames(footerSchema(input))) {
            TransitionReader transitions = TransitionParquet.reader(input);
            return reader(
                    () -> {
                        Transition t = transitions.read();
                        return t == null ? null : ReplayRow.fromTransition(t);
                    },
                    transitions);
        }
        LogRowReader rows = LogRowReader.open(input, name);
        return reader(rows::read, rows);
    }

    /** The file's schema, read through a stream whose close leaves the shared stream open. */
    private static MessageType footerSchema(StreamInputFile input) throws IOException {
        InputFile unclosed =
                new InputFile() {
                    @Override
                    public long getLength() {
                        return input.getLength();
                    }

                    @Override
                    public SeekableInputStream newStream() throws IOException {
                        SeekableInputStream in = input.newStream();
                        return new DelegatingSeekableInputStream(in) {
                            @Override
                            public long getPos() throws IOException {
                                return in.getPos();
                            }

                            @Override
                            public void seek(long newPos) throws IOException {
                                in.seek(newPos);
                            }

                            @Override
                            public void close() {}
                        };
                    }
                };
        try (ParquetFileReader footer = ParquetConf.open(unclosed)) {
            return footer.getFileMetaData().getSchema();
        }
    }

    @Override
    public TypeInformation<ReplayRow> getProducedType() {
        return ReplayRowTypeInfo.INSTANCE;
    }
}
