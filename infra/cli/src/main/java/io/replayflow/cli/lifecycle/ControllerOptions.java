package io.replayflow.cli.lifecycle;

import io.replayflow.schemas.config.OptionTable;
import io.replayflow.schemas.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The documented settings of the lifecycle controller ({@code replayflow controller}), in one
 * {@link OptionTable}; {@code docs/CONFIG.md} is generated from {@link #table()}.
 *
 * <pre>{@code
 * ControllerConfig config = ControllerOptions.parse(Map.of(
 *         "controller.gate.margin", "25",
 *         "controller.canary.share", "0.2",
 *         "controller.promote.min-episodes", "200"));
 * }</pre>
 */
public final class ControllerOptions {

    private static final OptionTable TABLE = new OptionTable("controller", List.of());

    public static final ConfigOption<Double> GATE_MARGIN =
            TABLE.add(
                    key("controller.gate.margin").doubleType().defaultValue(10.0),
                    "double",
                    "A candidate becomes the canary only if its OPE lower bound is at least the"
                            + " champion's estimate minus this margin, in return units (>= 0).");
    public static final ConfigOption<String> GATE_METHOD =
            TABLE.add(
                    key("controller.gate.ope-method").stringType().defaultValue("dr"),
                    "fqe | dr | pdis | wpdis",
                    "Which estimate of ope.json (written beside the artifact by 'replayflow ope')"
                            + " the gate compares.");
    public static final ConfigOption<Double> CANARY_SHARE =
            TABLE.add(
                    key("controller.canary.share").doubleType().defaultValue(0.1),
                    "double",
                    "Share of episodes a candidate that passed the gate acts as the canary, in"
                            + " (0, 1).");
    public static final ConfigOption<Long> PROMOTE_EPISODES =
            TABLE.add(
                    key("controller.promote.min-episodes").longType().defaultValue(100L),
                    "long",
                    "N: live episodes the canary and the champion each need before a promotion"
                            + " (>= 2).");
    public static final ConfigOption<Long> PROMOTE_EARLY_EPISODES =
            TABLE.add(
                    key("controller.promote.early-episodes").longType().defaultValue(0L),
                    "long",
                    "Live episodes the canary and the champion each need before an early"
                            + " promotion: a canary better with confidence (its advantage's lower"
                            + " confidence bound above 0) is promoted before"
                            + " controller.promote.min-episodes; 0: never before them (0, or 2 to"
                            + " controller.promote.min-episodes).");
    public static final ConfigOption<Double> PROMOTE_TOLERANCE =
            TABLE.add(
                    key("controller.promote.tolerance").doubleType().defaultValue(0.0),
                    "double",
                    "How far below the champion the lower confidence bound of the canary's"
                            + " advantage may reach for a promotion, in return units (>= 0).");
    public static final ConfigOption<Long> ROLLBACK_EPISODES =
            TABLE.add(
                    key("controller.rollback.min-episodes").longType().defaultValue(20L),
                    "long",
                    "Live episodes the canary and the champion each need before a rollback"
                            + " (>= 2).");
    public static final ConfigOption<Long> SUPERSEDE_EPISODES =
            TABLE.add(
                    key("controller.canary.supersede-after").longType().defaultValue(0L),
                    "long",
                    "A canary the controller put in that is still undecided (neither promoted nor"
                            + " rolled back) with at least this many live episodes a side is"
                            + " replaced by a newer candidate that passes the gate; the champion"
                            + " stays. A canary put in by a user is never replaced. 0: a canary"
                            + " runs until promoted or rolled back (0, or >= 2).");
    public static final ConfigOption<Long> ROLLBACK_FAILURES =
            TABLE.add(
                    key("controller.rollback.failure-reports").longType().defaultValue(1L),
                    "long",
                    "Failure reports on rf.policy.failures (actors or decision services that could"
                            + " not load, verify or act with the canary) that roll the canary back"
                            + " at once, whatever its live return (>= 1).");
    public static final ConfigOption<Double> CONFIDENCE =
            TABLE.add(
                    key("controller.confidence").doubleType().defaultValue(0.95),
                    "double",
                    "One-sided confidence of 'at least as good' (promote) and 'worse' (roll back),"
                            + " in (0.5, 1); 0.95 is z = 1.645.");
    public static final ConfigOption<Duration> POLL_INTERVAL =
            TABLE.add(
                    key("controller.poll-interval")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(5)),
                    "duration",
                    "Time between two passes over the assignments, the artifacts and the episode"
                            + " statistics.");

    private ControllerOptions() {}

    /** Every option, in documentation order: the controller's section of docs/CONFIG.md. */
    public static OptionTable table() {
        return TABLE;
    }

    /**
     * A validated config from {@code key → text} settings; unset keys take their defaults.
     *
     * @throws IllegalArgumentException naming the key and the rule it breaks
     */
    public static ControllerConfig parse(Map<String, String> settings) {
        Settings values = TABLE.read(settings);
        double confidence = values.get(CONFIDENCE);
        if (!(confidence > 0.5 && confidence < 1.0)) {
            throw new IllegalArgumentException(
                    CONFIDENCE.key() + " = " + confidence + " must be in (0.5, 1), e.g. 0.95");
        }
        double share = values.get(CANARY_SHARE);
        if (!(share > 0.0 && share < 1.0)) {
            throw new IllegalArgumentException(
                    CANARY_SHARE.key() + " = " + share + " must be in (0, 1), e.g. 0.1");
        }
        String method = values.get(GATE_METHOD);
        if (!List.of("fqe", "dr", "pdis", "wpdis").contains(method)) {
            throw new IllegalArgumentException(
                    GATE_METHOD.key() + " = " + method + " is not one of fqe, dr, pdis, wpdis");
        }
        Duration poll = values.get(POLL_INTERVAL);
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException(
                    POLL_INTERVAL.key() + " = " + poll + " must be positive, e.g. 5 s");
        }
        long failureReports = values.get(ROLLBACK_FAILURES);
        if (failureReports < 1) {
            throw new IllegalArgumentException(
                    ROLLBACK_FAILURES.key()
                            + " = "
                            + failureReports
                            + " must be at least 1, e.g. 1");
        }
        long supersede = values.get(SUPERSEDE_EPISODES);
        if (supersede != 0 && supersede < 2) {
            throw new IllegalArgumentException(
                    SUPERSEDE_EPISODES.key()
                            + " = "
                            + supersede
                            + " must be 0 (never replace a canary) or at least 2, e.g. 10");
        }
        long early = values.get(PROMOTE_EARLY_EPISODES);
        if (early != 0 && (early < 2 || early > values.get(PROMOTE_EPISODES))) {
            throw new IllegalArgumentException(
                    PROMOTE_EARLY_EPISODES.key()
                            + " = "
                            + early
                            + " must be 0 (no early promotion) or from 2 to "
                            + PROMOTE_EPISODES.key()
                            + " ("
                            + values.get(PROMOTE_EPISODES)
                            + "), e.g. 5");
        }
        double z = new NormalDistribution().inverseCumulativeProbability(confidence);
        CanaryRules rules;
        try {
            rules =
                    new CanaryRules(
                            values.get(GATE_MARGIN),
                            values.get(PROMOTE_TOLERANCE),
                            z,
                            values.get(PROMOTE_EPISODES),
                            values.get(ROLLBACK_EPISODES),
                            early);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage()
                            + " ("
                            + GATE_MARGIN.key()
                            + ", "
                            + PROMOTE_TOLERANCE.key()
                            + ", "
                            + PROMOTE_EPISODES.key()
                            + ", "
                            + ROLLBACK_EPISODES.key()
                            + ")",
                    e);
        }
        return new ControllerConfig(rules, share, method, poll, failureReports, supersede);
    }

    private static ConfigOptions.OptionBuilder key(String key) {
        return ConfigOptions.key(key);
    }
}
