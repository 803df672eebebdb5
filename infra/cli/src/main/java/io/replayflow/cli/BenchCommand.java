package io.replayflow.cli;

import io.replayflow.actor.bench.ActorBenchmark;
import io.replayflow.cli.bench.FrameStorageBenchmark;
import io.replayflow.cli.bench.ServeBenchmark;
import io.replayflow.cli.lifecycle.AssignmentLatencyBench;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.ingest.bench.BenchmarkSettings;
import io.replayflow.ingest.bench.IngestBenchmark;
import io.replayflow.schemas.Topics;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.NetworkKind;
import io.replayflow.trainer.bench.TrainerBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replayflow bench ...}: benchmarks that print their figures (docs/BENCHMARKS.md). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks that print their figures; see docs/BENCHMARKS.md.",
        subcommands = {
            BenchCommand.Actors.class,
            BenchCommand.Ingest.class,
            BenchCommand.BackfillBench.class,
            BenchCommand.Frames.class,
            BenchCommand.Trainer.class,
            BenchCommand.Serve.class,
            BenchCommand.Assignments.class
        })
final class BenchCommand {

    @Command(
            name = "actors",
            mixinStandardHelpOptions = true,
            description = {
                "Transitions/s that one actor process publishes to an embedded broker (CartPole,"
                        + " 64 and 256 envs, random and SavedModel policies), next to the broker's"
                        + " own produce rate for records of the same size in the same run; then"
                        + " hot-swap latency over N published versions."
            })
    static final class Actors implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--envs",
                defaultValue = "64,256",
                split = ",",
                description = "Env counts to measure (default: ${DEFAULT-VALUE}).")
        List<Integer> envs;

        @Option(
                names = "--seconds",
                defaultValue = "10",
                description = "Measured window per case (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(
                names = "--swaps",
                defaultValue = "20",
                description =
                        "Versions published in the hot-swap part; 0 skips it (default:"
                                + " ${DEFAULT-VALUE}).")
        int swaps;

        @Override
        public Integer call() throws Exception {
            if (seconds < 1 || swaps < 0 || envs.stream().anyMatch(n -> n < 1)) {
                throw new UsageError(
                        "--seconds and every --envs count must be at least 1, --swaps at least 0");
            }
            PrintWriter out = spec.commandLine().getOut();
            Path work = Files.createTempDirectory("replayflow-bench-actors-");
            try (LocalStack stack = LocalStack.builder().withFlink(false).partitions(4).start()) {
                ActorBenchmark.Settings defaults =
                        ActorBenchmark.Settings.defaults(
                                stack.bootstrapServers(), stack.topics(), work);
                ActorBenchmark.run(
                        new ActorBenchmark.Settings(
                                defaults.bootstrapServers(),
                                defaults.topics(),
                                defaults.envId(),
                                envs,
                                defaults.warmUp(),
                                Duration.ofSeconds(seconds),
                                swaps,
                                work),
                        out);
            }
            out.flush();
            return ReplayFlow.EXIT_OK;
        }
    }

    @Command(
            name = "ingest",
            mixinStandardHelpOptions = true,
            description = {
                "End-to-end rate of the ingest job from Kafka to committed Parquet (exactly once,"
                        + " 2 s checkpoints, ZSTD, compaction, all Kafka sinks) for CartPole-sized"
                        + " transitions, next to the raw consume rate of the same records and the"
                        + " rate of a textbook Flink job (KafkaSource, Avro, FileSink with Flink's"
                        + " Avro-Parquet writers, exactly once) over them, in the same run, on an"
                        + " embedded stack."
            })
    static final class Ingest implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--transitions",
                defaultValue = "2000000",
                description = "Transitions to produce and ingest (default: ${DEFAULT-VALUE}).")
        long transitions;

        @Option(
                names = "--rounds",
                defaultValue = "2",
                description =
                        "Times both jobs run over the same records, ours then the textbook one"
                                + " (default: ${DEFAULT-VALUE}). Round 1 runs on the JVM's cold"
                                + " code, which the textbook job finds warmed by ours; from round"
                                + " 2 both run warm, the fair comparison.")
        int rounds;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1) {
                throw new UsageError("--rounds " + rounds + " must be at least 1");
            }
            if (transitions < 1000) {
                throw new UsageError(
                        "--transitions "
                                + transitions
                                + " is too few to measure; use at least 1000");
            }
            BenchmarkSettings settings =
                    BenchmarkSettings.defaults().withTransitions(transitions).withRounds(rounds);
            PrintWriter out = spec.commandLine().getOut();
            try (LocalStack stack =
                    LocalStack.builder()
                            .partitions(settings.partitions())
                            .slotsPerTaskManager(2)
                            .start()) {
                IngestBenchmark.run(
                        stack::executionEnvironment,
                        stack.bootstrapServers(),
                        stack.dataDir(),
                        Optional.of(stack.flinkRestAddress()),
                        settings,
                        out);
            }
            out.flush();
            return ReplayFlow.EXIT_OK;
        }
    }

    @Command(
            name = "trainer",
            mixinStandardHelpOptions = true,
            description = {
                "Gradient updates per second of the full training step (uniform sampling from"
                        + " 100k synthetic CartPole transitions, the batch copy and one"
                        + " Session.run), warm-up excluded.",
                "--network minatar measures the MinAtar network (conv 16 3x3, dense 128) on 100k"
                        + " synthetic MinAtar-Breakout images [10, 10, 4], then the same update in"
                        + " PyTorch in the same run (trainer-job/bench/torch_reference.py under"
                        + " --python, one thread each; Debian: apt-get install python3-torch) and"
                        + " prints both.",
                "TensorFlow fixes its thread pools per process: compare thread counts in separate"
                        + " runs."
            })
    static final class Trainer implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--algo",
                required = true,
                paramLabel = "ALGO",
                description = "dqn, double-dqn, qr-dqn, cql, iql, bcq or bc.")
        String algo;

        @Option(
                names = "--network",
                defaultValue = "mlp",
                paramLabel = "mlp|minatar",
                description =
                        "mlp (--hidden over CartPole-shaped data) or minatar (MinAtar's network"
                                + " over Breakout-shaped images, beside PyTorch) (default:"
                                + " ${DEFAULT-VALUE}).")
        String network;

        @Option(
                names = "--python",
                defaultValue = "/usr/bin/python3",
                paramLabel = "PATH",
                description =
                        "--network minatar: the Python with torch that runs the PyTorch side"
                                + " (default: ${DEFAULT-VALUE}).")
        String python;

        @Option(
                names = "--hidden",
                defaultValue = "64,64",
                paramLabel = "H1,H2,...",
                split = ",",
                description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
        int[] hidden;

        @Option(
                names = "--batch",
                defaultValue = "32",
                description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--steps",
                defaultValue = "5000",
                description = "Timed updates (default: ${DEFAULT-VALUE}).")
        long steps;

        @Option(
                names = "--threads",
                defaultValue = "1",
                description = "TensorFlow intra-op threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(
                names = "--inter-op",
                defaultValue = "-1",
                paramLabel = "N",
                description = {
                    "TensorFlow inter-op threads (default: ${DEFAULT-VALUE}: the graph's ops run"
                        + " one after another in the calling thread, as PyTorch runs eager ops; N"
                        + " >= 1: a pool of N threads that every op is handed to)."
                })
        int interOp;

        @Option(names = "--json", description = "Print only the JSON line {\"updates_per_s\": x}.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Algo parsed;
            NetworkKind net;
            try {
                parsed = Algo.parse(algo);
                net = NetworkKind.parse(network);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            if (net == NetworkKind.NATURE_CNN) {
                throw new UsageError(
                        "--network nature-cnn is not benchmarked here; use mlp or minatar");
            }
            if (batch < 1
                    || steps < 1
                    || threads < 1
                    || interOp < -1
                    || interOp == 0
                    || hidden.length == 0
                    || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
                throw new UsageError(
                        "--batch, --steps, --threads and every --hidden size must be at least 1;"
                                + " --inter-op must be -1 (calling thread) or at least 1");
            }
            TrainerBenchmark.Result r =
                    TrainerBenchmark.measure(parsed, net, hidden, batch, steps, threads, interOp);
            PrintWriter out = spec.commandLine().getOut();
            if (net == NetworkKind.MINATAR) {
                return besideTorch(out, r);
            }
            if (!json) {
                out.printf(
                        Locale.ROOT,
                        "%s hidden=%s batch=%d threads=%d inter-op=%s: %,.0f updates/s over %d"
                                + " updates%n",
                        parsed,
                        Arrays.toString(hidden),
                        batch,
                        threads,
                        interOp == TrainerBenchmark.CALLER_THREAD
                                ? "calling thread"
                                : Integer.toString(interOp),
                        r.updatesPerSecond(),
                        steps);
            }
            out.printf(Locale.ROOT, "{\"updates_per_s\": %.1f}%n", r.updatesPerSecond());
            out.flush();
            return ReplayFlow.EXIT_OK;
        }

        /**
         * Runs the PyTorch reference on the same network, batch, algorithm and thread count right
         * after the TF Java measurement, and prints both rates and their ratio.
         */
        private int besideTorch(PrintWriter out, TrainerBenchmark.Result r) throws Exception {
            Path script =
                    Path.of(System.getProperty("replayflow.home", "."))
                            .resolve("trainer-job/bench/torch_reference.py");
            if (!Files.isRegularFile(script)) {
                throw new UsageError(
                        "the PyTorch reference "
                                + script.toAbsolutePath()
                                + " is missing; run the bench from the repository's ./replayflow");
            }
            out.printf(
                    Locale.ROOT,
                    "TF Java  %s minatar batch=%d threads=%d: %,.0f updates/s over %d updates%n",
                    r.algo().id(),
                    batch,
                    threads,
                    r.updatesPerSecond(),
                    steps);
            out.flush();
            List<String> command =
                    List.of(
                            python,
                            script.toString(),
                            r.algo().id(),
                            "minatar",
                            Integer.toString(batch),
                            Long.toString(Math.max(1, steps / 2)),
                            Integer.toString(threads));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes()).strip();
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("\"updates_per_s\": ([0-9.]+)").matcher(output);
            if (p.waitFor() != 0 || !m.find()) {
                String last = output.isEmpty() ? "" : output.lines().reduce((a, b) -> b).get();
                out.printf(
                        Locale.ROOT,
                        "{\"updates_per_s\": %.1f, \"network\": \"minatar\","
                                + " \"pytorch_updates_per_s\": null}%n",
                        r.updatesPerSecond());
                out.flush();
                spec.commandLine()
                        .getErr()
                        .println(
                                "replayflow: bench trainer: the PyTorch side failed ("
                                        + String.join(" ", command)
                                        + "): "
                                        + last
                                        + "; install Debian's python3-torch (apt-get install"
                                        + " python3-torch) or pass --python PATH");
                return ReplayFlow.EXIT_FAILURE;
            }
            double torch = Double.parseDouble(m.group(1));
            out.printf(
                    Locale.ROOT,
                    "PyTorch  %s minatar batch=%d threads=%d: %,.0f updates/s (%s)%n",
                    r.algo().id(),
                    batch,
                    threads,
                    torch,
                    python);
            out.printf(
                    Locale.ROOT,
                    "{\"updates_per_s\": %.1f, \"network\": \"minatar\", \"batch\": %d,"
                        + " \"threads\": %d, \"pytorch_updates_per_s\": %.1f, \"ratio\": %.2f}%n",
                    r.updatesPerSecond(),
                    batch,
                    threads,
                    torch,
                    r.updatesPerSecond() / torch);
            out.flush();
            return ReplayFlow.EXIT_OK;
        }
    }

    @Command(
            name = "frames",
            mixinStandardHelpOptions = true,
            description = {
                "Parquet bytes per transition of image observations stored whole and with each"
                        + " frame stored once, for the experience log and a replay dataset, over"
                        + " the same random-policy transitions (ZSTD, one file each), frames once"
                        + " as written now (once/v2) and as before (once/v1); then the log"
                        + " writer's rows/s in each form; a table row and a JSON line per"
                        + " environment."
            })
    static final class Frames implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--env",
                defaultValue = "MinAtar/Breakout-v1,MinAtar/Breakout-v1+stack4",
                split = ",",
                description =
                        "Image environments, frame stacks included (default: ${DEFAULT-VALUE}).")
        List<String> envs;

        @Option(
                names = "--transitions",
                defaultValue = "20000",
                description = "Transitions per environment (default: ${DEFAULT-VALUE}).")
        int transitions;

        @Option(
                names = "--envs",
                defaultValue = "16",
                description =
                        "Environment copies stepped in turn, as one actor does (default:"
                                + " ${DEFAULT-VALUE}).")
        int copies;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seeds resets and the random policy (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (transitions < 100 || copies < 1) {
                throw new UsageError("--transitions must be at least 100 and --envs at least 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(FrameStorageBenchmark.header());
            List<FrameStorageBenchmark.Result> results = new java.util.ArrayList<>();
            for (String env : envs) {
                FrameStorageBenchmark.Result r;
                try {
                    r =
                            FrameStorageBenchmark.run(
                                    new FrameStorageBenchmark.Settings(
                                            env, transitions, copies, seed));
                } catch (IllegalArgumentException badEnv) {
                    throw new UsageError(badEnv.getMessage());
                }
                results.add(r);
                out.println(r.row());
                out.flush();
            }
            out.println();
            out.println(FrameStorageBenchmark.writeHeader());
            for (FrameStorageBenchmark.Result r : results) {
                out.println(r.writeRow());
            }
            for (FrameStorageBenchmark.Result r : results) {
                out.printf(
                        Locale.ROOT,
                        "{\"env\": \"%s\", \"stack\": %d, \"transitions\": %d, \"episodes\": %d,"
                                + " \"log_whole_bytes\": %.2f, \"log_once_bytes\": %.2f,"
                                + " \"log_ratio\": %.3f, \"replay_whole_bytes\": %.2f,"
                                + " \"replay_once_bytes\": %.2f, \"replay_ratio\": %.3f,"
                                + " \"log_once_v1_bytes\": %.2f, \"replay_once_v1_bytes\": %.2f,"
                                + " \"write_whole_rows_per_s\": %.0f,"
                                + " \"write_once_v1_rows_per_s\": %.0f,"
                                + " \"write_once_rows_per_s\": %.0f}%n",
                        r.env(),
                        r.frames(),
                        r.transitions(),
                        r.episodes(),
                        r.logWhole(),
                        r.logOnce(),
                        r.logRatio(),
                        r.replayWhole(),
                        r.replayOnce(),
                        r.replayRatio(),
                        r.logOnceV1(),
                        r.replayOnceV1(),
                        r.write().whole(),
                        r.write().onceV1(),
                        r.write().once());
            }
            out.flush();
            return ReplayFlow.EXIT_OK;
        }
    }

    @Command(
            name = "backfill",
            mixinStandardHelpOptions = true,
            description = {
                "Log rows/s of 'replayflow backfill' on an embedded MiniCluster: writes a"
                        + " synthetic CartPole log (ZSTD Parquet, as ingest writes it) over hourly"
                        + " partitions to a temporary data root, then backfills it with the"
                        + " replay-store defaults; prints one JSON line."
            })
    static final class BackfillBench implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--rows",
                defaultValue = "2000000",
                description = "Log rows (default: ${DEFAULT-VALUE}).")
        long rows;

        @Option(
                names = "--hours",
                defaultValue = "30",
                description = "Hourly partitions they spread over (default: ${DEFAULT-VALUE}).")
        int hours;

        @Option(
                names = "--parallelism",
                defaultValue = "2",
                description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(
                names = "--streaming",
                description =
                        "Also run the streaming replay-store job's operators over the same log"
                                + " (STREAMING mode, checkpoints every second, the log read by the"
                                + " same file source instead of Kafka); prints a second line.")
        boolean streaming;

        @Override
        public Integer call() throws Exception {
            if (rows < 1 || hours < 1 || parallelism < 1) {
                throw new UsageError("--rows, --hours and --parallelism must be at least 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            Path root = Files.createTempDirectory("replayflow-bench-backfill-");
            try {
                long written = System.nanoTime();
                io.replayflow.replay.backfill.BackfillBenchmark.writeLog(
                        root.toUri(), rows, hours, 1_795_244_400_000L, 1);
                out.printf(
                        Locale.ROOT,
                        "wrote %,d log rows over %d partitions in %.1f s%n",
                        rows,
                        hours,
                        (System.nanoTime() - written) / 1e9);
                out.flush();
                org.apache.flink.configuration.Configuration conf =
                        new org.apache.flink.configuration.Configuration();
                conf.set(
                        org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY,
                        "none");
                conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
                var env =
                        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                                .createLocalEnvironment(
                                        parallelism,
                                        io.replayflow.replay.backfill.Backfill.localClusterOptions(
                                                conf));
                var config =
                        io.replayflow.replay.job.ReplayStoreConfig.builder()
                                .bootstrapServers("unused:9092")
                                .dataRoot(root.toUri())
                                .datasetName("bench")
                                .build();
                long cpuBefore = processCpuNanos();
                var result =
                        io.replayflow.replay.backfill.Backfill.run(
                                env,
                                config,
                                io.replayflow.replay.backfill.BackfillRange.all(),
                                p -> {},
                                Duration.ofSeconds(5));
                out.printf(
                        Locale.ROOT,
                        "{\"rows\": %d, \"rows_written\": %d, \"partitions\": %d, \"parallelism\":"
                                + " %d, \"seconds\": %.3f, \"rows_per_s\": %.0f, \"cpu_s\":"
                                + " %.1f}%n",
                        result.rowsRead(),
                        result.rowsWritten(),
                        result.partitions(),
                        parallelism,
                        result.elapsed().toNanos() / 1e9,
                        result.rowsPerSecond(),
                        (processCpuNanos() - cpuBefore) / 1e9);
                out.flush();
                if (streaming) {
                    var streamingEnv =
                            org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                                    .createLocalEnvironment(parallelism, conf);
                    long streamingCpuBefore = processCpuNanos();
                    var streamed =
                            io.replayflow.replay.backfill.BackfillBenchmark.runStreaming(
                                    streamingEnv,
                                    io.replayflow.replay.job.ReplayStoreConfig.builder()
                                            .bootstrapServers("unused:9092")
                                            .dataRoot(root.toUri())
                                            .datasetName("bench-streaming")
                                            // the window holds the whole log, as a backfill's
                                            // range does, so both datasets keep every row
                                            .windowDuration(Duration.ofHours(hours + 24L))
                                            // the end of input's watermark marks every
                                            // partition expired; none is deleted before the end
                                            .expiryDeleteDelay(Duration.ofHours(1))
                                            // two readers of hourly files are hours apart in
                                            // event time; no row is dropped as too late
                                            .allowedLateness(Duration.ofHours(hours + 24L))
                                            .build(),
                                    Duration.ofSeconds(1));
                    out.printf(
                            Locale.ROOT,
                            "{\"job\": \"streaming\", \"rows\": %d, \"rows_written\": %d,"
                                    + " \"parallelism\": %d, \"seconds\": %.3f, \"rows_per_s\":"
                                    + " %.0f, \"cpu_s\": %.1f}%n",
                            streamed.rowsRead(),
                            streamed.rowsWritten(),
                            parallelism,
                            streamed.elapsed().toNanos() / 1e9,
                            streamed.rowsPerSecond(),
                            (processCpuNanos() - streamingCpuBefore) / 1e9);
                    out.flush();
                }
                return ReplayFlow.EXIT_OK;
            } finally {
                org.apache.flink.util.FileUtils.deleteDirectoryQuietly(root.toFile());
            }
        }

        /**
         * CPU time of this whole process (all threads, MiniCluster included): on a shared machine
         * the rows per CPU-second say more than the wall time, which other load stretches.
         */
        private static long processCpuNanos() {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime()
                    : 0L;
        }
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = {
                "Decisions/s and latency of 'replayflow serve' (CartPole-sized 4-64-64-2 policy,"
                        + " Kafka log with acks=all on an embedded broker) under independent load"
                        + " generators on this machine: wrk as fast as it goes, then h2load at a"
                        + " constant --rate; with the bare batched-inference rate of the same"
                        + " model in the same run. Needs wrk and h2load (apt-get install -y wrk"
                        + " nghttp2-client)."
            })
    static final class Serve implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--connections",
                defaultValue = "64",
                description = "wrk's connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(
                names = "--wrk-threads",
                defaultValue = "1",
                description = "wrk's threads (default: ${DEFAULT-VALUE}).")
        int wrkThreads;

        @Option(
                names = "--seconds",
                defaultValue = "15",
                description = "Length of each load phase (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(
                names = "--warmup-seconds",
                defaultValue = "10",
                description =
                        "wrk at --connections before the measured phases, so the JIT has"
                                + " compiled the service and the broker (default:"
                                + " ${DEFAULT-VALUE}).")
        int warmupSeconds;

        @Option(
                names = "--rate",
                defaultValue = "5000",
                description = "Decisions/s of the constant-rate phase (default: ${DEFAULT-VALUE}).")
        int rate;

        @Option(
                names = "--rate-connections",
                defaultValue = "50",
                description =
                        "Connections of the constant-rate phase, each at rate/connections"
                                + " (default: ${DEFAULT-VALUE}).")
        int rateConnections;

        @Option(
                names = "--set",
                paramLabel = "KEY=VALUE",
                description = "Any serve.* key of docs/CONFIG.md, repeatable.")
        List<String> settings = List.of();

        @Option(
                names = "--batch-size",
                defaultValue = "32",
                description =
                        "Decisions per request of the last phase, through POST"
                                + " /v1/decisions/batch; 0 skips it (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(
                names = "--broker-set",
                paramLabel = "KEY=VALUE",
                description =
                        "A setting of the embedded Kafka broker, repeatable (e.g."
                                + " num.io.threads=1): the broker shares the cores with the"
                                + " service and the load generators.")
        List<String> brokerSettings = List.of();

        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                description =
                        "Run against this Kafka cluster instead of a broker embedded in the"
                                + " benchmark's JVM: e.g. 'replayflow stack --no-jobs' in another"
                                + " process (its own JVM, heap and collector), or a real cluster."
                                + " The topics must exist.")
        String bootstrap;

        @Option(
                names = "--topic-prefix",
                defaultValue = "rf.",
                description =
                        "Topic prefix on the --bootstrap cluster (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() throws Exception {
            if (connections < 1 || wrkThreads < 1 || seconds < 1 || rate < 1) {
                throw new UsageError(
                        "--connections, --wrk-threads, --seconds and --rate must be at least 1");
            }
            if (warmupSeconds < 0) {
                throw new UsageError("--warmup-seconds " + warmupSeconds + " must be at least 0");
            }
            if (batchSize < 0 || batchSize > 1024) {
                throw new UsageError(
                        "--batch-size " + batchSize + " must be in [0, 1024] (0 skips the phase)");
            }
            if (rateConnections < 1 || rateConnections > rate) {
                throw new UsageError(
                        "--rate-connections " + rateConnections + " must be in [1, --rate]");
            }
            java.util.Map<String, String> keys = keyValues("--set", settings);
            java.util.Map<String, String> broker = keyValues("--broker-set", brokerSettings);
            if (bootstrap != null && !broker.isEmpty()) {
                throw new UsageError(
                        "--broker-set configures the embedded broker; with --bootstrap set the"
                                + " cluster's own settings instead");
            }
            PrintWriter out = spec.commandLine().getOut();
            ServeBenchmark.Settings settings =
                    new ServeBenchmark.Settings(
                            connections,
                            wrkThreads,
                            Duration.ofSeconds(seconds),
                            Duration.ofSeconds(warmupSeconds),
                            rate,
                            rateConnections,
                            batchSize,
                            keys);
            Path work = Files.createTempDirectory("replayflow-bench-serve-");
            try {
                if (bootstrap != null) {
                    Topics topics = Topics.withPrefix(topicPrefix);
                    ServeBenchmark.requireTopics(bootstrap, topics);
                    out.printf("broker: %s (outside this JVM)%n", bootstrap);
                    ServeBenchmark.run(bootstrap, topics, work, settings, out);
                } else {
                    try (LocalStack stack =
                            LocalStack.builder()
                                    .withFlink(false)
                                    .partitions(4)
                                    .brokerProperties(broker)
                                    .start()) {
                        out.printf("broker: embedded in this JVM%n");
                        ServeBenchmark.run(
                                stack.bootstrapServers(), stack.topics(), work, settings, out);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            } finally {
                deleteTree(work);
            }
            out.flush();
            return ReplayFlow.EXIT_OK;
        }

        /** Removes the run's policy artifact and load-generator files. */
        private static void deleteTree(Path dir) throws java.io.IOException {
            try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Command(
            name = "assignments",
            mixinStandardHelpOptions = true,
            description = {
                "How long a policy lifecycle decision (promote, canary, rollback) takes to reach"
                        + " every actor: real actor runners on an embedded broker, each following"
                        + " rf.policy.assignments with its own consumer; decisions written as the"
                        + " controller writes them (one transaction each); p50/p90/p99/max."
            })
    static final class Assignments implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--actors",
                defaultValue = "8",
                description =
                        "Actor runners, each with its own follower (default: ${DEFAULT-VALUE}).")
        int actors;

        @Option(
                names = "--envs",
                defaultValue = "4",
                description = "CartPole copies per runner (default: ${DEFAULT-VALUE}).")
        int envs;

        @Option(
                names = "--steps-per-second",
                defaultValue = "250",
                description = "Each runner's step rate (default: ${DEFAULT-VALUE}).")
        double stepsPerSecond;

        @Option(
                names = "--decisions",
                defaultValue = "200",
                description = "Measured decisions (default: ${DEFAULT-VALUE}).")
        int decisions;

        @Option(
                names = "--warm-up",
                defaultValue = "8",
                description = "Decisions before the measured ones (default: ${DEFAULT-VALUE}).")
        int warmUp;

        @Option(
                names = "--gap",
                defaultValue = "200ms",
                description =
                        "Longest pause between decisions, uniform in [gap/4, gap] (default:"
                                + " ${DEFAULT-VALUE}).")
        String gap;

        @Option(
                names = "--kafka-set",
                paramLabel = "KEY=VALUE",
                description =
                        "A Kafka client setting of the actors, repeatable (e.g."
                                + " fetch.max.wait.ms=500, the consumer default).")
        List<String> kafkaSettings = List.of();

        @Option(names = "--json", description = "End with one JSON line of the figures.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            java.util.Map<String, String> clientSettings = keyValues("--kafka-set", kafkaSettings);
            if (actors < 1 || envs < 1 || decisions < 1 || warmUp < 0 || !(stepsPerSecond > 0)) {
                throw new UsageError(
                        "--actors, --envs, --decisions and --steps-per-second must be positive,"
                                + " --warm-up at least 0");
            }
            Duration pause = UsageError.duration("--gap", gap);
            PrintWriter out = spec.commandLine().getOut();
            Path work = Files.createTempDirectory("replayflow-bench-assignments-");
            try {
                AssignmentLatencyBench.Result r =
                        new AssignmentLatencyBench(
                                        work,
                                        actors,
                                        envs,
                                        stepsPerSecond,
                                        decisions,
                                        warmUp,
                                        pause,
                                        Duration.ofSeconds(30),
                                        clientSettings)
                                .run(out);
                out.printf(
                        "decision written (fence, read, decide, commit): %s%n",
                        AssignmentLatencyBench.Result.summary(r.writeMs()));
                out.printf(
                        "decision -> one actor installed it (%d samples): %s%n",
                        r.perActorMs().length,
                        AssignmentLatencyBench.Result.summary(r.perActorMs()));
                out.printf(
                        "decision -> every actor installed it (%d decisions, %d actors): %s%n",
                        r.decisions(),
                        r.actors(),
                        AssignmentLatencyBench.Result.summary(r.everyActorMs()));
                out.printf(
                        "decision committed -> every actor installed it: %s%n",
                        AssignmentLatencyBench.Result.summary(r.commitToEveryActorMs()));
                for (int k = 0; k < AssignmentLatencyBench.Result.kindCount(); k++) {
                    out.printf(
                            "  %-16s committed -> every actor: %s%n",
                            AssignmentLatencyBench.Result.kind(k),
                            AssignmentLatencyBench.Result.summary(
                                    r.ofKind(r.commitToEveryActorMs(), k)));
                }
                out.printf("steps acted meanwhile: %d%n", r.steps());
                if (json) {
                    out.printf(
                            Locale.ROOT,
                            "{\"actors\": %d, \"decisions\": %d, \"write_p99_ms\": %.1f,"
                                    + " \"every_actor_p50_ms\": %.1f, \"every_actor_p99_ms\": %.1f,"
                                    + " \"every_actor_max_ms\": %.1f,"
                                    + " \"commit_to_every_actor_p99_ms\": %.1f}%n",
                            r.actors(),
                            r.decisions(),
                            AssignmentLatencyBench.Result.quantile(r.writeMs(), 0.99),
                            AssignmentLatencyBench.Result.quantile(r.everyActorMs(), 0.5),
                            AssignmentLatencyBench.Result.quantile(r.everyActorMs(), 0.99),
                            AssignmentLatencyBench.Result.quantile(r.everyActorMs(), 1.0),
                            AssignmentLatencyBench.Result.quantile(r.commitToEveryActorMs(), 0.99));
                }
                out.flush();
                return ReplayFlow.EXIT_OK;
            } finally {
                org.apache.flink.util.FileUtils.deleteDirectoryQuietly(work.toFile());
            }
        }
    }

    /**
     * The {@code KEY=VALUE} pairs of a repeatable {@code flag}, in order, keys and values stripped.
     *
     * @throws UsageError naming the flag and the first pair without a key
     */
    static java.util.Map<String, String> keyValues(String flag, List<String> pairs) {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(flag + " " + pair + " is not KEY=VALUE");
            }
            map.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return map;
    }
}
