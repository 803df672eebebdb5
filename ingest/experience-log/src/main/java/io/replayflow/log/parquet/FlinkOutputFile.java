package io.replayflow.log.parquet;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over an already open Flink {@link FSDataOutputStream}. Parquet
 * writes the whole file through it and closes it when the writer closes; the caller decides where
 * the stream points (a temporary name renamed on success, for atomic visibility).
 */
public final class FlinkOutputFile implements OutputFile {

    private final FSDataOutputStream out;

    public FlinkOutputFile(FSDataOutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        return new PositionOutputStream() {
            @Override
            public long getPos() throws IOException {
                return out.getPos();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }
}
