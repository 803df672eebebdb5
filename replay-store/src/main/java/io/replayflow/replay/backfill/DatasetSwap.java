package io.replayflow.replay.backfill;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.parquet.FileSystems;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Publishes a backfilled dataset whole or not at all. The job writes into a fresh version directory
 * {@code <root>/replay/.backfill/<name>/<version>/} (hidden from readers by its leading dot), and
 * only a finished run makes it visible:
 *
 * <ul>
 *   <li>On a local file system {@code <root>/replay/<name>} is a symbolic link to the current
 *       version. Publishing creates a new link beside it and renames it over the old one ({@code
 *       rename(2)} replaces the link atomically), so a reader that opens the dataset sees the old
 *       version or the new one, never a mix. The previous version is kept for readers still holding
 *       its files; older ones are deleted.
 *   <li>On other file systems (S3, HDFS), which have no links, the version directory is renamed to
 *       {@code <root>/replay/<name>/}; replacing an existing dataset there is refused up front.
 * </ul>
 *
 * A directory {@code <root>/replay/<name>/} that is not such a link (the streaming job's dataset,
 * say) is never replaced.
 */
public final class DatasetSwap {

    static final String VERSIONS_DIR = ".backfill";

    private static final DateTimeFormatter VERSION =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final URI dataRoot;
    private final String name;
    private final URI version;

    private DatasetSwap(URI dataRoot, String name, URI version) {
        this.dataRoot = dataRoot;
        this.name = name;
        this.version = version;
    }

    /**
     * Checks that {@code <root>/replay/<name>} may be (re)placed and picks a version directory.
     *
     * @throws IllegalArgumentException naming the directory in the way and what to do
     */
    public static DatasetSwap prepare(URI dataRoot, String name, Instant now) throws IOException {
        DatasetLayout.checkDatasetName(name);
        URI target = DatasetLayout.replayDataset(dataRoot, name);
        if (isLocal(dataRoot)) {
            java.nio.file.Path link = localPath(target);
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
                throw new IllegalArgumentException(
                        link
                                + " exists and was not written by a backfill (a streaming"
                                + " dataset?); choose another --dataset or move it away");
            }
        } else if (FileSystems.of(new Path(target)).exists(new Path(target))) {
            throw new IllegalArgumentException(
                    target
                            + " exists, and "
                            + dataRoot.getScheme()
                            + ":// has no atomic replace; choose another --dataset or delete it"
                            + " first");
        }
        URI versions =
                DatasetLayout.child(DatasetLayout.child(replayDir(dataRoot), VERSIONS_DIR), name);
        String id = VERSION.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new DatasetSwap(dataRoot, name, DatasetLayout.child(versions, id));
    }

    /** Where the job writes: this run's version directory. */
    public URI stagingDir() {
        return version;
    }

    /** {@code <root>/replay/<name>/}. */
    public URI target() {
        return DatasetLayout.replayDataset(dataRoot, name);
    }

    /** Makes the staging directory the dataset, atomically. */
    public void publish() throws IOException {
        Path staging = new Path(version);
        FileSystem fs = FileSystems.of(staging);
        if (!fs.exists(staging)) {
            fs.mkdirs(staging); // an empty range: an empty dataset, not a missing one
        }
        if (!isLocal(dataRoot)) {
            if (!fs.rename(staging, new Path(target()))) {
                throw new IOException("could not rename " + staging + " to " + target());
            }
            return;
        }
        java.nio.file.Path link = localPath(target());
        java.nio.file.Path dir = localPath(version);
        java.nio.file.Path fresh = link.resolveSibling("." + name + ".link-" + UUID.randomUUID());
        Files.createSymbolicLink(fresh, link.getParent().relativize(dir));
        java.nio.file.Path previous =
                Files.isSymbolicLink(link)
                        ? link.resolveSibling(Files.readSymbolicLink(link))
                        : null;
        Files.move(
                fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteOlderThan(dir.getParent(), dir, previous);
    }

    /** Deletes the staging directory of a run that failed. */
    public void abort() throws IOException {
        Path staging = new Path(version);
        FileSystems.of(staging).delete(staging, true);
    }

    private static void deleteOlderThan(
            java.nio.file.Path versions, java.nio.file.Path current, java.nio.file.Path previous)
            throws IOException {
        List<java.nio.file.Path> stale = new ArrayList<>();
        try (Stream<java.nio.file.Path> all = Files.list(versions)) {
            all.filter(v -> !v.equals(current))
                    .filter(v -> previous == null || !v.equals(previous.normalize()))
                    .forEach(stale::add);
        }
        for (java.nio.file.Path v : stale) {
            FileSystems.of(new Path(v.toUri())).delete(new Path(v.toUri()), true);
        }
    }

    private static URI replayDir(URI dataRoot) {
        return DatasetLayout.child(dataRoot, DatasetLayout.REPLAY_DIR);
    }

    private static boolean isLocal(URI uri) {
        return uri.getScheme() == null || "file".equals(uri.getScheme());
    }

    private static java.nio.file.Path localPath(URI uri) {
        String path = uri.getPath();
        return java.nio.file.Path.of(
                path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }
}
