package io.replayflow.trainer.export;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Allocates version numbers of one policy name so that they increase strictly and are never reused,
 * across restarts and even after old artifacts are deleted:
 *
 * <pre>
 *   next = max(version directories present, the high-water mark, last published) + 1
 * </pre>
 *
 * The high-water mark ({@code <root>/policies/<name>/.version-hwm}) is written, atomically, before
 * a reserved number is used; the last published version (from the compacted {@code rf.policies}
 * topic) covers a policy directory that was lost or moved. Reservation holds an OS file lock, so
 * two trainers exporting the same name do not collide.
 */
public final class PolicyVersions {

    private static final Pattern VERSION_DIR = Pattern.compile("\\d+");
    private static final String HIGH_WATER_MARK = ".version-hwm";
    private static final String LOCK = ".lock";

    private final Path policyDir;

    /**
     * @param policiesRoot {@code <root>/policies}
     * @param policyName the policy name
     */
    public PolicyVersions(Path policiesRoot, String policyName) {
        this.policyDir = policiesRoot.resolve(policyName);
    }

    public Path policyDir() {
        return policyDir;
    }

    /** The directory of {@code version}. */
    public Path versionDir(long version) {
        return policyDir.resolve(Long.toString(version));
    }

    /**
     * Reserves and returns the next version.
     *
     * @param lastPublished the highest version announced on {@code rf.policies} for this name, or 0
     *     if none is known
     */
    public long reserve(long lastPublished) throws IOException {
        Files.createDirectories(policyDir);
        try (FileChannel channel =
                        FileChannel.open(
                                policyDir.resolve(LOCK),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            long next = Math.max(Math.max(highestDirectory(), highWaterMark()), lastPublished) + 1;
            writeHighWaterMark(next);
            return next;
        }
    }

    /** The highest version reserved or present so far (0 if none). */
    public long highest() throws IOException {
        return Math.max(highestDirectory(), highWaterMark());
    }

    private long highestDirectory() throws IOException {
        if (!Files.isDirectory(policyDir)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(policyDir)) {
            return list.map(p -> p.getFileName().toString())
                    .filter(name -> VERSION_DIR.matcher(name).matches())
                    .mapToLong(Long::parseLong)
                    .max()
                    .orElse(0);
        }
    }

    private long highWaterMark() throws IOException {
        Path file = policyDir.resolve(HIGH_WATER_MARK);
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(
                    file
                            + " holds '"
                            + text
                            + "', not a version number: restore it from the highest version ever"
                            + " published under "
                            + policyDir,
                    e);
        }
    }

    private void writeHighWaterMark(long version) throws IOException {
        Path tmp = policyDir.resolve(HIGH_WATER_MARK + ".tmp");
        Files.writeString(tmp, Long.toString(version), StandardCharsets.UTF_8);
        try {
            Files.move(
                    tmp,
                    policyDir.resolve(HIGH_WATER_MARK),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(
                    tmp, policyDir.resolve(HIGH_WATER_MARK), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
