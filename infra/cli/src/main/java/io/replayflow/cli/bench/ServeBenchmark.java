package io.replayflow.cli.bench;

import io.replayflow.actor.metrics.LatencyHistogram;
import io.replayflow.actor.metrics.Metric;
import io.replayflow.actor.metrics.ServeMetrics;
import io.replayflow.actor.serve.DecisionService;
import io.replayflow.actor.serve.ServeConfig;
import io.replayflow.actor.serve.ServeOptions;
import io.replayflow.actor.serve.decide.DecisionStage;
import io.replayflow.policy.Policy;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.Trainer;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.publish.PolicyPublisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Throughput and latency of {@code replayflow serve} under an independent HTTP load generator, with
 * the bare batched-inference rate of the same model in the same run.
 *
 * <p>The service runs as {@code serve} does (real Jetty, real Kafka log with {@code acks=all} on
 * the given broker, the policy follower on {@code rf.policies}) with a CartPole-sized policy the
 * trainer exports (its default 4-64-64-2 Q-network, untrained: inference costs the same). Two load
 * phases, each by a process outside the JVM on the same machine:
 *
 * <ol>
 *   <li>closed loop, as fast as it goes: {@code wrk} with C connections, its latency percentiles;
 *   <li>open loop at a constant rate R: {@code h2load --rps}, whose per-request log gives the
 *       percentiles. Each h2load connection holds one request at a time, so a request delayed past
 *       its slot delays the next one (coordinated omission): the figures understate the tail when
 *       the service stalls, and "sent" below the target rate shows it;
 *   <li>closed loop through the batch form, {@code POST /v1/decisions/batch} with B decisions of
 *       distinct sessions per request (what a high-volume client sends): decisions/s from the
 *       service's own decision counter, latency per request.
 * </ol>
 */
public final class ServeBenchmark {

    /** What to run. */
    public record Settings(
            int connections,
            int wrkThreads,
            Duration duration,
            Duration warmUp,
            int rate,
            int rateConnections,
            int batchSize,
            Map<String, String> serveSettings) {}

    /** One load phase's figures. */
    public record LoadResult(
            String tool, double requestsPerSecond, long ok, long failed, Map<String, Double> pMs) {}

    private static final String POLICY = "bench";
    private static final int OBS = 4;

    private ServeBenchmark() {}

    /**
     * Fails with the missing names, and how to create them, unless the topics the service reads and
     * writes exist on {@code bootstrap} (an outside cluster: nothing here creates topics on it).
     */
    public static void requireTopics(String bootstrap, Topics topics) throws Exception {
        List<String> needed =
                List.of(
                        topics.policies(),
                        topics.assignments(),
                        topics.policyFailures(),
                        topics.decisions(),
                        topics.outcomes());
        Set<String> present;
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                10_000,
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                5_000))) {
            present = admin.listTopics().names().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalArgumentException(
                    "--bootstrap "
                            + bootstrap
                            + ": cannot list its topics ("
                            + (e.getCause() != null ? e.getCause() : e)
                            + "); start a broker there (e.g. 'replayflow stack --no-jobs') or fix"
                            + " the address");
        }
        List<String> missing = needed.stream().filter(t -> !present.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "--bootstrap "
                            + bootstrap
                            + " lacks the topics "
                            + missing
                            + ": create them ('replayflow stack' creates every topic) or pass the"
                            + " --topic-prefix they use");
        }
    }

    /** Runs both phases against a service on {@code bootstrap}; prints as it goes. */
    public static void run(String bootstrap, Topics topics, Path work, Settings s, PrintWriter out)
            throws Exception {
        requireTool("wrk", "apt-get install -y wrk");
        requireTool("h2load", "apt-get install -y nghttp2-client");
        Path policies = work.resolve("policies");
        long version = exportAndPublish(bootstrap, topics, work);
        Map<String, String> keys = new HashMap<>(s.serveSettings());
        keys.put(ServeOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        keys.put(ServeOptions.POLICY_NAME.key(), POLICY);
        keys.put(ServeOptions.PORT.key(), "0");
        keys.put(ServeOptions.POLICY_ROOT.key(), policies.toString());
        ServeConfig config = ServeOptions.parse(keys);
        try (DecisionService service = DecisionService.start(config)) {
            awaitVersion(service, version);
            out.printf(
                    Locale.ROOT,
                    "serve: policy v%d (4-64-64-2 Q-network), max batch %d, batch wait %d us,"
                            + " %d HTTP threads, %d cores%n",
                    version,
                    config.maxBatch(),
                    config.maxWait().toNanos() / 1000,
                    config.httpThreads(),
                    Runtime.getRuntime().availableProcessors());
            PolicyRef ref = service.holder().acquire();
            try {
                for (int batch : new int[] {1, 16, config.maxBatch()}) {
                    out.printf(
                            Locale.ROOT,
                            "bare batched inference, batch %3d: %,12.0f decisions/s%n",
                            batch,
                            inferenceRate(ref.policy(), batch, Duration.ofSeconds(2)));
                }
            } finally {
                ref.release();
            }
            out.flush();
            String url = service.uri().resolve("v1/decisions").toString();
            warmUp(url, work, s);
            Map<String, Double> before = counters(service.metrics());
            Map<DecisionStage, LatencyHistogram> stagesBefore = stages(service.metrics());
            LoadResult closed = wrk(url, work, s);
            Map<String, Double> after = counters(service.metrics());
            Map<DecisionStage, LatencyHistogram> stagesAfter = stages(service.metrics());
            print(out, "closed loop (wrk, " + s.connections() + " connections)", closed);
            double batches = after.get(ServeMetrics.BATCHES) - before.get(ServeMetrics.BATCHES);
            double decisions =
                    after.get(ServeMetrics.DECISIONS) - before.get(ServeMetrics.DECISIONS);
            out.printf(
                    Locale.ROOT,
                    "  mean micro-batch %.1f decisions (%,.0f decisions in %,.0f policy calls)%n",
                    decisions / Math.max(1, batches),
                    decisions,
                    batches);
            printStages(out, stagesBefore, stagesAfter);
            out.flush();
            stagesBefore = stages(service.metrics());
            LoadResult open = h2load(url, work, s);
            stagesAfter = stages(service.metrics());
            print(
                    out,
                    "open loop (h2load, "
                            + s.rate()
                            + "/s over "
                            + s.rateConnections()
                            + " connections)",
                    open);
            printStages(out, stagesBefore, stagesAfter);
            out.flush();
            if (s.batchSize() > 0) {
                String batchUrl = service.uri().resolve("v1/decisions/batch").toString();
                Path script =
                        Files.writeString(
                                work.resolve("decide-batch.lua"),
                                WRK_BATCH_SCRIPT.formatted(s.batchSize()));
                exec(
                        wrkCommand(batchUrl, script, s, Duration.ofSeconds(3), false),
                        Duration.ofSeconds(33));
                Map<String, Double> start = counters(service.metrics());
                LoadResult batched =
                        parseWrk(
                                exec(
                                        wrkCommand(batchUrl, script, s, s.duration(), true),
                                        s.duration().plusSeconds(30)));
                Map<String, Double> end = counters(service.metrics());
                double decided =
                        end.get(ServeMetrics.DECISIONS) - start.get(ServeMetrics.DECISIONS);
                out.printf(
                        Locale.ROOT,
                        "closed loop, batch form (wrk, %d connections, %d decisions per request):"
                                + " %,.0f decisions/s (%,.0f requests/s, %d ok, %d failed);"
                                + " latency per request p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
                                + " max %.2f ms%n",
                        s.connections(),
                        s.batchSize(),
                        decided / s.duration().toNanos() * 1e9,
                        batched.requestsPerSecond(),
                        batched.ok(),
                        batched.failed(),
                        batched.pMs().getOrDefault("50", Double.NaN),
                        batched.pMs().getOrDefault("90", Double.NaN),
                        batched.pMs().getOrDefault("99", Double.NaN),
                        batched.pMs().getOrDefault("100", Double.NaN));
                out.flush();
            }
        }
    }

    /** wrk against {@code url} with {@code script} for {@code length}, with percentiles or not. */
    private static List<String> wrkCommand(
            String url, Path script, Settings s, Duration length, boolean latency) {
        List<String> command = new ArrayList<>();
        command.add("wrk");
        command.add("-t" + s.wrkThreads());
        command.add("-c" + s.connections());
        command.add("-d" + Math.max(1, length.toSeconds()) + "s");
        if (latency) {
            command.add("--latency");
        }
        command.add("-s");
        command.add(script.toString());
        command.add(url);
        return command;
    }

    private static void print(PrintWriter out, String phase, LoadResult r) {
        out.printf(
                Locale.ROOT,
                "%s: %,.0f decisions/s, %d ok, %d failed; latency p50 %.2f ms, p90 %.2f ms, p99"
                        + " %.2f ms, max %.2f ms%n",
                phase,
                r.requestsPerSecond(),
                r.ok(),
                r.failed(),
                r.pMs().getOrDefault("50", Double.NaN),
                r.pMs().getOrDefault("90", Double.NaN),
                r.pMs().getOrDefault("99", Double.NaN),
                r.pMs().getOrDefault("100", Double.NaN));
    }

    /** Each stage's histogram in the service now. */
    private static Map<DecisionStage, LatencyHistogram> stages(ServeMetrics metrics) {
        Map<DecisionStage, LatencyHistogram> out = new EnumMap<>(DecisionStage.class);
        for (DecisionStage stage : DecisionStage.values()) {
            out.put(stage, metrics.stage(stage));
        }
        return out;
    }

    /**
     * Where the phase's latency went inside the service, from its own stage histogram (quantiles
     * estimated within buckets as Prometheus's histogram_quantile does): what the load generator
     * measured beyond {@code answer} is HTTP, sockets and the generator itself.
     */
    private static void printStages(
            PrintWriter out,
            Map<DecisionStage, LatencyHistogram> before,
            Map<DecisionStage, LatencyHistogram> after) {
        StringBuilder line = new StringBuilder("  inside the service, p50 / p99 ms:");
        for (DecisionStage stage : DecisionStage.values()) {
            LatencyHistogram h = after.get(stage).minus(before.get(stage));
            line.append(
                    String.format(
                            Locale.ROOT,
                            " %s %.2f / %.2f%s",
                            stage.label(),
                            h.quantile(0.5) * 1e3,
                            h.quantile(0.99) * 1e3,
                            stage == DecisionStage.ACT ? " (per batch)" : ""));
            line.append(stage == DecisionStage.ANSWER ? "" : ",");
        }
        out.println(line);
    }

    /** Exports the trainer's default CartPole network as version 1 and announces it. */
    private static long exportAndPublish(String bootstrap, Topics topics, Path dataRoot)
            throws IOException {
        TrainerConfig config = TrainerConfig.fromMap(Map.of("trainer.policy.name", POLICY));
        try (Trainer trainer = Trainer.create(config, TransitionSpec.vector(OBS, 2));
                PolicyPublisher publisher = PolicyPublisher.create(bootstrap, topics)) {
            PolicyArtifact artifact =
                    trainer.export(
                            new PolicyExporter(dataRoot, InstantSource.system()),
                            new PolicyManifest.Lineage(
                                    List.of("bench: untrained"), null, null, 0L, List.of()),
                            0);
            publisher.publish(artifact.toPolicyVersion(Map.of()), Duration.ofSeconds(30));
            return artifact.version();
        }
    }

    private static void awaitVersion(DecisionService service, long version)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (service.holder().version() != version) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the service did not load policy v" + version + " within 60 s");
            }
            Thread.sleep(50);
        }
    }

    /** Decisions per second of {@link Policy#act} on batches of {@code batch} random rows. */
    static double inferenceRate(Policy policy, int batch, Duration window) {
        SplittableRandom rng = new SplittableRandom(1);
        float[] obs = new float[batch * OBS];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextDouble(-0.2, 0.2);
        }
        int[] actions = new int[batch];
        float[] probs = new float[batch];
        for (int i = 0; i < 200; i++) {
            policy.act(obs, batch, actions, probs);
        }
        long calls = 0;
        long start = System.nanoTime();
        long end = start + window.toNanos();
        long now;
        do {
            policy.act(obs, batch, actions, probs);
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return calls * (double) batch / ((now - start) / 1e9);
    }

    private static Map<String, Double> counters(ServeMetrics metrics) {
        Map<String, Double> out = new HashMap<>();
        for (Metric m : metrics.all()) {
            out.put(m.name(), m.value().getAsDouble());
        }
        return out;
    }

    private static final String WRK_SCRIPT =
            """
            -- POSTs a CartPole decision for one of 1000 sessions per request.
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            local n = 0
            request = function()
              n = n + 1
              local body = string.format(
                '{"policy":"bench","session_id":"s%d","obs":[0.01,-0.02,0.03,%.3f]}',
                n % 1000, (n % 97) / 1000.0)
              return wrk.format(nil, nil, nil, body)
            end
            """;

    /**
     * POSTs {@code %d} CartPole decisions of distinct sessions per request to the batch form; the
     * sessions cycle over 65,536, so a session's next decision comes many requests later.
     */
    private static final String WRK_BATCH_SCRIPT =
            """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            local b = %d
            local n = 0
            request = function()
              local items = {}
              for i = 1, b do
                n = n + 1
                items[i] = string.format(
                  '{"policy":"bench","session_id":"b%%d","obs":[0.01,-0.02,0.03,%%.3f]}',
                  n %% 65536, (n %% 97) / 1000.0)
              end
              return wrk.format(nil, nil, nil, '{"decisions":[' .. table.concat(items, ",") .. ']}')
            end
            """;

    /**
     * wrk as in the measured phase, for {@code s.warmUp()}: in the first seconds of load the C2
     * compiler took over a quarter of the process's CPU (perf, issue 19), so a short warm-up
     * measured the JIT as much as the service.
     */
    private static void warmUp(String url, Path work, Settings s) throws Exception {
        Path script = Files.writeString(work.resolve("decide.lua"), WRK_SCRIPT);
        long seconds = Math.max(1, s.warmUp().toSeconds());
        exec(
                wrkCommand(url, script, s, Duration.ofSeconds(seconds), false),
                Duration.ofSeconds(seconds + 30));
    }

    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern WRK_TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern WRK_ERRORS =
            Pattern.compile(
                    "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern WRK_PERCENTILE =
            Pattern.compile("(?m)^\\s+(50|75|90|99)%\\s+([\\d.]+)(us|ms|s)\\s*$");
    private static final Pattern WRK_MAX =
            Pattern.compile("Latency\\s+\\S+\\s+\\S+\\s+([\\d.]+)(us|ms|s)");

    static LoadResult wrk(String url, Path work, Settings s) throws Exception {
        Path script = work.resolve("decide.lua");
        String text =
                exec(wrkCommand(url, script, s, s.duration(), true), s.duration().plusSeconds(30));
        return parseWrk(text);
    }

    static LoadResult parseWrk(String text) {
        Map<String, Double> p = new HashMap<>();
        Matcher m = WRK_PERCENTILE.matcher(text);
        while (m.find()) {
            p.put(m.group(1), millis(Double.parseDouble(m.group(2)), m.group(3)));
        }
        Matcher max = WRK_MAX.matcher(text);
        if (max.find()) {
            p.put("100", millis(Double.parseDouble(max.group(1)), max.group(2)));
        }
        long total = find(WRK_TOTAL, text, 1);
        long failed = find(WRK_NON_2XX, text, 1);
        Matcher errors = WRK_ERRORS.matcher(text);
        if (errors.find()) {
            for (int g = 1; g <= 4; g++) {
                failed += Long.parseLong(errors.group(g));
            }
        }
        Matcher rate = WRK_RATE.matcher(text);
        if (!rate.find()) {
            throw new IllegalStateException("wrk printed no Requests/sec:\n" + text);
        }
        return new LoadResult("wrk", Double.parseDouble(rate.group(1)), total - failed, failed, p);
    }

    static LoadResult h2load(String url, Path work, Settings s) throws Exception {
        Path body =
                Files.writeString(
                        work.resolve("decision.json"),
                        "{\"policy\":\"bench\",\"session_id\":\"rate\","
                                + "\"obs\":[0.01,-0.02,0.03,0.04]}");
        Path log = work.resolve("h2load.log");
        Files.deleteIfExists(log);
        int perConnection = Math.max(1, s.rate() / s.rateConnections());
        exec(
                List.of(
                        "h2load",
                        "--h1",
                        "-c",
                        Integer.toString(s.rateConnections()),
                        "--rps",
                        Integer.toString(perConnection),
                        "-D",
                        Long.toString(s.duration().toSeconds()),
                        "-d",
                        body.toString(),
                        "-H",
                        "Content-Type: application/json",
                        "--log-file",
                        log.toString(),
                        url),
                s.duration().plusSeconds(30));
        return parseH2loadLog(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    /** h2load's log: per request, start (µs since the epoch), HTTP status, duration (µs). */
    static LoadResult parseH2loadLog(List<String> lines) {
        List<Long> micros = new ArrayList<>(lines.size());
        long ok = 0;
        long failed = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (String line : lines) {
            String[] cols = line.split("\t");
            if (cols.length < 3) {
                continue;
            }
            long start = Long.parseLong(cols[0].strip());
            int status = Integer.parseInt(cols[1].strip());
            long duration = Long.parseLong(cols[2].strip());
            if (status == 200) {
                ok++;
            } else {
                failed++;
            }
            micros.add(duration);
            first = Math.min(first, start);
            last = Math.max(last, start + duration);
        }
        if (micros.isEmpty()) {
            throw new IllegalStateException("h2load logged no request");
        }
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Double> p = new HashMap<>();
        for (String q : new String[] {"50", "90", "99", "100"}) {
            p.put(q, percentile(sorted, Double.parseDouble(q) / 100) / 1000.0);
        }
        double seconds = Math.max(1e-3, (last - first) / 1e6);
        return new LoadResult("h2load", sorted.length / seconds, ok, failed, p);
    }

    /**
     * The nearest-rank percentile: the smallest value with at least q of the values at or below.
     */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double millis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static long find(Pattern pattern, String text, int group) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(group)) : 0;
    }

    private static void requireTool(String tool, String install) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(
                    "bench serve drives the service with "
                            + tool
                            + ", which is not installed: "
                            + install);
        }
    }

    private static String exec(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + text);
        }
        return text;
    }
}
