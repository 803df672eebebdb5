package io.replayflow.replay.read.internal;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.priority.PriorityFile;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.fs.Path;

/**
 * Copies the priorities the job persisted ({@code _priorities/<partition>/priorities-….parquet})
 * into a newly loaded block, so a restarted or second trainer starts from the current priorities
 * rather than the initial ones. Entries for transitions the block does not hold are ignored.
 *
 * <p>Cost per block: O(rows) to index it by (episode, step) plus O(entries) to apply; a partition's
 * file is read once per refresh. Not thread-safe.
 */
public final class PriorityFileApplier {

    private final Path datasetDir;
    private final Dictionaries dicts;
    private final Map<String, List<PriorityEntry>> cache = new HashMap<>();

    public PriorityFileApplier(Path datasetDir, Dictionaries dicts) {
        this.datasetDir = datasetDir;
        this.dicts = dicts;
    }

    /** Forgets the files read so far; call at the start of each refresh. */
    public void startRefresh() {
        cache.clear();
    }

    /** Applies the block's partition file; returns how many rows got a stored priority. */
    public int apply(FileBlock block) throws IOException {
        String partition = block.file.partitionDirectory();
        if (partition.isEmpty()) {
            return 0;
        }
        List<PriorityEntry> entries = cache.get(partition);
        if (entries == null) {
            Path dir = new Path(new Path(datasetDir, DatasetLayout.PRIORITIES_DIR), partition);
            Optional<Path> latest = PriorityFile.latest(dir);
            entries = latest.isPresent() ? readQuietly(latest.get()) : List.of();
            cache.put(partition, entries);
        }
        if (entries.isEmpty()) {
            return 0;
        }
        LongIntHashMap index = new LongIntHashMap(block.rows);
        for (int i = 0; i < block.rows; i++) {
            index.put(key(block.episodeId[i], block.step[i]), i);
        }
        int applied = 0;
        for (PriorityEntry entry : entries) {
            int episode = dicts.episodes.find(entry.episodeId);
            int actor = dicts.actors.find(entry.actorId);
            if (episode < 0 || actor < 0 || entry.step < 0 || entry.step > Integer.MAX_VALUE) {
                continue;
            }
            int local = index.get(key(episode, (int) entry.step));
            if (local >= 0
                    && block.actorId[local] == actor
                    && entry.priority >= 0.0
                    && entry.priority < Double.POSITIVE_INFINITY) {
                block.priority[local] = (float) entry.priority;
                applied++;
            }
        }
        return applied;
    }

    private static List<PriorityEntry> readQuietly(Path file) throws IOException {
        try {
            return PriorityFile.read(file);
        } catch (java.io.FileNotFoundException e) {
            return List.of(); // replaced by a newer file or expired meanwhile; next refresh
        }
    }

    private static long key(int episode, int step) {
        return ((long) episode << 32) | (step & 0xFFFFFFFFL);
    }
}
