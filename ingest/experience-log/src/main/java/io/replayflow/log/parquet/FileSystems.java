package io.replayflow.log.parquet;

import java.io.IOException;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The file system of a dataset path. {@code file:} paths (and paths without a scheme) go straight
 * to Flink's local file system: resolving them through {@link FileSystem#get} first discovers every
 * file system factory on the class path (the Hadoop fallback included), which costs over a second
 * on a cold JVM, a visible share of a trainer's start-up. Other schemes resolve as usual.
 */
public final class FileSystems {

    private FileSystems() {}

    public static FileSystem of(Path path) throws IOException {
        String scheme = path.toUri().getScheme();
        if (scheme == null || scheme.equals("file")) {
            return FileSystem.getLocalFileSystem();
        }
        return path.getFileSystem();
    }
}
