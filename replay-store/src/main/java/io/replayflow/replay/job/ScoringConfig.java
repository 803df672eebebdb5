package io.replayflow.replay.job;

import static io.replayflow.replay.job.ReplayStoreOptions.DATA_ROOT;
import static io.replayflow.replay.job.ReplayStoreOptions.PRIORITY_EPSILON;
import static io.replayflow.replay.job.ReplayStoreOptions.SCORING_BATCH_SIZE;
import static io.replayflow.replay.job.ReplayStoreOptions.SCORING_ENABLED;
import static io.replayflow.replay.job.ReplayStoreOptions.SCORING_MAX_WAIT;
import static io.replayflow.replay.job.ReplayStoreOptions.SCORING_POLICY_NAME;
import static io.replayflow.replay.job.ReplayStoreOptions.SCORING_POLICY_ROOT;

import io.replayflow.log.layout.DatasetLayout;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The validated {@code replay.priority.scoring.*} settings (see {@link ReplayStoreOptions}):
 * whether new rows are scored by |TD error| under the latest policy, in batches of {@code
 * batchSize} or after {@code maxWait}, from artifacts under {@code policyRoot} only. Immutable and
 * serializable.
 *
 * @param policyRoot a {@code file:} URI ending in {@code /}; null when scoring is disabled and no
 *     local root could be derived
 * @param policyName the one policy name to follow, or null for any
 */
public record ScoringConfig(
        boolean enabled,
        int batchSize,
        Duration maxWait,
        URI policyRoot,
        String policyName,
        double epsilon)
        implements Serializable {

    public ScoringConfig {
        if (batchSize < 1 || batchSize > 1 << 16) {
            throw new IllegalArgumentException(
                    SCORING_BATCH_SIZE.key()
                            + " is "
                            + batchSize
                            + "; it must be in [1, 65536] (256 is usual)");
        }
        Objects.requireNonNull(maxWait, SCORING_MAX_WAIT.key());
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException(
                    SCORING_MAX_WAIT.key() + " is " + maxWait + "; it must be positive");
        }
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException(
                    PRIORITY_EPSILON.key()
                            + " is "
                            + epsilon
                            + "; it must be finite and > 0 (1e-6 is usual), the rule the trainer"
                            + " applies too");
        }
        if (policyName != null && policyName.isBlank()) {
            policyName = null;
        }
    }

    /**
     * Fails when scoring is enabled without a local policy root (checked by {@link
     * ReplayStoreConfig} after the data root, whose errors come first).
     */
    void checkPolicyRoot() {
        if (enabled && policyRoot == null) {
            throw new IllegalArgumentException(
                    SCORING_POLICY_ROOT.key()
                            + " is required when "
                            + DATA_ROOT.key()
                            + " is not a file: URI: TensorFlow Java loads policies from local"
                            + " disk, so give a mounted copy of <root>/policies, or set "
                            + SCORING_ENABLED.key()
                            + "=false");
        }
    }

    /**
     * Reads the options; the policy root defaults to {@code <dataRoot>/policies/} when {@code
     * dataRoot} is a {@code file:} URI.
     */
    static ScoringConfig fromConfiguration(ReadableConfig conf, URI dataRoot) {
        String root = conf.get(SCORING_POLICY_ROOT);
        URI policyRoot;
        if (root != null && !root.isBlank()) {
            policyRoot = localDirectory(root);
        } else if (dataRoot != null && "file".equals(dataRoot.getScheme())) {
            policyRoot = directory(Path.of(dataRoot).resolve(DatasetLayout.POLICIES_DIR).toUri());
        } else {
            policyRoot = null;
        }
        return new ScoringConfig(
                conf.get(SCORING_ENABLED),
                conf.get(SCORING_BATCH_SIZE),
                conf.get(SCORING_MAX_WAIT),
                policyRoot,
                conf.get(SCORING_POLICY_NAME),
                conf.get(PRIORITY_EPSILON));
    }

    /** Whether announcements of {@code name} are followed. */
    public boolean follows(String name) {
        return policyName == null || policyName.equals(name);
    }

    private static URI localDirectory(String value) {
        try {
            if (value.startsWith("file:")) {
                return directory(Path.of(URI.create(value)).normalize().toUri());
            }
            if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                throw new IllegalArgumentException("not a file: URI");
            }
            return directory(Path.of(value).toAbsolutePath().normalize().toUri());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    SCORING_POLICY_ROOT.key()
                            + " '"
                            + value
                            + "' is not a local directory ("
                            + e.getMessage()
                            + "): give a file: URI or a path, e.g. file:///data/rf/policies",
                    e);
        }
    }

    private static URI directory(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? uri : URI.create(s + "/");
    }
}
