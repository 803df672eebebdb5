package io.replayflow.log.layout;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where things live under a data root (a Flink FileSystem URI: {@code file:///…}, {@code s3://…},
 * {@code hdfs://…}):
 *
 * <pre>
 *   &lt;root&gt;/experience/                          the experience log (ingest), partitioned
 *   &lt;root&gt;/replay/&lt;name&gt;/                        a replay dataset (this module's job), partitioned
 *   &lt;root&gt;/replay/&lt;name&gt;/_priorities/&lt;partition&gt;/  compacted priority files of that partition
 *   &lt;root&gt;/policies/                            published policy artifacts (trainer), read by actors and the job
 *   &lt;root&gt;/checkpoints/                         trainer and job checkpoints
 * </pre>
 *
 * <p>Partitions inside the experience log and each dataset are {@link PartitionPath}s.
 *
 * <h2>Which files are data</h2>
 *
 * Readers only see committed files: names ending in {@code .parquet} that do not start with {@code
 * .} or {@code _}. Flink's file sink writes in-progress and pending files as hidden dot files and
 * renames them on commit; directories starting with {@code _} (such as {@code _priorities}) hold
 * metadata, not rows.
 */
public final class DatasetLayout {

    /** Directory of the experience log under a data root. */
    public static final String EXPERIENCE_DIR = "experience";

    /** Directory of replay datasets under a data root. */
    public static final String REPLAY_DIR = "replay";

    /** Directory of published policies under a data root. */
    public static final String POLICIES_DIR = "policies";

    /** Directory of checkpoints under a data root. */
    public static final String CHECKPOINTS_DIR = "checkpoints";

    /** Directory of priority files inside a replay dataset. */
    public static final String PRIORITIES_DIR = "_priorities";

    /** Suffix of committed data files. */
    public static final String PARQUET_SUFFIX = ".parquet";

    private static final Pattern DATASET_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]*");

    private DatasetLayout() {}

    /** {@code <root>/experience/}. */
    public static URI experienceLog(URI dataRoot) {
        return child(dataRoot, EXPERIENCE_DIR);
    }

    /** {@code <root>/replay/<name>/}. */
    public static URI replayDataset(URI dataRoot, String name) {
        checkDatasetName(name);
        return child(child(dataRoot, REPLAY_DIR), name);
    }

    /** {@code <root>/policies/}. */
    public static URI policies(URI dataRoot) {
        return child(dataRoot, POLICIES_DIR);
    }

    /** {@code <root>/checkpoints/}. */
    public static URI checkpoints(URI dataRoot) {
        return child(dataRoot, CHECKPOINTS_DIR);
    }

    /** {@code <dataset>/_priorities/}. */
    public static URI priorities(URI dataset) {
        return child(dataset, PRIORITIES_DIR);
    }

    /** Whether a file or directory name is hidden from readers (in progress or metadata). */
    public static boolean isHidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Whether a file name is a committed data file. */
    public static boolean isCommittedDataFile(String name) {
        return !isHidden(name) && name.endsWith(PARQUET_SUFFIX);
    }

    /**
     * Rejects dataset names that would not make a single, portable directory name.
     *
     * @throws IllegalArgumentException naming the rule
     */
    public static String checkDatasetName(String name) {
        Objects.requireNonNull(name, "dataset name");
        if (!DATASET_NAME.matcher(name).matches() || name.length() > 128) {
            throw new IllegalArgumentException(
                    "dataset name '"
                            + name
                            + "' is not allowed: use 1-128 letters, digits, '.', '_' or '-',"
                            + " starting with a letter or digit (e.g. 'cartpole-6h')");
        }
        return name;
    }

    /** {@code parent/name/}, keeping the parent's scheme and authority. */
    public static URI child(URI parent, String name) {
        String base = parent.toString();
        return URI.create(base.endsWith("/") ? base + name + "/" : base + "/" + name + "/");
    }
}
