package io.replayflow.trainer.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * Trainer checkpoints under one directory, one sub-directory per save: {@code step-000000012345/}
 * holding the TensorFlow variables ({@code variables.index}, {@code variables.data-*}) and {@link
 * TrainerState#FILE_NAME}. A save is written into a hidden temporary directory and renamed into
 * place only when complete, so {@link #latest()} never sees a partial checkpoint; then all but the
 * newest {@code keep} are deleted.
 *
 * <p>Not thread-safe; one trainer owns a checkpoint directory.
 */
public final class CheckpointStore {

    /** Writes one checkpoint's files into a directory. */
    @FunctionalInterface
    public interface Writer {
        void write(Path dir) throws IOException;
    }

    private static final Pattern NAME = Pattern.compile("step-(\\d{12})");
    private static final String TMP_PREFIX = ".tmp-";

    private final Path dir;
    private final int keep;

    public CheckpointStore(Path dir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException(
                    "trainer.checkpoint.keep=" + keep + " is invalid: must be >= 1");
        }
        this.dir = dir;
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the checkpoint of {@code step} and returns its directory. */
    public Path save(long step, Writer writer) throws IOException {
        Files.createDirectories(dir);
        Path finalDir = dir.resolve(String.format("step-%012d", step));
        Path tmp = dir.resolve(TMP_PREFIX + finalDir.getFileName() + "-" + System.nanoTime());
        Files.createDirectories(tmp);
        try {
            writer.write(tmp);
            if (Files.exists(finalDir)) {
                deleteTree(finalDir); // the same step saved again (e.g. final save after a periodic
                // one)
            }
            move(tmp, finalDir);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        prune();
        return finalDir;
    }

    /**
     * Writes the checkpoint of {@code state}'s global step: every variable of {@code session}'s
     * graph ({@link #variablesPrefix}) and {@code state} ({@link TrainerState#FILE_NAME}).
     */
    public Path save(Session session, TrainerState state) throws IOException {
        return save(
                state.globalStep(),
                tmp -> {
                    session.save(variablesPrefix(tmp).toString());
                    state.writeTo(tmp);
                });
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() throws IOException {
        return checkpoints().stream().reduce((a, b) -> b);
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> checkpoints() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.exists(p.resolve(TrainerState.FILE_NAME)))
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf))
                    .toList();
        }
    }

    /** The step a checkpoint directory was saved at. */
    public static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint directory");
        }
        return Long.parseLong(m.group(1));
    }

    /** The TensorFlow checkpoint prefix inside a checkpoint directory. */
    public static Path variablesPrefix(Path checkpoint) {
        return checkpoint.resolve("variables");
    }

    private void prune() throws IOException {
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p :
                    list.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                deleteTree(p); // left behind by a crash mid-save
            }
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
