package io.replayflow.cli.lifecycle;

import java.time.Duration;
import java.util.Objects;

/**
 * The lifecycle controller's validated settings ({@link ControllerOptions#parse}).
 *
 * @param rules gate, promotion and rollback rules
 * @param canaryShare share of episodes a gated candidate acts, in (0, 1)
 * @param opeMethod the ope.json estimate the gate compares ({@code dr}, {@code fqe}...)
 * @param pollInterval time between two passes
 * @param failureReports failure reports against a canary that roll it back (at least 1)
 * @param supersedeEpisodes live episodes a side after which a canary the controller put in and that
 *     is still undecided gives its place to a newer candidate that passes the gate; 0: never
 */
public record ControllerConfig(
        CanaryRules rules,
        double canaryShare,
        String opeMethod,
        Duration pollInterval,
        long failureReports,
        long supersedeEpisodes) {

    public ControllerConfig {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(opeMethod, "opeMethod");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (!(canaryShare > 0.0 && canaryShare < 1.0)) {
            throw new IllegalArgumentException("canary share must be in (0, 1): " + canaryShare);
        }
        if (failureReports < 1) {
            throw new IllegalArgumentException(
                    "failure reports must be at least 1: " + failureReports);
        }
        if (supersedeEpisodes != 0 && supersedeEpisodes < 2) {
            throw new IllegalArgumentException(
                    "a canary is replaced after 0 (never) or at least 2 episodes: "
                            + supersedeEpisodes);
        }
    }

    /** Settings that never replace a canary. */
    public ControllerConfig(
            CanaryRules rules,
            double canaryShare,
            String opeMethod,
            Duration pollInterval,
            long failureReports) {
        this(rules, canaryShare, opeMethod, pollInterval, failureReports, 0);
    }

    /** The defaults of every key. */
    public static ControllerConfig defaults() {
        return ControllerOptions.parse(java.util.Map.of());
    }
}
