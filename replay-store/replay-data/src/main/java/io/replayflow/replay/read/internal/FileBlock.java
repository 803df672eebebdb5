package io.replayflow.replay.read.internal;

import io.replayflow.log.layout.DataFile;
import java.util.Arrays;

/**
 * The rows one committed file contributed, as primitive columns sized exactly to them. Rows of one
 * file get consecutive dataset row ids {@code [firstRow, firstRow + rows)}, so expiring the file is
 * one range removal and memory is freed by dropping the block. Flat vectors are row-major: row
 * {@code i} of {@code obs} is {@code obs[i * obsDim … (i + 1) * obsDim)}. An image block ({@link
 * #images}) holds its observations as uint8 bytes in {@link #obsBytes} and {@link #nextObsBytes},
 * laid out the same way with {@code obsDim} bytes per row, and its float vectors are empty.
 *
 * <p>Immutable after loading except {@link #priority} (updated by the trainer) and the admission
 * fields. Not thread-safe; owned by the dataset's thread.
 */
public final class FileBlock {

    public static final byte TERMINATED = 1;
    public static final byte TRUNCATED = 2;
    public static final byte BOOTSTRAP_CUT = 4;
    public static final byte EPISODE_COMPLETE = 8;

    public final DataFile file;
    public final int rows;
    public final int obsDim;
    public final boolean enriched;
    public final boolean images;

    /** {@code [rows * obsDim]} each; empty in an image block. */
    public final float[] obs;

    public final float[] nextObs;

    /** uint8 images {@code [rows * obsDim]} each; empty in a vector block. */
    public final byte[] obsBytes;

    public final byte[] nextObsBytes;

    public final int[] action;
    public final float[] reward;

    /** Bit set of {@link #TERMINATED}, {@link #TRUNCATED}, {@link #BOOTSTRAP_CUT}, … */
    public final byte[] flags;

    public final float[] behaviorProb;

    /** Index into the dataset's policy-version table. */
    public final int[] policyIndex;

    /**
     * Event time as an offset from {@link #minEventTimeMs} when the block spans less than 2^31 ms
     * (always, for hourly partitions); null otherwise, and {@link #wideEventTimeMs} holds it.
     */
    private final int[] eventTimeOffset;

    private final long[] wideEventTimeMs;
    public final int[] step;

    /** Env id per row, or null when every row has {@link #constantEnvId} (one per partition). */
    private final int[] envIds;

    private final int constantEnvId;
    public final int[] actorId;
    public final int[] episodeId;

    /** Enrichment columns; null for experience-log files. */
    public final float[] nStepReturn;

    /**
     * Where row {@code i}'s bootstrap observation is: {@code next_obs} of row {@code i +
     * bootstrapOffset[i]} of this block (the usual case: the job writes an episode's rows
     * together), or, for -1, the explicit copy in {@link #explicitBootstrapObs}. One byte per row
     * instead of {@code 4 * obsDim}.
     */
    private final byte[] bootstrapOffset;

    /** Rows whose bootstrap observation is stored explicitly, sorted. */
    private final int[] explicitBootstrapRows;

    private final float[] explicitBootstrapObs;
    private final byte[] explicitBootstrapBytes;
    public final float[] bootstrapDiscount;
    public final float[] returnToGo;

    /** Current priority per row; NaN where none is known (the sampler's running max applies). */
    public final float[] priority;

    public final long minEventTimeMs;
    public final long maxEventTimeMs;

    /** First dataset row id, or -1 before admission. */
    public int firstRow = -1;

    /** Rows handed to the sampler so far (a limiter may admit a block in pieces). */
    public int admitted;

    FileBlock(DataFile file, int rows, int obsDim, boolean enriched, boolean images, Columns c) {
        this.file = file;
        this.rows = rows;
        this.obsDim = obsDim;
        this.enriched = enriched;
        this.images = images;
        int vectorLen = images ? 0 : rows * obsDim;
        int imageLen = images ? rows * obsDim : 0;
        this.obs = images ? new float[0] : fit(c.obs, vectorLen);
        this.nextObs = images ? new float[0] : fit(c.nextObs, vectorLen);
        this.obsBytes = images ? fit(c.obsBytes, imageLen) : new byte[0];
        this.nextObsBytes = images ? fit(c.nextObsBytes, imageLen) : new byte[0];
        this.action = fit(c.action, rows);
        this.reward = fit(c.reward, rows);
        this.flags = fit(c.flags, rows);
        this.behaviorProb = fit(c.behaviorProb, rows);
        this.policyIndex = fit(c.policyIndex, rows);
        this.step = fit(c.step, rows);
        this.actorId = fit(c.actorId, rows);
        this.episodeId = fit(c.episodeId, rows);
        this.nStepReturn = enriched ? fit(c.nStepReturn, rows) : null;
        this.bootstrapDiscount = enriched ? fit(c.bootstrapDiscount, rows) : null;
        this.returnToGo = enriched ? fit(c.returnToGo, rows) : null;
        this.priority = fit(c.priority, rows);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < rows; i++) {
            min = Math.min(min, c.eventTimeMs[i]);
            max = Math.max(max, c.eventTimeMs[i]);
        }
        this.minEventTimeMs = min;
        this.maxEventTimeMs = max;
        if (max - min <= Integer.MAX_VALUE) {
            eventTimeOffset = new int[rows];
            for (int i = 0; i < rows; i++) {
                eventTimeOffset[i] = (int) (c.eventTimeMs[i] - min);
            }
            wideEventTimeMs = null;
        } else {
            eventTimeOffset = null;
            wideEventTimeMs = fit(c.eventTimeMs, rows);
        }
        boolean oneEnv = true;
        for (int i = 1; i < rows && oneEnv; i++) {
            oneEnv = c.envId[i] == c.envId[0];
        }
        constantEnvId = c.envId[0];
        envIds = oneEnv ? null : fit(c.envId, rows);
        if (enriched) {
            bootstrapOffset = new byte[rows];
            int explicit = 0;
            for (int i = 0; i < rows; i++) {
                int offset = c.nStepCount[i] - 1;
                int j = i + offset;
                boolean inBlock =
                        offset >= 0
                                && offset <= Byte.MAX_VALUE
                                && j < rows
                                && c.episodeId[j] == c.episodeId[i]
                                && c.actorId[j] == c.actorId[i]
                                && c.step[j] == c.step[i] + offset
                                && sameBootstrap(c, images, i, j, obsDim);
                bootstrapOffset[i] = inBlock ? (byte) offset : -1;
                explicit += inBlock ? 0 : 1;
            }
            explicitBootstrapRows = new int[explicit];
            explicitBootstrapObs = new float[images ? 0 : explicit * obsDim];
            explicitBootstrapBytes = new byte[images ? explicit * obsDim : 0];
            for (int i = 0, e = 0; i < rows; i++) {
                if (bootstrapOffset[i] < 0) {
                    explicitBootstrapRows[e] = i;
                    if (images) {
                        System.arraycopy(
                                c.bootstrapBytes,
                                i * obsDim,
                                explicitBootstrapBytes,
                                e * obsDim,
                                obsDim);
                    } else {
                        System.arraycopy(
                                c.bootstrapObs,
                                i * obsDim,
                                explicitBootstrapObs,
                                e * obsDim,
                                obsDim);
                    }
                    e++;
                }
            }
        } else {
            bootstrapOffset = null;
            explicitBootstrapRows = null;
            explicitBootstrapObs = null;
            explicitBootstrapBytes = null;
        }
    }

    /** Copies row {@code i}'s bootstrap observation to {@code dst[at … at + obsDim)}. */
    public void copyBootstrapObs(int i, float[] dst, int at) {
        int offset = bootstrapOffset[i];
        if (offset >= 0) {
            System.arraycopy(nextObs, (i + offset) * obsDim, dst, at, obsDim);
        } else {
            int e = Arrays.binarySearch(explicitBootstrapRows, i);
            System.arraycopy(explicitBootstrapObs, e * obsDim, dst, at, obsDim);
        }
    }

    /** Copies row {@code i}'s bootstrap image to {@code dst[at … at + obsDim)}: image blocks. */
    public void copyBootstrapObs(int i, byte[] dst, int at) {
        int offset = bootstrapOffset[i];
        if (offset >= 0) {
            System.arraycopy(nextObsBytes, (i + offset) * obsDim, dst, at, obsDim);
        } else {
            int e = Arrays.binarySearch(explicitBootstrapRows, i);
            System.arraycopy(explicitBootstrapBytes, e * obsDim, dst, at, obsDim);
        }
    }

    /** Whether row i's stored bootstrap observation is row j's next observation. */
    private static boolean sameBootstrap(Columns c, boolean images, int i, int j, int d) {
        return images
                ? Arrays.equals(
                        c.nextObsBytes, j * d, (j + 1) * d, c.bootstrapBytes, i * d, (i + 1) * d)
                : Arrays.equals(c.nextObs, j * d, (j + 1) * d, c.bootstrapObs, i * d, (i + 1) * d);
    }

    /** Event time of row {@code i}, epoch milliseconds. */
    public long eventTimeMs(int i) {
        return eventTimeOffset != null ? minEventTimeMs + eventTimeOffset[i] : wideEventTimeMs[i];
    }

    /** Env id (dictionary id) of row {@code i}. */
    public int envId(int i) {
        return envIds == null ? constantEnvId : envIds[i];
    }

    /** Whether every row has the same env ({@link #envId} of row 0). */
    public boolean oneEnv() {
        return envIds == null;
    }

    /** Whether this block's rows are all handed to the sampler. */
    public boolean fullyAdmitted() {
        return admitted == rows;
    }

    /** Heap held by the columns, in bytes (array payloads; headers ignored). */
    public long columnBytes() {
        // obs, next_obs, action, reward, flags, behavior_prob, policy, step, actor, episode,
        // priority
        int obsBytesEach = images ? 1 : 4;
        long perRow = (long) obsBytesEach * 2 * obsDim + 4 + 4 + 1 + 4 + 4 + 4 + 4 + 4 + 4;
        perRow += eventTimeOffset != null ? 4 : 8;
        perRow += envIds != null ? 4 : 0;
        if (enriched) {
            perRow += 4 + 1 + 4 + 4; // n-step return, bootstrap offset, discount, rtg
        }
        long explicit = explicitBootstrapRows == null ? 0 : explicitBootstrapRows.length;
        return perRow * rows + explicit * (4 + (long) obsBytesEach * obsDim);
    }

    /** Working columns filled by the loader, at the file's row count before filtering. */
    static final class Columns {
        float[] obs;
        float[] nextObs;
        int[] action;
        float[] reward;
        byte[] flags;
        float[] behaviorProb;
        int[] policyIndex;
        long[] eventTimeMs;
        int[] step;
        int[] envId;
        int[] actorId;
        int[] episodeId;
        float[] nStepReturn;
        int[] nStepCount;
        float[] bootstrapObs;
        byte[] obsBytes;
        byte[] nextObsBytes;
        byte[] bootstrapBytes;
        float[] bootstrapDiscount;
        float[] returnToGo;
        float[] priority;

        Columns(int capacity, boolean enriched) {
            action = new int[capacity];
            reward = new float[capacity];
            flags = new byte[capacity];
            behaviorProb = new float[capacity];
            policyIndex = new int[capacity];
            eventTimeMs = new long[capacity];
            step = new int[capacity];
            envId = new int[capacity];
            actorId = new int[capacity];
            episodeId = new int[capacity];
            priority = new float[capacity];
            Arrays.fill(priority, Float.NaN);
            if (enriched) {
                nStepReturn = new float[capacity];
                nStepCount = new int[capacity];
                bootstrapDiscount = new float[capacity];
                returnToGo = new float[capacity];
            }
        }

        void allocateVectors(int capacity, int obsDim, boolean enriched) {
            obs = new float[capacity * obsDim];
            nextObs = new float[capacity * obsDim];
            if (enriched) {
                bootstrapObs = new float[capacity * obsDim];
            }
        }

        void allocateImages(int capacity, int obsDim, boolean enriched) {
            obsBytes = new byte[capacity * obsDim];
            nextObsBytes = new byte[capacity * obsDim];
            if (enriched) {
                bootstrapBytes = new byte[capacity * obsDim];
            }
        }
    }

    private static float[] fit(float[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static int[] fit(int[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static long[] fit(long[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static byte[] fit(byte[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }
}
