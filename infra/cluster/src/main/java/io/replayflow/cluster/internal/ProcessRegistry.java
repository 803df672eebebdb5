package io.replayflow.cluster.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The processes of one cluster directory, as pid files under {@code <dir>/pids/<name>.pid}, so that
 * {@code status} and {@code down} work from another invocation than {@code up}.
 *
 * <p>A pid file holds the pid and the process's start time; a process counts as this cluster's only
 * while both match, so a recycled pid is never mistaken for a cluster process (and never killed).
 * Not thread-safe across JVMs beyond what the file system gives: one {@code up} or {@code down} at
 * a time per directory.
 */
public final class ProcessRegistry {

    /** One registered name, with its live process if it still runs. */
    public record Entry(String name, long pid, Optional<ProcessHandle> process) {
        public boolean alive() {
            return process.isPresent();
        }
    }

    private final Path pids;

    public ProcessRegistry(Path clusterDir) {
        this.pids = clusterDir.resolve("pids");
    }

    /** Records {@code process} under {@code name}, replacing an older entry of that name. */
    public void register(String name, ProcessHandle process) {
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        try {
            Files.createDirectories(pids);
            Files.writeString(file(name), process.pid() + " " + started + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pid file " + file(name), e);
        }
    }

    /** The live process registered as {@code name}, if any. */
    public Optional<ProcessHandle> find(String name) {
        Path file = file(name);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return read(file).process();
    }

    /** Every registered name, sorted, alive or not. */
    public List<Entry> entries() {
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(pids)) {
            files.filter(p -> p.getFileName().toString().endsWith(".pid"))
                    .sorted()
                    .forEach(p -> entries.add(read(p)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pids, e);
        }
        return entries;
    }

    /**
     * Stops the process registered as {@code name} and forgets it: SIGTERM and up to {@code grace}
     * for it to exit, then SIGKILL; with {@code grace} zero, SIGKILL at once ({@code kill -9}).
     *
     * @return whether a live process was stopped
     */
    public boolean stop(String name, Duration grace) {
        Optional<ProcessHandle> process = find(name);
        process.ifPresent(p -> terminate(p, grace));
        forget(name);
        return process.isPresent();
    }

    /**
     * Stops several registered processes together: SIGTERM to all, up to {@code grace} for them to
     * exit, then SIGKILL to those left; forgets them all.
     */
    public void stopAll(List<String> names, Duration grace) {
        List<ProcessHandle> live = new ArrayList<>();
        for (String name : names) {
            find(name)
                    .ifPresent(
                            p -> {
                                p.destroy();
                                live.add(p);
                            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : live) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            if (!awaitExit(p, left)) {
                terminate(p, Duration.ZERO);
            }
        }
        names.forEach(this::forget);
    }

    /** Removes the pid file of {@code name}, if any. */
    public void forget(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the pid file " + file(name), e);
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace} (at once when zero); waits until it is gone. */
    public static void terminate(ProcessHandle process, Duration grace) {
        if (!grace.isZero() && process.destroy() && awaitExit(process, grace)) {
            return;
        }
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(30));
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private Entry read(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
        String[] parts;
        try {
            parts = Files.readString(file).trim().split("\\s+");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pid file " + file, e);
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[0]);
            started = parts.length > 1 ? Long.parseLong(parts[1]) : -1L;
        } catch (NumberFormatException e) {
            return new Entry(name, -1, Optional.empty());
        }
        Optional<ProcessHandle> live =
                ProcessHandle.of(pid)
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> sameStart(p, started));
        return new Entry(name, pid, live);
    }

    private static boolean sameStart(ProcessHandle p, long startedMs) {
        return p.info()
                .startInstant()
                .map(Instant::toEpochMilli)
                .map(ms -> startedMs < 0 || Math.abs(ms - startedMs) < 2_000)
                .orElse(true);
    }

    private Path file(String name) {
        return pids.resolve(name + ".pid");
    }
}
