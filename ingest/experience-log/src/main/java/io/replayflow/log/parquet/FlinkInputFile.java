package io.replayflow.log.parquet;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} read through Flink's {@link FileSystem}, so the reader resolves the
 * same URIs as the jobs ({@code file://}, {@code s3://}, {@code hdfs://} with the matching Flink
 * file system on the class path) without Hadoop's file system layer. Each {@link #newStream()}
 * opens its own stream; the caller closes it. Ingest's compactor and inspector, the replay job and
 * the reader all read through this class.
 */
public final class FlinkInputFile implements InputFile {

    private final FileSystem fs;
    private final Path path;
    private final long length;

    /**
     * @param length the file length from its listing, so opening costs no extra metadata call
     */
    public FlinkInputFile(FileSystem fs, Path path, long length) {
        this.fs = Objects.requireNonNull(fs, "fs");
        this.path = Objects.requireNonNull(path, "path");
        this.length = length;
    }

    /** Opens {@code path} on its own file system, reading the length from the file status. */
    public static FlinkInputFile of(Path path) throws IOException {
        FileSystem fs = FileSystems.of(path);
        return new FlinkInputFile(fs, path, fs.getFileStatus(path).getLen());
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        FSDataInputStream in = fs.open(path);
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

    @Override
    public String toString() {
        return path.toString();
    }
}
