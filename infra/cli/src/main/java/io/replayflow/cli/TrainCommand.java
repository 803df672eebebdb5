package io.replayflow.cli;

import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.actor.eval.Evaluator;
import io.replayflow.cli.progress.ProgressLine;
import io.replayflow.cli.seeds.SeedRuns;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.schemas.Topics;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerOptions;
import io.replayflow.trainer.run.TrainRequest;
import io.replayflow.trainer.run.TrainResult;
import io.replayflow.trainer.run.TrainRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replayflow train}: offline training from a data root, optionally publishing. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train DQN, Double DQN, discrete CQL, IQL, BCQ or behaviour cloning offline from a data"
                    + " root: the experience log (default; 1-step targets) or a replay dataset"
                    + " (--dataset; n-step targets). Resumes from the latest checkpoint under"
                    + " <data>/checkpoints/trainer/<policy>, exports the policy to"
                    + " <data>/policies/<policy>/<version>/ and, with --publish, announces it on"
                    + " rf.policies.",
            "The last stdout line is JSON: {\"policy\": \"<artifact dir>\", \"version\": v, ...}.",
            "With --seeds 1,2,3 it trains one policy per trainer seed (policy name <name>-seed<S>),"
                + " evaluates each greedily over --eval-episodes seeded episodes of --env, prints a"
                + " table and ends with {\"mean_return\": m, \"std_over_seeds\": s, \"runs\":"
                + " [...], ...}."
        })
final class TrainCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaClientConfig kafka;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data root.")
    Path data;

    @Option(
            names = "--algo",
            required = true,
            paramLabel = "ALGO",
            description =
                    "dqn, double-dqn, qr-dqn, cql, iql, bcq or bc (behaviour cloning); a2c,"
                            + " reinforce"
                            + " and impala need a segment dataset; see docs/ALGORITHMS.md.")
    String algo;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description =
                    "Global gradient step to train to; a resumed run continues towards it (default:"
                            + " trainer.steps, 30000).")
    Long steps;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "Train on <data>/replay/NAME instead of the experience log.")
    String dataset;

    @Option(
            names = "--env",
            paramLabel = "ENV",
            description = "Only this environment's transitions.")
    String env;

    @Option(
            names = "--window",
            paramLabel = "FROM..TO",
            description =
                    "Event-time range, ISO-8601 instants, either side optional:"
                            + " 2026-11-20T00:00:00Z..2026-11-21T00:00:00Z")
    String window;

    @Option(
            names = "--policy-versions",
            split = ",",
            paramLabel = "V1,V2",
            description = "Only transitions logged by these behaviour policy versions.")
    long[] policyVersions;

    @Option(
            names = "--policy-name",
            paramLabel = "NAME",
            description =
                    "Name to export and publish under (default: the env id, which actors follow).")
    String policyName;

    @Option(
            names = "--publish",
            description = "Announce the exported version on rf.policies (needs --bootstrap).")
    boolean publish;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, for --publish.")
    String bootstrap;

    @Option(
            names = "--topic-prefix",
            defaultValue = "rf.",
            description = "Topic prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--seeds",
            split = ",",
            paramLabel = "S1,S2",
            description =
                    "Multi-seed protocol: train and evaluate once per trainer seed (needs --env).")
    long[] seeds;

    @Option(
            names = "--eval-episodes",
            defaultValue = "100",
            paramLabel = "N",
            description = "With --seeds: evaluation episodes per seed (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(
            names = "--eval-seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "With --seeds: evaluation seed (default: ${DEFAULT-VALUE}).")
    long evalSeed;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any trainer.* option (see docs/CONFIG.md), repeatable.")
    List<String> settings = List.of();

    @Override
    public Integer call() throws Exception {
        refusePolicyGradient(algo);
        PrintWriter out = spec.commandLine().getOut();
        if (seeds != null) {
            return callSeeds(out);
        }
        TrainResult result = train(request(policyName != null ? policyName : env, null), out);
        out.println(result.toJson());
        out.flush();
        return ReplayFlow.EXIT_OK;
    }

    private TrainResult train(TrainRequest request, PrintWriter out) throws Exception {
        try {
            return TrainRunner.system().run(request, ProgressLine.trainListener(out));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** One training run and one evaluation per seed, then the table and the summary line. */
    private int callSeeds(PrintWriter out) throws Exception {
        if (env == null) {
            throw new UsageError(
                    "--seeds needs --env ENV: each seed's policy is evaluated on that environment");
        }
        if (keyValues().containsKey(TrainerOptions.SEED.key())) {
            throw new UsageError(
                    "--seeds sets trainer.seed for each run: drop --set "
                            + TrainerOptions.SEED.key());
        }
        if (evalEpisodes < 1) {
            throw new UsageError("--eval-episodes " + evalEpisodes + " must be >= 1, e.g. 100");
        }
        String base = policyName != null ? policyName : env;
        List<SeedRuns.Run> runs = new ArrayList<>();
        for (long seed : seeds) {
            TrainResult trained = train(request(base + "-seed" + seed, seed), out);
            EvaluationResult eval;
            try {
                eval =
                        Evaluator.withBuiltIns()
                                .evaluate(trained.policyDir(), env, evalEpisodes, evalSeed);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            } catch (PolicyRejectedException e) {
                throw new UsageError("policy refused: " + e.getMessage());
            }
            out.println("seed " + seed + ": " + eval.summary());
            out.flush();
            runs.add(
                    new SeedRuns.Run(
                            seed, trained.policyDir(), eval.meanReturn(), eval.stdReturn()));
        }
        SeedRuns summary = new SeedRuns(Algo.parse(algo).id(), env, evalEpisodes, evalSeed, runs);
        summary.table().forEach(out::println);
        out.println(summary.toJson());
        out.flush();
        return ReplayFlow.EXIT_OK;
    }

    /**
     * @param name the policy name, or null for the default
     * @param seed the trainer seed to force, or null for trainer.seed as configured
     */
    private TrainRequest request(String name, Long seed) {
        try {
            TrainRequest.Builder b =
                    TrainRequest.builder(data.toAbsolutePath().toUri())
                            .algo(Algo.parse(algo))
                            .topics(Topics.withPrefix(topicPrefix));
            if (steps != null) {
                b.steps(steps);
            }
            if (dataset != null) {
                b.dataset(dataset);
            }
            if (env != null) {
                b.env(env);
            }
            if (window != null) {
                window(b);
            }
            if (policyVersions != null) {
                b.policyVersions(policyVersions);
            }
            if (name != null) {
                b.policyName(name);
            }
            if (publish) {
                if (bootstrap == null) {
                    throw new UsageError("--publish needs --bootstrap HOST:PORT");
                }
                b.publish(bootstrap);
                b.kafkaProperties(kafka.properties());
            }
            for (var e : keyValues().entrySet()) {
                b.set(e.getKey(), e.getValue());
            }
            if (seed != null) {
                b.set(TrainerOptions.SEED.key(), Long.toString(seed));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private void window(TrainRequest.Builder b) {
        int dots = window.indexOf("..");
        if (dots < 0) {
            throw new UsageError(
                    "--window '" + window + "' needs the form FROM..TO (either side may be empty)");
        }
        try {
            String from = window.substring(0, dots).strip();
            String to = window.substring(dots + 2).strip();
            if (!from.isEmpty()) {
                b.from(Instant.parse(from));
            }
            if (!to.isEmpty()) {
                b.to(Instant.parse(to));
            }
        } catch (DateTimeParseException e) {
            throw new UsageError(
                    "--window '"
                            + window
                            + "': "
                            + e.getParsedString()
                            + " is not an ISO-8601 instant such as 2026-11-21T00:00:00Z");
        }
    }

    private Map<String, String> keyValues() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : settings) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(
                        "--set '" + kv + "' needs the form key=value, e.g. trainer.lr=0.001");
            }
            map.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return map;
    }

    /**
     * Refuses a segment {@code --algo} (a2c, reinforce, impala, r2d2) in one line: those learn
     * on-policy from the trajectory segments the replay-store job writes live (a short window read
     * once, FIFO), which {@code learn} and {@code demo} read; {@code train} learns offline from
     * logged transitions.
     */
    static void refusePolicyGradient(String algo) {
        Algo parsed;
        try {
            parsed = Algo.parse(algo);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        if (parsed.segments()) {
            throw new UsageError(
                    "--algo "
                            + parsed
                            + (parsed.policyGradient() ? " learns on-policy" : " learns")
                            + " from live trajectory segments, not offline from"
                            + " logged transitions: run 'replayflow demo --algo "
                            + parsed
                            + "', or 'replayflow learn --algo "
                            + parsed
                            + "' beside 'replayflow stack --dataset-kind segments'; train takes"
                            + " dqn, double-dqn, qr-dqn, cql, iql, bcq or bc");
        }
    }
}
