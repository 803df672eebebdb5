package io.replayflow.log.layout;

import io.replayflow.log.parquet.FileSystems;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Lists the committed data files of a dataset directory: {@code *.parquet} anywhere below it,
 * skipping hidden names ({@code .} in-progress files, {@code _} metadata such as {@code
 * _priorities}). Partition directories rejected by {@code keepPartition} are not descended into. A
 * directory that disappears during the listing (an expired partition) is treated as empty.
 *
 * <p>A dataset directory that is a symbolic link (a backfilled dataset, whose link is swapped
 * atomically to publish a new version) is resolved once, before the listing, so one listing never
 * mixes two versions; the files come back under the resolved directory.
 *
 * <p>Cost: one list call per directory. Files come back sorted by partition hour, then path, so
 * rows load roughly oldest first and expiry removes a prefix of row ids.
 */
public final class DatasetFiles {

    private DatasetFiles() {}

    public static List<DataFile> list(Path datasetDir, Predicate<PartitionPath> keepPartition)
            throws IOException {
        datasetDir = resolveLink(datasetDir);
        FileSystem fs = FileSystems.of(datasetDir);
        List<DataFile> files = new ArrayList<>();
        String rootPath = datasetDir.toUri().getPath();
        if (!rootPath.endsWith("/")) {
            rootPath = rootPath + "/";
        }
        walk(fs, datasetDir, rootPath, keepPartition, files);
        files.sort(
                Comparator.comparingLong(
                                (DataFile f) ->
                                        f.partition()
                                                .map(PartitionPath::hourStartMs)
                                                .orElse(Long.MIN_VALUE))
                        .thenComparing(DataFile::relativePath));
        return files;
    }

    private static void walk(
            FileSystem fs,
            Path dir,
            String rootPath,
            Predicate<PartitionPath> keepPartition,
            List<DataFile> out)
            throws IOException {
        FileStatus[] children;
        try {
            children = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return;
        }
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            Path path = child.getPath();
            String name = path.getName();
            if (DatasetLayout.isHidden(name)) {
                continue;
            }
            String relative = relative(rootPath, path);
            if (child.isDir()) {
                Optional<PartitionPath> partition = PartitionPath.parse(relative);
                if (partition.isPresent() && !keepPartition.test(partition.get())) {
                    continue;
                }
                walk(fs, path, rootPath, keepPartition, out);
            } else if (DatasetLayout.isCommittedDataFile(name)) {
                Optional<PartitionPath> partition = PartitionPath.parse(relative);
                if (partition.isEmpty() || keepPartition.test(partition.get())) {
                    out.add(new DataFile(path, relative, partition, child.getLen()));
                }
            }
        }
    }

    private static String relative(String rootPath, Path path) {
        String full = path.toUri().getPath();
        return full.startsWith(rootPath) ? full.substring(rootPath.length()) : path.getName();
    }

    /** The target of a local symbolic link, else {@code dir} itself. */
    static Path resolveLink(Path dir) throws IOException {
        String scheme = dir.toUri().getScheme();
        if (scheme != null && !"file".equals(scheme)) {
            return dir;
        }
        java.nio.file.Path local = java.nio.file.Path.of(dir.toUri().getPath());
        if (!java.nio.file.Files.isSymbolicLink(local)) {
            return dir;
        }
        try {
            return new Path(local.toRealPath().toUri());
        } catch (java.nio.file.NoSuchFileException e) {
            return dir;
        }
    }
}
