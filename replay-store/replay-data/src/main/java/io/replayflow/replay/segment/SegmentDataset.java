package io.replayflow.replay.segment;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.layout.DatasetFiles;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.parquet.FileSystems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The {@link SegmentSource} over a segment dataset the replay-store job writes ({@code
 * replay.dataset.kind=segments}, {@code <root>/replay/<dataset>/}): lists the dataset's committed
 * files, reads each new file once, assembles its rows into segments, and hands segments out FIFO
 * (oldest unused first) at most {@link SegmentReadOptions#maxUses} times each, dropping those that
 * fall out of the {@link SegmentWindow}.
 *
 * <pre>{@code
 * try (SegmentDataset segments = SegmentDataset.open(dataRoot, "segments",
 *         SegmentReadOptions.defaults().withLearnerVersion(() -> latestVersion))) {
 *     Optional<SegmentBatch> batch = segments.next(32);   // empty: wait for the pipeline
 * }
 * }</pre>
 *
 * <p>Order: files come in partition-hour then path order; the segments completed by one listing are
 * queued oldest first (by the event time of their first step). A segment whose rows straddle two
 * files (an hour boundary) completes when the second is read.
 *
 * <p>Cost: {@link #next} lists the dataset at most once per {@link
 * SegmentReadOptions#refreshInterval} when fewer than the asked segments are queued, reads only new
 * files, and fills the batch in O(B·T·obsDim). The batch handed out is reused by the next call of
 * the same size. Not thread-safe; owned by the learner's thread.
 */
public final class SegmentDataset implements SegmentSource {

    private final Path dir;
    private final SegmentReadOptions options;
    private final SegmentQueue queue;
    private final SegmentFileReader files;
    private final Map<String, Segment> pending = new HashMap<>();
    private final Set<String> read = new HashSet<>();
    private long lastListingMs = Long.MIN_VALUE;
    private SegmentBatch batch;

    private SegmentDataset(Path dir, SegmentReadOptions options) {
        this.dir = dir;
        this.options = options;
        this.queue = new SegmentQueue(options.maxUses(), options.window());
        this.files = new SegmentFileReader(options.length());
    }

    /**
     * Opens {@code <dataRoot>/replay/<dataset>/}; nothing is read until the first {@link #next}.
     */
    public static SegmentDataset open(URI dataRoot, String dataset, SegmentReadOptions options) {
        DatasetLayout.checkDatasetName(dataset);
        return new SegmentDataset(
                new Path(DatasetLayout.replayDataset(dataRoot, dataset)), options);
    }

    @Override
    public Optional<SegmentBatch> next(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "segment batch size is " + batchSize + "; it must be >= 1");
        }
        long now = options.clock().millis();
        long version = options.learnerVersion().getAsLong();
        if (queue.evict(now, version) < batchSize
                && (lastListingMs == Long.MIN_VALUE
                        || now - lastListingMs >= options.refreshInterval().toMillis())) {
            refresh();
            lastListingMs = now;
        }
        List<Segment> taken = queue.take(batchSize, now, version);
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(fill(taken));
    }

    /**
     * Lists the dataset and reads the files not read before; segments they complete join the queue.
     * Incomplete segments whose newest step left the window are dropped.
     */
    public void refresh() {
        try {
            FileSystem fs = FileSystems.of(dir);
            List<DataFile> listed = DatasetFiles.list(dir, p -> true);
            Set<String> present = new HashSet<>();
            List<Segment> completed = new ArrayList<>();
            for (DataFile file : listed) {
                String key = file.path().toString();
                present.add(key);
                if (read.add(key)) {
                    files.read(fs, file, pending, completed::add);
                }
            }
            read.retainAll(present);
            completed.sort(
                    Comparator.comparingLong((Segment s) -> s.eventTimeMs[0])
                            .thenComparing(s -> s.id));
            completed.forEach(queue::add);
            long now = options.clock().millis();
            long version = options.learnerVersion().getAsLong();
            pending.values().removeIf(s -> options.window().excludes(s, now, version));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the segment dataset " + dir, e);
        }
    }

    private SegmentBatch fill(List<Segment> segments) {
        int size = segments.size();
        int length = options.length();
        int obsDim = segments.get(0).obsDim;
        if (batch == null
                || batch.size() != size
                || batch.length() != length
                || batch.obsDim() != obsDim) {
            batch = SegmentBatch.allocate(size, length, obsDim);
        }
        for (int b = 0; b < size; b++) {
            Segment s = segments.get(b);
            int from = batch.index(b, 0);
            int n = s.length;
            System.arraycopy(s.obs, 0, batch.obs(), from * obsDim, n * obsDim);
            System.arraycopy(s.actions, 0, batch.actions(), from, n);
            System.arraycopy(s.rewards, 0, batch.rewards(), from, n);
            System.arraycopy(s.behaviorProbs, 0, batch.behaviorProbs(), from, n);
            System.arraycopy(s.policyVersions, 0, batch.policyVersions(), from, n);
            System.arraycopy(s.eventTimeMs, 0, batch.eventTimeMs(), from, n);
            for (int t = 0; t < n; t++) {
                batch.terminated()[from + t] = s.terminated[t] ? 1f : 0f;
                batch.valid()[from + t] = 1f;
            }
            int padFrom = from + n;
            int padTo = from + length;
            Arrays.fill(batch.obs(), padFrom * obsDim, padTo * obsDim, 0f);
            Arrays.fill(batch.actions(), padFrom, padTo, 0);
            Arrays.fill(batch.rewards(), padFrom, padTo, 0f);
            Arrays.fill(batch.behaviorProbs(), padFrom, padTo, 0f);
            Arrays.fill(batch.policyVersions(), padFrom, padTo, 0L);
            Arrays.fill(batch.eventTimeMs(), padFrom, padTo, 0L);
            Arrays.fill(batch.terminated(), padFrom, padTo, 0f);
            Arrays.fill(batch.valid(), padFrom, padTo, 0f);
            System.arraycopy(s.bootstrapObs, 0, batch.bootstrapObs(), b * obsDim, obsDim);
            batch.bootstrapAlive()[b] = s.endsTerminated() ? 0f : 1f;
            batch.episodeKeys()[b] = s.episodeKey;
            batch.firstSteps()[b] = s.firstStep;
        }
        return batch;
    }

    @Override
    public long segmentsServed() {
        return queue.served();
    }

    /** Segments dropped because they left the window before they were used up. */
    public long segmentsDropped() {
        return queue.dropped();
    }

    /** Complete segments waiting to be handed out (after the last eviction). */
    public int segmentsQueued() {
        return queue.size();
    }

    @Override
    public void close() {
        pending.clear();
    }
}
