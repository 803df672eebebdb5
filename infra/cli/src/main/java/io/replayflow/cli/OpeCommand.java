package io.replayflow.cli;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.data.DataSelection;
import io.replayflow.trainer.ope.ExperienceEpisodes;
import io.replayflow.trainer.ope.OffPolicyEvaluation;
import io.replayflow.trainer.ope.OpeEstimate;
import io.replayflow.trainer.ope.OpeResultFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow ope}: off-policy evaluation of a policy artifact on the experience log.
 *
 * <pre>{@code
 * replayflow ope --policy data/policies/CartPole-v1/7 --data data --env CartPole-v1 --json
 * }</pre>
 */
@Command(
        name = "ope",
        mixinStandardHelpOptions = true,
        description = {
            "Estimate a policy artifact's return from the experience log, without running it:"
                + " per-decision importance sampling (pdis), its weighted form (wpdis), fitted Q"
                + " evaluation (fqe, on the trainer's TensorFlow graph) and doubly robust (dr, with"
                + " FQE as its model), from the logged behavior_prob. The target is the artifact's"
                + " greedy action. Each estimate comes with a bootstrap interval over episodes and"
                + " the effective sample size; a warning says when the log does not support the"
                + " target's actions or FQE made too few backups for the horizon. The result is"
                + " also written to <policy>/ope.json.",
            "With --json the last line is {\"estimates\": {\"fqe\": {\"value\": v, \"low\": l,"
                + " \"high\": h, \"ess\": n}, \"dr\": {...}, \"pdis\": {...}, \"wpdis\": {...}},"
                + " ...}."
        })
final class OpeCommand implements Callable<Integer> {

    /** The result file next to the evaluated artifact. */
    private static final String TARGET_PERIOD = "trainer.target.update-period";

    private static final long DEFAULT_TARGET_PERIOD = 20;

    @Spec CommandSpec spec;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "DIR",
            description = "Policy artifact directory to evaluate.")
    Path policy;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data root.")
    Path data;

    @Option(
            names = "--env",
            required = true,
            paramLabel = "ENV",
            description = "Environment id of the logged episodes, e.g. CartPole-v1.")
    String env;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Episodes logged from.")
    String from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Episodes logged before.")
    String to;

    @Option(
            names = "--policy-versions",
            split = ",",
            paramLabel = "V1,V2",
            description = "Only transitions logged by these behaviour policy versions.")
    long[] policyVersions;

    @Option(
            names = "--methods",
            split = ",",
            defaultValue = "pdis,wpdis,fqe,dr",
            paramLabel = "M1,M2",
            description = "Estimators (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(
            names = "--gamma",
            defaultValue = "1.0",
            paramLabel = "G",
            description =
                    "Discount of the estimated return (default: ${DEFAULT-VALUE}, the"
                            + " undiscounted return that evaluate reports).")
    double gamma;

    @Option(
            names = "--fqe-steps",
            defaultValue = "40000",
            paramLabel = "N",
            description = "FQE gradient steps (default: ${DEFAULT-VALUE}).")
    long fqeSteps;

    @Option(
            names = "--bootstrap-resamples",
            defaultValue = "200",
            paramLabel = "B",
            description = "Bootstrap resamples over episodes (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(
            names = "--confidence",
            defaultValue = "0.95",
            paramLabel = "C",
            description = "Interval coverage (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(
            names = "--tiny-prob",
            defaultValue = "0.01",
            paramLabel = "P",
            description =
                    "Warn where the target acts with a behavior_prob below this (default:"
                            + " ${DEFAULT-VALUE}).")
    double tinyProbability;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "Seed of FQE and the bootstrap (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "trainer.* options of FQE's network and optimizer (default: trainer"
                            + " defaults, lr 0.001, target period 20), repeatable. FQE makes"
                            + " --fqe-steps / target period Bellman backups and its values reach"
                            + " no further ahead; a warning says when that is short of the"
                            + " horizon.")
    List<String> settings = List.of();

    @Option(
            names = "--target-epsilon",
            defaultValue = "0",
            paramLabel = "E",
            description =
                    "Evaluate the artifact's epsilon-soft policy (greedy with probability 1-E,"
                            + " uniform otherwise) instead of its greedy one (default:"
                            + " ${DEFAULT-VALUE}). Under an epsilon-greedy behaviour a greedy"
                            + " target gives most episodes importance weight 0; a soft target"
                            + " keeps them all, at the price of estimating the soft policy's"
                            + " return.")
    double targetEpsilon;

    @Option(
            names = "--fqe-target",
            defaultValue = "trace",
            paramLabel = "KIND",
            description =
                    "FQE's regression target: trace (Retrace with lambda 1: the logged rewards for"
                        + " as long as the log follows the target, then the bootstrap) or one-step"
                        + " (r + Q(s', pi(s'))) (default: ${DEFAULT-VALUE}; an epsilon-soft target"
                        + " always uses one-step).")
    String fqeTarget;

    @Option(
            names = "--fqe-fits",
            defaultValue = "3",
            paramLabel = "K",
            description =
                    "Independently initialised FQE fits whose Q-values are averaged, each of"
                            + " --fqe-steps; the fqe and dr intervals resample the fits as well as"
                            + " the episodes, so with one fit they leave out the fitting error"
                            + " (default: ${DEFAULT-VALUE}).")
    int fqeFits;

    @Option(
            names = "--fqe-iterates",
            defaultValue = "8",
            paramLabel = "N",
            description =
                    "Each fit's Q-values are the mean of N networks evenly spaced over its last"
                            + " quarter of steps (iterate averaging; 1: the last network) (default:"
                            + " ${DEFAULT-VALUE}).")
    int fqeIterates;

    @Option(
            names = "--fqe-q",
            defaultValue = "action-input",
            paramLabel = "KIND",
            description =
                    "FQE's network: action-input (the action one-hot beside the observation, one"
                            + " output Q(s, a)) or heads (one output per action, as the trainer's"
                            + " Q-network) (default: ${DEFAULT-VALUE}).")
    String fqeQ;

    @Option(
            names = "--fqe-history",
            defaultValue = "0",
            paramLabel = "K",
            description =
                    "FQE regresses only on the logged steps whose previous K logged actions were"
                            + " the target's, i.e. on states as the target reaches them (greedy"
                            + " targets; 0: every logged step). On CartPole K = 5 corrected a good"
                            + " target's underestimate but lifted poor targets far above their"
                            + " value (docs/ALGORITHMS.md) (default: ${DEFAULT-VALUE}).")
    int fqeHistory;

    @Option(names = "--json", description = "End with one JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        OffPolicyEvaluation.Settings s = settings();
        DataSelection selection = selection();
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        EnvSpec envSpec;
        try {
            envSpec = registry.spec(env);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        if (!Files.isDirectory(policy)) {
            throw new UsageError(
                    "--policy " + policy + " is not a directory: give a policy artifact directory");
        }
        if (!Files.isDirectory(data.resolve("experience"))) {
            throw new UsageError(
                    "--data "
                            + data
                            + " has no experience/ log: give the data root that collect or the"
                            + " stack wrote");
        }
        ExperienceEpisodes.Read read;
        try {
            read = ExperienceEpisodes.read(data.toAbsolutePath().toUri(), selection);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        float[] probe = registry.make(env).reset(seed);
        PolicyLoader loader =
                PolicyLoader.tensorFlow(EnvPolicySpec.of(envSpec), probe, Policy.ACTIONS_CHUNK)
                        .statelessOnly(
                                "off-policy evaluation scores each logged step on its own,"
                                        + " without the target policy's state over the episode");
        OffPolicyEvaluation.Report report;
        try (Policy target = loader.loadDirectory(policy)) {
            if (read.obsDim() != target.observationSize()) {
                throw new UsageError(
                        "the log's observations have "
                                + read.obsDim()
                                + " floats; the policy takes "
                                + target.observationSize()
                                + ": check --env and --data");
            }
            out.printf(
                    Locale.ROOT,
                    "ope: policy v%d on %d episodes (%d dropped with missing steps) from %s%n",
                    target.version(),
                    read.episodes().size(),
                    read.dropped(),
                    selection.describe());
            out.flush();
            report =
                    OffPolicyEvaluation.run(
                            read.episodes(),
                            read.obsDim(),
                            envSpec.numActions(),
                            target::actions,
                            s);
        } catch (PolicyRejectedException e) {
            throw new UsageError("policy refused: " + e.getMessage());
        }
        print(out, report);
        String line = report.toJson(policy.toAbsolutePath().toString());
        Path written = writeNextToPolicy(line);
        out.println("ope: wrote " + written);
        if (json) {
            out.println(line);
        }
        out.flush();
        return ReplayFlow.EXIT_OK;
    }

    /**
     * {@code <policy>/ope.json} ({@link OpeResultFile}): the same object as the {@code --json}
     * line, for {@code policy list} and the controller.
     */
    private Path writeNextToPolicy(String line) {
        try {
            return OpeResultFile.write(policy, line);
        } catch (IOException e) {
            throw new UsageError(
                    "cannot write "
                            + policy.resolve(OpeResultFile.NAME)
                            + " ("
                            + e.getMessage()
                            + "): make the policy directory writable");
        }
    }

    private Map<String, String> fqeSettings() {
        Map<String, String> fqe = new LinkedHashMap<>();
        fqe.put("trainer.lr", "0.001");
        fqe.put(TARGET_PERIOD, Long.toString(DEFAULT_TARGET_PERIOD));
        fqe.putAll(keyValues());
        return fqe;
    }

    private void print(PrintWriter out, OffPolicyEvaluation.Report r) {
        out.printf(
                Locale.ROOT,
                "%d of %d episodes follow the target throughout; the target acts at %d of %d"
                        + " logged steps%n",
                r.supportedEpisodes(),
                r.episodes(),
                r.targetActs(),
                r.transitions());
        for (Map.Entry<String, OpeEstimate> e : r.estimates().entrySet()) {
            OpeEstimate x = e.getValue();
            out.printf(
                    Locale.ROOT,
                    "  %-5s %10.2f  [%.2f, %.2f]  ess %.1f%n",
                    e.getKey(),
                    x.value(),
                    x.low(),
                    x.high(),
                    x.ess());
            if (!x.fits().isEmpty()) {
                out.printf(
                        Locale.ROOT,
                        "        fits: %s%n",
                        x.fits().stream()
                                .map(v -> String.format(Locale.ROOT, "%.2f", v))
                                .collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        for (String w : r.warnings()) {
            out.println("warning: " + w);
        }
    }

    private boolean fqeTrace() {
        return switch (fqeTarget.strip().toLowerCase(Locale.ROOT)) {
            case "trace" -> true;
            case "one-step" -> false;
            default ->
                    throw new UsageError(
                            "--fqe-target "
                                    + fqeTarget
                                    + " is not known; choose trace or one-step");
        };
    }

    private boolean fqeActionInput() {
        return switch (fqeQ.strip().toLowerCase(Locale.ROOT)) {
            case "action-input" -> true;
            case "heads" -> false;
            default ->
                    throw new UsageError(
                            "--fqe-q " + fqeQ + " is not known; choose action-input or heads");
        };
    }

    private OffPolicyEvaluation.Settings settings() {
        try {
            Set<String> chosen = new LinkedHashSet<>();
            for (String m : methods) {
                chosen.add(m.strip().toLowerCase(Locale.ROOT));
            }
            Map<String, String> fqe = fqeSettings();
            if (tinyProbability <= 0 || tinyProbability >= 1) {
                throw new UsageError(
                        "--tiny-prob " + tinyProbability + " is outside (0, 1); e.g. 0.01");
            }
            return OffPolicyEvaluation.Settings.builder()
                    .gamma(gamma)
                    .methods(chosen)
                    .fqe(TrainerConfig.fromMap(fqe))
                    .fqeSteps(fqeSteps)
                    .resamples(resamples)
                    .confidence(confidence)
                    .seed(seed)
                    .tinyProbability(tinyProbability)
                    .targetEpsilon(targetEpsilon)
                    .fqeTrace(fqeTrace())
                    .fqeFits(fqeFits)
                    .fqeIterates(fqeIterates)
                    .fqeActionInput(fqeActionInput())
                    .fqeHistory(fqeHistory)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private DataSelection selection() {
        try {
            return new DataSelection(
                    Optional.of(env),
                    Optional.ofNullable(from).map(f -> instant("--from", f)),
                    Optional.ofNullable(to).map(t -> instant("--to", t)),
                    Optional.ofNullable(policyVersions));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private static Instant instant(String flag, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageError(
                    flag
                            + " '"
                            + text
                            + "' is not an ISO-8601 instant such as 2026-11-21T00:00:00Z");
        }
    }

    private Map<String, String> keyValues() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : settings) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(
                        "--set '" + kv + "' needs the form key=value, e.g. trainer.hidden=64,64");
            }
            map.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return map;
    }
}
