package io.replayflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.cli.lifecycle.LiveReturn;
import io.replayflow.cli.lifecycle.LiveReturns;
import io.replayflow.cli.lifecycle.ManualDecisions;
import io.replayflow.cli.lifecycle.PolicyVersions;
import io.replayflow.cli.lifecycle.PublishedVersion;
import io.replayflow.cli.lifecycle.Stage;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow policy list|promote|rollback|pause|resume}: a policy's versions and its
 * assignment on {@code rf.policy.assignments} (see docs/LIFECYCLE.md).
 *
 * <pre>{@code
 * replayflow policy promote cartpole 7 --canary 0.2 --bootstrap 127.0.0.1:9092 --data data
 * replayflow policy list cartpole --bootstrap 127.0.0.1:9092 --data data --json
 * }</pre>
 */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "List a policy's versions; promote, canary, roll back; pause automation.",
        subcommands = {
            PolicyCommand.ListVersions.class,
            PolicyCommand.Promote.class,
            PolicyCommand.Rollback.class,
            PolicyCommand.Pause.class,
            PolicyCommand.Resume.class
        })
final class PolicyCommand {

    /** The flags every policy verb takes. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "NAME", description = "Policy name.")
        String name;

        @Option(
                names = "--bootstrap",
                required = true,
                paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(
                names = "--data",
                required = true,
                paramLabel = "DIR",
                description = "Data root (artifacts under <data>/policies/<name>/<version>/).")
        Path data;

        @Option(
                names = "--topic-prefix",
                defaultValue = "rf.",
                description = "Topic prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Option(
                names = "--by",
                paramLabel = "USER",
                description = "Who decides (default: the user.name of this process).")
        String by;

        @Mixin KafkaClientConfig kafka;

        Topics topics() {
            try {
                return Topics.withPrefix(topicPrefix);
            } catch (IllegalArgumentException e) {
                throw new UsageError("--topic-prefix " + e.getMessage());
            }
        }

        PolicyVersions versions() {
            if (!Files.isDirectory(data)) {
                throw new UsageError("--data " + data + " is not a directory: give the data root");
            }
            try {
                return PolicyVersions.read(data, name);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }

        AssignmentLog log() {
            return new AssignmentLog(
                    bootstrap, kafka.properties(), topics(), Duration.ofSeconds(30));
        }

        String decider() {
            return by != null ? by : System.getProperty("user.name", "unknown");
        }
    }

    /** Reads the state, lets {@code decide} pick the next assignment, writes and prints it. */
    abstract static class Decide implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin Target target;

        abstract PolicyAssignment decide(ManualDecisions decisions);

        @Override
        public Integer call() {
            PolicyVersions versions = target.versions();
            AssignmentLog log = target.log();
            String decider = target.decider();
            PolicyAssignment next;
            try {
                // As the policy's only writer: a controller pass racing this verb is fenced, or
                // fences it and the verb decides again on what the controller wrote.
                next =
                        log.update(
                                        target.name,
                                        state ->
                                                Optional.of(
                                                        decide(
                                                                new ManualDecisions(
                                                                        versions,
                                                                        state.latest(),
                                                                        state.history(),
                                                                        decider,
                                                                        InstantSource.system()))))
                                .orElseThrow();
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(describe(next));
            out.flush();
            return ReplayFlow.EXIT_OK;
        }
    }

    static String describe(PolicyAssignment a) {
        return String.format(
                Locale.ROOT,
                "policy '%s' assignment #%d: champion v%d%s, %s; %s (by %s)",
                a.getPolicyName(),
                a.getSequence(),
                a.getChampion().getVersion(),
                a.getCanary() == null
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", canary v%d on %.1f%% of episodes",
                                a.getCanary().getVersion(),
                                a.getCanaryShare() * 100),
                a.getMode().name().toLowerCase(Locale.ROOT),
                a.getReason(),
                a.getDecider());
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = {
                "Make VERSION the champion, or with --canary SHARE let it act that share of"
                        + " episodes (chosen by a stable hash of the episode id) beside the"
                        + " champion."
            })
    static final class Promote extends Decide {
        @Parameters(index = "1", paramLabel = "VERSION", description = "Published version.")
        long version;

        @Option(
                names = "--canary",
                paramLabel = "SHARE",
                description = "Share of episodes in (0, 1), e.g. 0.2.")
        Double canary;

        @Override
        PolicyAssignment decide(ManualDecisions d) {
            return canary == null ? d.promote(version) : d.canary(version, canary);
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = {
                "Drop the canary; without one, return to the previous champion. --to VERSION"
                        + " makes that (possibly older) version the champion."
            })
    static final class Rollback extends Decide {
        @Option(names = "--to", paramLabel = "VERSION", description = "Version to return to.")
        Long to;

        @Override
        PolicyAssignment decide(ManualDecisions d) {
            return d.rollback(to);
        }
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = "Stop automatic decisions for the policy (the CLI still decides).")
    static final class Pause extends Decide {
        @Override
        PolicyAssignment decide(ManualDecisions d) {
            return d.mode(AssignmentMode.PAUSED);
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Let the controller decide for the policy again.")
    static final class Resume extends Decide {
        @Override
        PolicyAssignment decide(ManualDecisions d) {
            return d.mode(AssignmentMode.AUTOMATIC);
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Every published version with its stage (champion, canary, candidate, retired),"
                        + " creation time, algo, train step, lineage, OPE estimates (from ope.json"
                        + " beside the artifact) and live return (from rf.episodes.stats).",
                "With --json the last line is {\"policy\": NAME, \"versions\": [{\"version\": n,"
                        + " \"stage\": ..., ...}], ...}."
            })
    static final class ListVersions implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec CommandSpec spec;

        @Mixin Target target;

        @Option(names = "--json", description = "End with one JSON line.")
        boolean json;

        @Option(
                names = "--env",
                paramLabel = "ENV",
                description =
                        "Environment of the live episode statistics (default: every"
                                + " environment's episodes of each version).")
        String env;

        @Override
        public Integer call() {
            PolicyVersions versions = target.versions();
            AssignmentLog log = target.log();
            Optional<PolicyAssignment> current = log.current(target.name);
            List<PolicyAssignment> history = log.history(target.name);
            Map<Long, LiveReturn> live =
                    LiveReturns.read(
                            target.bootstrap,
                            target.kafka.properties(),
                            target.topics().episodeStats(),
                            env);
            ObjectNode root = JSON.createObjectNode();
            root.put("policy", target.name);
            current.ifPresentOrElse(
                    a -> {
                        root.put("mode", a.getMode().name().toLowerCase(Locale.ROOT));
                        root.put("assignment", describe(a));
                    },
                    () -> root.putNull("assignment"));
            ArrayNode rows = root.putArray("versions");
            PrintWriter out = spec.commandLine().getOut();
            long newest = versions.newest().version();
            for (PublishedVersion v : versions.all()) {
                Stage stage = Stage.of(v.version(), newest, current, history);
                ObjectNode row = rows.addObject();
                fill(row, v, stage, live.get(v.version()));
                out.println(line(v, stage, live.get(v.version())));
            }
            out.println(
                    current.map(PolicyCommand::describe)
                            .orElse("no assignment: actors act with the newest version"));
            if (json) {
                out.println(root.toString());
            }
            out.flush();
            return ReplayFlow.EXIT_OK;
        }

        private static void fill(ObjectNode row, PublishedVersion v, Stage stage, LiveReturn r) {
            PolicyManifest m = v.manifest();
            row.put("version", v.version());
            row.put("stage", stage.label());
            row.put("created_at_ms", m.createdAtMs());
            row.put("algo", m.algo());
            row.put("train_step", m.trainStep());
            row.set("lineage", JSON.valueToTree(m.lineage()));
            if (v.ope() != null && v.ope().has("estimates")) {
                row.set("ope", v.ope().get("estimates"));
            } else {
                row.putNull("ope");
            }
            if (r == null) {
                row.putNull("live");
            } else {
                ObjectNode l = row.putObject("live");
                l.put("mean_return", r.mean());
                l.put("low", finite(r.low()));
                l.put("high", finite(r.high()));
                l.put("episodes", r.episodes());
            }
        }

        private static Double finite(double x) {
            return Double.isFinite(x) ? x : null;
        }

        private static String line(PublishedVersion v, Stage stage, LiveReturn r) {
            Function<String, String> ope =
                    method -> {
                        var e = v.estimate(method);
                        return e == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        "  %s %.1f [%.1f, %.1f]",
                                        method,
                                        e.path("value").asDouble(),
                                        e.path("low").asDouble(),
                                        e.path("high").asDouble());
                    };
            return String.format(
                    Locale.ROOT,
                    "v%-4d %-9s %-10s step %-8d%s%s%s",
                    v.version(),
                    stage.label(),
                    v.manifest().algo(),
                    v.manifest().trainStep(),
                    ope.apply("fqe"),
                    ope.apply("dr"),
                    r == null
                            ? "  live: no episodes"
                            : String.format(
                                    Locale.ROOT,
                                    "  live %.1f [%.1f, %.1f] over %d episodes",
                                    r.mean(),
                                    r.low(),
                                    r.high(),
                                    r.episodes()));
        }
    }
}
