package io.replayflow.replay.read;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.layout.DatasetFiles;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.parquet.FileSystems;
import io.replayflow.replay.limit.SamplesPerInsertLimiter;
import io.replayflow.replay.read.internal.BlockLoader;
import io.replayflow.replay.read.internal.BlockTable;
import io.replayflow.replay.read.internal.Dictionaries;
import io.replayflow.replay.read.internal.FileBlock;
import io.replayflow.replay.read.internal.PriorityFileApplier;
import io.replayflow.replay.sample.PrioritizedSampler;
import io.replayflow.replay.sample.Sampler;
import io.replayflow.schemas.avro.PriorityUpdate;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replay dataset or the experience log, loaded into compact primitive columns for sampling: the
 * reader the trainer draws its batches from.
 *
 * <pre>{@code
 * try (ReplayDataset data = ReplayDataset.openReplay(dataRoot, "default", options)) {
 *     ReplayBatch batch = data.newBatch(256);
 *     for (long step = 0; step < steps; step++) {
 *         if (step % 100 == 0) {
 *             data.refresh();                      // new files in, expired partitions out
 *         }
 *         data.sample(batch);                      // rows, weights and columns, no allocation
 *         float[] tdError = train(batch);
 *         data.updatePriorities(batch.rowIds(), priorities(tdError), batch.size());
 *         publish(data.priorityUpdate(batch.rowIds()[0], …));   // to rf.priorities
 *     }
 * }
 * }</pre>
 *
 * <h2>Files and rows</h2>
 *
 * Only committed files count ({@code *.parquet}, not hidden; see {@link DatasetLayout}). Each file
 * becomes one block of consecutive row ids, in load order (oldest partition first), so a file is
 * one row range: when its partition expires, {@link #refresh()} drops the block and removes that
 * range from the sampler. Row ids are never reused; a removed row is never drawn again, and a
 * priority update for it is ignored. A partition that disappears while being listed or read is
 * treated as expired.
 *
 * <h2>Priorities</h2>
 *
 * New rows enter the sampler at the priority the job persisted for them (the {@code _priorities/}
 * file of their partition, else the row's initial {@code priority} column), or at the sampler's
 * running max when neither exists. {@link #updatePriorities} changes them for this reader; the
 * trainer also publishes {@link #priorityUpdate} records so the job persists them for the next
 * reader.
 *
 * <h2>Cost</h2>
 *
 * b = batch size, d = observation size, B = loaded files. {@link #sample}: the sampler's draw (O(b
 * log n) prioritized) plus O(b (d + log B)) to gather the columns, no allocation. {@link
 * #updatePriorities} of k rows: O(k log n). {@link #refresh()}: one listing of the dataset tree,
 * plus O(rows) for each new file read; dropping an expired file is O(B + its rows). Memory: about
 * 8d + 41 bytes per row for the experience log, 8d + 54 with the n-step columns (when the bootstrap
 * row is in the same file, as the job writes it), plus the sampler (32 bytes per slot when
 * prioritized).
 *
 * <h2>Threads</h2>
 *
 * Not thread-safe. One trainer thread owns the dataset: it samples, updates priorities and calls
 * {@link #refresh()} between steps. Nothing runs in the background.
 */
public final class ReplayDataset implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayDataset.class);
    private static final int UPDATE_CHUNK = 4096;

    private final Path dir;
    private final FileSystem fs;
    private final ReplayReadOptions options;
    private final Dictionaries dicts = new Dictionaries();
    private final BlockLoader loader;
    private final PriorityFileApplier priorityFiles;
    private final Sampler sampler;
    private final SamplesPerInsertLimiter limiter;

    /** Loaded blocks by file path, in load order. */
    private final Map<String, FileBlock> loaded = new LinkedHashMap<>();

    /** Files whose rows the filter rejected entirely; not read again. */
    private final Set<String> emptyFiles = new HashSet<>();

    private final ArrayDeque<FileBlock> pending = new ArrayDeque<>();
    private final BlockTable table = new BlockTable();
    private final int[] updateRows = new int[UPDATE_CHUNK];
    private final double[] updatePriorities = new double[UPDATE_CHUNK];

    private Boolean enriched;
    private long pendingRows;
    private boolean closed;

    private ReplayDataset(URI datasetDir, ReplayReadOptions options) {
        this.dir = new Path(datasetDir);
        this.options = Objects.requireNonNull(options, "options");
        try {
            this.fs = FileSystems.of(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot reach the file system of "
                            + datasetDir
                            + ": is the scheme supported (file://, or a Flink file system plugin"
                            + " for s3:// and hdfs://)?",
                    e);
        }
        this.loader = new BlockLoader(dicts, options.filter(), options.obsDim());
        this.priorityFiles = new PriorityFileApplier(dir, dicts);
        this.sampler = options.sampler().create(new SplittableRandom(options.seed()));
        this.limiter = options.limiter().map(SamplesPerInsertLimiter::new).orElse(null);
    }

    /**
     * Opens the dataset directory {@code datasetDir} (e.g. {@code file:///data/replay/default/})
     * and loads its committed files. A directory that does not exist yet opens empty; {@link
     * #refresh()} picks files up as they are committed.
     */
    public static ReplayDataset open(URI datasetDir, ReplayReadOptions options) throws IOException {
        ReplayDataset dataset = new ReplayDataset(datasetDir, options);
        dataset.refresh();
        return dataset;
    }

    /** Opens the experience log, {@code <dataRoot>/experience/}. */
    public static ReplayDataset openExperienceLog(URI dataRoot, ReplayReadOptions options)
            throws IOException {
        return open(DatasetLayout.experienceLog(dataRoot), options);
    }

    /** Opens the replay dataset {@code <dataRoot>/replay/<name>/}. */
    public static ReplayDataset openReplay(URI dataRoot, String name, ReplayReadOptions options)
            throws IOException {
        return open(DatasetLayout.replayDataset(dataRoot, name), options);
    }

    /**
     * Brings the dataset up to date with the directory: loads committed files not seen before (only
     * those), drops the rows of files that disappeared (expired partitions), and hands new rows to
     * the sampler as far as the limiter allows.
     */
    public RefreshResult refresh() throws IOException {
        checkOpen();
        List<DataFile> files = DatasetFiles.list(dir, options.filter()::keepPartition);
        Set<String> present = new HashSet<>();
        for (DataFile file : files) {
            present.add(file.path().toString());
        }
        int filesRemoved = 0;
        long rowsRemoved = 0;
        for (var it = loaded.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!present.contains(entry.getKey())) {
                rowsRemoved += drop(entry.getValue());
                filesRemoved++;
                it.remove();
            }
        }
        emptyFiles.retainAll(present);
        priorityFiles.startRefresh();
        int filesAdded = 0;
        long rowsAdded = 0;
        for (DataFile file : files) {
            String key = file.path().toString();
            if (loaded.containsKey(key) || emptyFiles.contains(key)) {
                continue;
            }
            FileBlock block = load(file);
            if (block == null) {
                emptyFiles.add(key);
                continue;
            }
            loaded.put(key, block);
            pending.add(block);
            pendingRows += block.rows;
            filesAdded++;
            rowsAdded += block.rows;
        }
        admitPending();
        if (filesAdded > 0 || filesRemoved > 0) {
            LOG.debug(
                    "{}: +{} files ({} rows), -{} files ({} rows), {} live",
                    dir,
                    filesAdded,
                    rowsAdded,
                    filesRemoved,
                    rowsRemoved,
                    sampler.liveRows());
        }
        return new RefreshResult(
                filesAdded, rowsAdded, filesRemoved, rowsRemoved, pendingRows, liveRows());
    }

    /**
     * A batch of {@code size} slots shaped for this dataset.
     *
     * @throws IllegalStateException while the observation size is unknown (no row loaded and none
     *     set in the options)
     */
    public ReplayBatch newBatch(int size) {
        if (loader.obsDim() < 0) {
            throw new IllegalStateException(
                    "the observation size is not known yet: no row is loaded from "
                            + dir
                            + "; refresh() until liveRows() > 0, or set obsDim in the options");
        }
        return new ReplayBatch(size, loader.obsDim(), loader.images(), isEnriched());
    }

    /**
     * Draws a batch and gathers its columns.
     *
     * @throws IllegalStateException if no row is live, or a limiter is set (use {@link #trySample}
     *     or {@link #sample(ReplayBatch, Duration)}, which respect it)
     */
    public void sample(ReplayBatch batch) {
        checkOpen();
        if (limiter != null) {
            throw new IllegalStateException(
                    "this dataset has a samples-per-insert limiter: draw with trySample(batch) or"
                            + " sample(batch, timeout), which wait for the ratio");
        }
        sampler.sample(batch.sample());
        gather(batch);
    }

    /**
     * Draws a batch if the limiter allows it now (always, without a limiter, once a row is live);
     * otherwise draws nothing and returns false: refresh and try again.
     */
    public boolean trySample(ReplayBatch batch) {
        checkOpen();
        admitPending();
        if (sampler.liveRows() == 0) {
            return false;
        }
        if (limiter != null && !awaitLimiter(batch.size())) {
            return false;
        }
        sampler.sample(batch.sample());
        gather(batch);
        return true;
    }

    /**
     * Draws a batch, refreshing every poll interval while the limiter holds the sampler back (or no
     * row is live), for at most {@code timeout}. This is how the faster side blocks: a trainer
     * ahead of the inserts waits here for new files.
     *
     * @return true once drawn, false if {@code timeout} passed first
     */
    public boolean sample(ReplayBatch batch, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (trySample(batch)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(
                    Math.max(1, Math.min(options.pollInterval().toMillis(), left / 1_000_000)));
            refresh();
        }
    }

    /**
     * Gathers the columns of chosen rows, without drawing: the caller writes live row ids into
     * {@code batch.rowIds()} (all {@code batch.size()} slots) and this fills the batch's columns
     * for them; the weights are left as they were. For readers that need rows other than a draw,
     * e.g. the rows whose {@code next_obs} bootstrap a sampled row's n-step target. O(b (d + log
     * B)), no allocation.
     *
     * @throws IllegalArgumentException if a slot names a row that is not live
     */
    public void read(ReplayBatch batch) {
        checkOpen();
        int[] rows = batch.rowIds();
        for (int row : rows) {
            if (!sampler.isLive(row)) {
                throw new IllegalArgumentException(
                        "row "
                                + row
                                + " of "
                                + dir
                                + " is not live: read() takes the ids of live rows (liveRowIds())");
            }
        }
        gather(batch);
    }

    /**
     * Sets the priorities of rows, e.g. {@code |td error| + eps} after a training step. Every entry
     * is checked before any is applied.
     *
     * @return how many rows were live (updates of expired rows are ignored)
     * @throws IllegalArgumentException for NaN, negative or infinite priorities, or unknown rows
     */
    public int updatePriorities(int[] rowIds, double[] priorities, int count) {
        checkOpen();
        int applied = sampler.update(rowIds, priorities, count);
        for (int j = 0; j < count; j++) {
            if (sampler.isLive(rowIds[j])) {
                FileBlock block = table.blockOf(rowIds[j]);
                block.priority[rowIds[j] - block.firstRow] = (float) priorities[j];
            }
        }
        return applied;
    }

    /** Sets one row's priority; false if the row has expired (ignored). */
    public boolean updatePriority(int rowId, double priority) {
        checkOpen();
        boolean live = sampler.update(rowId, priority);
        if (live) {
            FileBlock block = table.blockOf(rowId);
            block.priority[rowId - block.firstRow] = (float) priority;
        }
        return live;
    }

    /**
     * The stored priority of a live row: the last update, else the persisted or initial one; NaN if
     * the row entered at the sampler's running max without one.
     */
    public double priority(int rowId) {
        FileBlock block = table.blockOf(rowId);
        return block.priority[rowId - block.firstRow];
    }

    /** The transition a live row holds. */
    public TransitionId transitionId(int rowId) {
        FileBlock block = table.blockOf(rowId);
        int i = rowId - block.firstRow;
        return new TransitionId(
                dicts.envs.value(block.envId(i)),
                dicts.actors.value(block.actorId[i]),
                dicts.episodes.value(block.episodeId[i]),
                block.step[i]);
    }

    /** Event time of a live row, epoch milliseconds. */
    public long eventTimeMs(int rowId) {
        FileBlock block = table.blockOf(rowId);
        return block.eventTimeMs(rowId - block.firstRow);
    }

    /**
     * A {@code PriorityUpdate} for a live row, to publish on {@code rf.priorities} so the job
     * persists it.
     */
    public PriorityUpdate priorityUpdate(
            int rowId, double priority, float tdError, long policyVersion, long trainerStep) {
        TransitionId id = transitionId(rowId);
        return PriorityUpdate.newBuilder()
                .setEnvId(id.envId())
                .setActorId(id.actorId())
                .setEpisodeId(id.episodeId())
                .setStep(id.step())
                .setPriority(priority)
                .setTdError(tdError)
                .setPolicyVersion(policyVersion)
                .setTrainerStep(trainerStep)
                .build();
    }

    /** The live row holding (actor, episode, step), or -1. O(rows): for tools and tests. */
    public int findRow(String actorId, String episodeId, long step) {
        int actor = dicts.actors.find(actorId);
        int episode = dicts.episodes.find(episodeId);
        if (actor < 0 || episode < 0) {
            return -1;
        }
        for (int b = 0; b < table.size(); b++) {
            FileBlock block = table.get(b);
            for (int i = 0; i < block.admitted; i++) {
                if (block.episodeId[i] == episode
                        && block.actorId[i] == actor
                        && block.step[i] == step) {
                    return block.firstRow + i;
                }
            }
        }
        return -1;
    }

    /** Every live row id in increasing order. O(rows), allocates: for tools and tests. */
    public int[] liveRowIds() {
        int[] ids = new int[sampler.liveRows()];
        int n = 0;
        for (int b = 0; b < table.size(); b++) {
            FileBlock block = table.get(b);
            for (int i = 0; i < block.admitted; i++) {
                ids[n++] = block.firstRow + i;
            }
        }
        return ids;
    }

    /**
     * The prioritized sampler's beta schedule position (the step its next draw uses), to save with
     * a trainer checkpoint; empty for samplers without importance weights. See {@link
     * io.replayflow.replay.sample.PrioritizedSampler} ("Resuming").
     */
    public OptionalLong betaStep() {
        return sampler instanceof PrioritizedSampler p
                ? OptionalLong.of(p.betaStep())
                : OptionalLong.empty();
    }

    /** Rows the sampler can draw. */
    public int liveRows() {
        return sampler.liveRows();
    }

    /** Rows loaded but not yet admitted by the limiter. */
    public long pendingRows() {
        return pendingRows;
    }

    /** Committed files loaded (with at least one row kept). */
    public int loadedFiles() {
        return loaded.size();
    }

    /** The observation size (floats, or bytes for images), or -1 before any row. */
    public int obsDim() {
        return loader.obsDim();
    }

    /**
     * The float observations ({@code obs}) of every live row, row after row ({@code liveRows() *
     * obsDim()} floats, in {@link #liveRowIds()} order). O(rows), allocates: for statistics
     * computed once, e.g. the trainer's per-feature scale of its observation noise.
     *
     * @throws IllegalStateException for uint8 image observations
     */
    public float[] liveObs() {
        checkOpen();
        if (loader.images()) {
            throw new IllegalStateException(
                    "the observations of " + dir + " are uint8 images, not float vectors");
        }
        int d = Math.max(0, loader.obsDim());
        float[] out = new float[Math.multiplyExact(sampler.liveRows(), d)];
        int n = 0;
        for (int b = 0; b < table.size(); b++) {
            FileBlock block = table.get(b);
            System.arraycopy(block.obs, 0, out, n, block.admitted * d);
            n += block.admitted * d;
        }
        return out;
    }

    /**
     * Whether observations are uint8 images ({@code obs_image}; batches fill {@link
     * ReplayBatch#obsBytes()}); false for float vectors and before any row. The image shape is the
     * env's (schemas {@code EnvSpecs}); the dataset knows only its byte count, {@link #obsDim()}.
     */
    public boolean images() {
        return loader.images();
    }

    /**
     * The env ids of the loaded rows, admitted or pending, sorted. O(files), plus O(rows) for a
     * file of several envs; for finding an image dataset's shape in the env table.
     */
    public Set<String> envIds() {
        Set<String> envs = new TreeSet<>();
        for (FileBlock block : loaded.values()) {
            for (int i = 0; i < block.rows; i++) {
                envs.add(dicts.envs.value(block.envId(i)));
                if (block.oneEnv()) {
                    break;
                }
            }
        }
        return envs;
    }

    /** Whether rows carry the n-step columns (a replay dataset, not the experience log). */
    public boolean isEnriched() {
        return Boolean.TRUE.equals(enriched);
    }

    /** Heap held by the loaded columns, in bytes (the sampler's trees not included). */
    public long columnBytes() {
        long bytes = 0;
        for (FileBlock block : loaded.values()) {
            bytes += block.columnBytes();
        }
        return bytes;
    }

    /** The limiter, if one was configured. */
    public Optional<SamplesPerInsertLimiter> limiter() {
        return Optional.ofNullable(limiter);
    }

    /** The dataset directory. */
    public URI uri() {
        return dir.toUri();
    }

    /** Releases the columns; later calls fail. */
    @Override
    public void close() {
        closed = true;
        loaded.clear();
        pending.clear();
    }

    private FileBlock load(DataFile file) throws IOException {
        FileBlock block;
        try {
            block = loader.load(fs, file);
        } catch (FileNotFoundException e) {
            return null; // expired between listing and reading
        } catch (IOException | RuntimeException e) {
            if (!exists(file.path())) {
                return null;
            }
            throw e;
        }
        if (block == null) {
            return null;
        }
        if (enriched == null) {
            enriched = block.enriched;
        } else if (enriched != block.enriched) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + (block.enriched ? " has" : " lacks")
                            + " the n-step columns, unlike the files loaded before: "
                            + dir
                            + " mixes a replay dataset with experience-log files; open them"
                            + " separately");
        }
        if (options.applyStoredPriorities() && block.enriched) {
            priorityFiles.apply(block);
        }
        return block;
    }

    private boolean exists(Path path) {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            return true;
        }
    }

    /** Removes a block's rows from the sampler and the tables; returns how many it held. */
    private long drop(FileBlock block) {
        if (block.firstRow >= 0 && block.admitted > 0) {
            sampler.remove(block.firstRow, block.firstRow + block.admitted);
            table.remove(block);
            if (limiter != null) {
                limiter.removed(block.admitted);
            }
        }
        if (pending.remove(block)) {
            pendingRows -= block.rows - block.admitted;
        }
        return block.rows;
    }

    /** Hands pending rows to the sampler, oldest file first, as far as the limiter allows. */
    private void admitPending() {
        while (!pending.isEmpty()) {
            FileBlock block = pending.peek();
            int n = block.rows - block.admitted;
            if (limiter != null) {
                n = Math.min(n, limiter.settings().maxInsertBatch());
                if (!awaitInsert(n)) {
                    return;
                }
            }
            int first = sampler.append(n);
            if (block.firstRow < 0) {
                block.firstRow = first;
                table.add(block);
            }
            seedPriorities(block, block.admitted, block.admitted + n);
            block.admitted += n;
            pendingRows -= n;
            if (block.fullyAdmitted()) {
                pending.poll();
            }
        }
    }

    /** Gives rows {@code [from, to)} of a block their stored priorities, if the sampler cares. */
    private void seedPriorities(FileBlock block, int from, int to) {
        if (!options.sampler().usesPriorities()) {
            return;
        }
        int k = 0;
        for (int i = from; i < to; i++) {
            float p = block.priority[i];
            if (!Float.isNaN(p)) {
                updateRows[k] = block.firstRow + i;
                updatePriorities[k++] = p;
                if (k == UPDATE_CHUNK) {
                    sampler.update(updateRows, updatePriorities, k);
                    k = 0;
                }
            }
        }
        if (k > 0) {
            sampler.update(updateRows, updatePriorities, k);
        }
    }

    private void gather(ReplayBatch batch) {
        int[] rows = batch.rowIds();
        int d = batch.obsDim();
        for (int j = 0; j < rows.length; j++) {
            FileBlock block = table.blockOf(rows[j]);
            int i = rows[j] - block.firstRow;
            if (batch.images()) {
                System.arraycopy(block.obsBytes, i * d, batch.obsBytes(), j * d, d);
                System.arraycopy(block.nextObsBytes, i * d, batch.nextObsBytes(), j * d, d);
            } else {
                System.arraycopy(block.obs, i * d, batch.obs(), j * d, d);
                System.arraycopy(block.nextObs, i * d, batch.nextObs(), j * d, d);
            }
            batch.action()[j] = block.action[i];
            batch.reward()[j] = block.reward[i];
            byte flags = block.flags[i];
            batch.terminated()[j] = (flags & FileBlock.TERMINATED) != 0;
            batch.truncated()[j] = (flags & FileBlock.TRUNCATED) != 0;
            batch.behaviorProb()[j] = block.behaviorProb[i];
            batch.policyVersion()[j] = dicts.policies.version(block.policyIndex[i]);
            batch.eventTimeMs()[j] = block.eventTimeMs(i);
            if (batch.hasNStep()) {
                batch.nStepReturn()[j] = block.nStepReturn[i];
                if (batch.images()) {
                    block.copyBootstrapObs(i, batch.bootstrapObsBytes(), j * d);
                } else {
                    block.copyBootstrapObs(i, batch.bootstrapObs(), j * d);
                }
                batch.bootstrapDiscount()[j] = block.bootstrapDiscount[i];
                batch.bootstrapCut()[j] = (flags & FileBlock.BOOTSTRAP_CUT) != 0;
                batch.returnToGo()[j] = block.returnToGo[i];
            }
        }
    }

    private boolean awaitLimiter(int batch) {
        try {
            return limiter.awaitCanSample(batch, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitInsert(int rows) {
        try {
            return limiter.awaitCanInsert(rows, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("dataset " + dir + " is closed");
        }
    }
}
