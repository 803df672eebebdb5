package io.replayflow.log.parquet;

import java.io.IOException;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over an already open Flink stream of a file of known length, for
 * readers handed a stream rather than a path (a Flink {@code StreamFormat}). Every {@link
 * #newStream()} is the same stream, so one Parquet reader at a time; closing it closes the stream.
 */
public final class StreamInputFile implements InputFile {

    private final FSDataInputStream in;
    private final long length;

    public StreamInputFile(FSDataInputStream in, long length) {
        this.in = in;
        this.length = length;
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() {
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() throws IOException {
                return in.getPos();
            }

            @Override
            public void seek(long newPos) throws IOException {
                in.seek(newPos);
            }
        };
    }
}
