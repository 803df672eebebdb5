package io.replayflow.actor.bench;

import io.replayflow.actor.ActingListener;
import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.VectorEnv;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.actor.publish.PublisherSettings;
import io.replayflow.actor.publish.TransitionEncoder;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code replayflow bench actors}: how fast one actor process publishes transitions, next to how
 * fast the same broker takes records of the same size from a bare producer, measured in the same
 * run; and how long a hot-swap takes from publication to every actor acting with the new version.
 *
 * <ol>
 *   <li><b>Broker baseline</b> (before and after the actor runs): one producer with the actors'
 *       settings sends pre-encoded transitions (real records of a random rollout, cycled) as fast
 *       as it can; rate = acknowledged records per second.
 *   <li><b>Actor</b>, for each N: one actor of N environments, version 0 (uniform random) and then
 *       a SavedModel policy (linear Q, batched TF inference, ε = 0.05); rate = acknowledged
 *       transitions per second over the measured window, after a warm-up.
 *   <li><b>Hot-swap</b>: two actors of 64 environments run while {@code swaps} versions are
 *       published one after the other; latency = from just before the send to the moment the last
 *       actor chose a batch with the new version (p50, p99, max).
 * </ol>
 *
 * <p>The caller provides the broker (the CLI starts an embedded stack). Writes artifacts under
 * {@code workDir}. Not a test: figures depend on the machine and its load.
 */
public final class ActorBenchmark {

    /**
     * @param bootstrapServers the broker to measure against
     * @param topics its topics; transitions go to {@code topics.transitions()}
     * @param envId the environment (CartPole-v1 in the target)
     * @param envCounts the N to measure (64 and 256 in the target)
     * @param warmUp time before each measured window
     * @param measure length of each measured window
     * @param swaps versions to publish in the hot-swap part; 0 skips it
     * @param workDir where the policy artifacts are written
     */
    public record Settings(
            String bootstrapServers,
            Topics topics,
            String envId,
            List<Integer> envCounts,
            Duration warmUp,
            Duration measure,
            int swaps,
            Path workDir) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(envId, "envId");
            envCounts = List.copyOf(envCounts);
            Objects.requireNonNull(warmUp, "warmUp");
            Objects.requireNonNull(measure, "measure");
            Objects.requireNonNull(workDir, "workDir");
        }

        /** CartPole-v1, N = 64 and 256, 3 s warm-up, 10 s windows, 20 swaps. */
        public static Settings defaults(String bootstrapServers, Topics topics, Path workDir) {
            return new Settings(
                    bootstrapServers,
                    topics,
                    "CartPole-v1",
                    List.of(64, 256),
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(10),
                    20,
                    workDir);
        }
    }

    /** One measured rate. */
    public record Rate(String what, double perSecond, long records, double seconds) {}

    /** Hot-swap latencies in milliseconds, in publication order. */
    public record SwapLatency(List<Double> millis) {
        public double percentile(double p) {
            double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length); // nearest rank
            return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
        }
    }

    /** Everything one run measured. */
    public record Report(int recordBytes, List<Rate> broker, List<Rate> actors, SwapLatency swaps) {
        /** Mean of the broker baselines. */
        public double brokerRate() {
            return broker.stream().mapToDouble(Rate::perSecond).average().orElse(Double.NaN);
        }
    }

    private static final int POOL = 8192;

    private ActorBenchmark() {}

    /** Runs every part and prints the figures to {@code out} as it goes. */
    public static Report run(Settings settings, PrintWriter out) throws Exception {
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        EnvSpec spec = registry.spec(settings.envId());
        List<ProducerRecord<byte[], byte[]>> pool = recordPool(settings, registry);
        int recordBytes =
                (int) pool.stream().mapToInt(r -> r.value().length).average().orElseThrow();
        out.printf(
                Locale.ROOT,
                "actor benchmark: %s, transitions of ~%d bytes, broker %s, warm-up %s, windows"
                        + " %s%n",
                settings.envId(),
                recordBytes,
                settings.bootstrapServers(),
                settings.warmUp(),
                settings.measure());
        out.flush();
        List<Rate> broker = new ArrayList<>();
        List<Rate> actors = new ArrayList<>();
        broker.add(print(out, brokerRate(settings, pool, "broker baseline (before)")));
        String nonce = Long.toString(System.nanoTime() & 0xffffffL, 36);
        String policyName = "bench-" + nonce;
        PolicyManifest model =
                LinearQArtifact.write(
                        settings.workDir().resolve(policyName).resolve("1"),
                        policyName,
                        1,
                        spec.observationShape(),
                        randomWeights(spec, new SplittableRandom(1)),
                        new float[spec.numActions()]);
        publish(
                settings,
                LinearQArtifact.announcement(
                        model, settings.workDir().resolve(policyName).resolve("1")));
        for (int envs : settings.envCounts()) {
            actors.add(print(out, actorRate(settings, envs, "random-" + nonce, 0, "v0 random")));
            actors.add(
                    print(out, actorRate(settings, envs, policyName, 1, "SavedModel, eps 0.05")));
        }
        broker.add(print(out, brokerRate(settings, pool, "broker baseline (after)")));
        SwapLatency swaps = new SwapLatency(List.of());
        if (settings.swaps() > 0) {
            swaps = swapLatency(settings, spec, "bench-swap-" + nonce, out);
        }
        Report report = new Report(recordBytes, broker, actors, swaps);
        summarise(report, out);
        return report;
    }

    private static Rate print(PrintWriter out, Rate rate) {
        out.printf(
                Locale.ROOT,
                "  %-52s %,12.0f records/s  (%,d in %.1f s)%n",
                rate.what(),
                rate.perSecond(),
                rate.records(),
                rate.seconds());
        out.flush();
        return rate;
    }

    private static void summarise(Report report, PrintWriter out) {
        double brokerRate = report.brokerRate();
        double goal = Math.min(300_000, 0.6 * brokerRate);
        out.printf(
                Locale.ROOT,
                "broker baseline (mean) %,.0f records/s; goal per actor process: >= %,.0f"
                        + " transitions/s (300k, or 60%% of the broker if lower)%n",
                brokerRate,
                goal);
        for (Rate rate : report.actors()) {
            out.printf(
                    Locale.ROOT,
                    "  %-52s %,12.0f /s = %5.1f%% of the broker  %s%n",
                    rate.what(),
                    rate.perSecond(),
                    100 * rate.perSecond() / brokerRate,
                    rate.perSecond() >= goal ? "meets the goal" : "below the goal");
        }
        if (!report.swaps().millis().isEmpty()) {
            SwapLatency s = report.swaps();
            out.printf(
                    Locale.ROOT,
                    "hot-swap, publish -> every actor acting, %d swaps: p50 %.0f ms, p99 %.0f ms,"
                            + " max %.0f ms (goal p99 <= 1000 ms)%n",
                    s.millis().size(),
                    s.percentile(50),
                    s.percentile(99),
                    s.percentile(100));
        }
        out.flush();
    }

    /**
     * Encoded transitions of a random rollout, keyed by episode id, to replay as fast as possible.
     */
    private static List<ProducerRecord<byte[], byte[]>> recordPool(
            Settings settings, EnvRegistry registry) {
        String envId = settings.envId();
        int n = 64;
        VectorEnv envs = VectorEnv.create(() -> registry.makeUnwrapped(envId), n, 99L);
        envs.reset();
        TransitionEncoder encoder = new TransitionEncoder(envs.spec());
        SplittableRandom random = new SplittableRandom(7);
        int[] actions = new int[n];
        List<ProducerRecord<byte[], byte[]>> pool = new ArrayList<>(POOL);
        String topic = settings.topics().transitions();
        while (pool.size() < POOL) {
            for (int i = 0; i < n; i++) {
                actions[i] = random.nextInt(envs.spec().numActions());
            }
            envs.step(actions);
            long now = System.currentTimeMillis();
            for (int i = 0; i < n && pool.size() < POOL; i++) {
                String actorId = "bench-0/" + i;
                String episodeId = actorId + "-baseline0-" + envs.episodeIndex()[i];
                byte[] value =
                        encoder.encode(
                                actorId,
                                episodeId,
                                envs.stepIndex()[i],
                                now,
                                envs.prevObs(),
                                envs.nextObs(),
                                i * envs.observationSize(),
                                actions[i],
                                envs.rewards()[i],
                                envs.terminated()[i],
                                envs.truncated()[i],
                                0.5f,
                                0L);
                pool.add(
                        new ProducerRecord<>(
                                topic, episodeId.getBytes(StandardCharsets.UTF_8), value));
            }
        }
        return pool;
    }

    private static Rate brokerRate(
            Settings settings, List<ProducerRecord<byte[], byte[]>> pool, String what) {
        PublisherSettings producerSettings =
                PublisherSettings.defaults(
                        settings.bootstrapServers(), "replayflow-bench-baseline");
        LongAdder acked = new LongAdder();
        try (Producer<byte[], byte[]> producer =
                new KafkaProducer<>(producerSettings.producerProperties())) {
            long start = System.nanoTime();
            long measureFrom = start + settings.warmUp().toNanos();
            long end = measureFrom + settings.measure().toNanos();
            long ackedAtStart = -1;
            long sent = 0;
            for (long now = start; now < end; now = System.nanoTime()) {
                for (int i = 0; i < 256; i++) {
                    producer.send(
                            pool.get((int) (sent++ % pool.size())),
                            (md, e) -> {
                                if (e == null) {
                                    acked.increment();
                                }
                            });
                }
                if (ackedAtStart < 0 && now >= measureFrom) {
                    ackedAtStart = acked.sum();
                    measureFrom = now;
                }
            }
            long ackedAtEnd = acked.sum();
            double seconds = (System.nanoTime() - measureFrom) / 1e9;
            long records = ackedAtEnd - Math.max(0, ackedAtStart);
            producer.flush();
            return new Rate(what, records / seconds, records, seconds);
        }
    }

    private static Rate actorRate(
            Settings settings, int envs, String policyName, long expectVersion, String label)
            throws InterruptedException {
        ActorConfig config =
                baseConfig(settings)
                        .envsPerActor(envs)
                        .actors(1)
                        .policyName(policyName)
                        .epsilon(EpsilonSchedule.constant(0.05))
                        .build();
        try (ActorRunner runner = ActorRunner.start(config)) {
            if (runner.installedVersion() != expectVersion) {
                throw new IllegalStateException(
                        "benchmark actor acts with v"
                                + runner.installedVersion()
                                + ", expected v"
                                + expectVersion);
            }
            Thread.sleep(settings.warmUp().toMillis());
            long ackedStart = runner.status().transitionsAcked();
            long start = System.nanoTime();
            Thread.sleep(settings.measure().toMillis());
            long acked = runner.status().transitionsAcked() - ackedStart;
            double seconds = (System.nanoTime() - start) / 1e9;
            long blocked = runner.status().publishBlocked();
            return new Rate(
                    String.format(
                            Locale.ROOT,
                            "actor, %d envs, %s%s",
                            envs,
                            label,
                            blocked > 0 ? " (blocked " + blocked + "x)" : ""),
                    acked / seconds,
                    acked,
                    seconds);
        }
    }

    private static SwapLatency swapLatency(
            Settings settings, EnvSpec spec, String policyName, PrintWriter out) throws Exception {
        int swaps = settings.swaps();
        List<Path> dirs = new ArrayList<>();
        List<PolicyVersion> announcements = new ArrayList<>();
        for (int v = 1; v <= swaps; v++) {
            Path dir = settings.workDir().resolve(policyName).resolve(Integer.toString(v));
            PolicyManifest manifest =
                    LinearQArtifact.writeConstantAction(
                            dir, policyName, v, spec, v % spec.numActions());
            dirs.add(dir);
            announcements.add(LinearQArtifact.announcement(manifest, dir));
        }
        int actors = 2;
        Map<Long, CountDownLatch> acting = new ConcurrentHashMap<>();
        Map<Long, long[]> actingAt = new ConcurrentHashMap<>();
        for (long v = 1; v <= swaps; v++) {
            acting.put(v, new CountDownLatch(actors));
            actingAt.put(v, new long[actors]);
        }
        ActingListener listener =
                (actor, version, nanos) -> {
                    long[] at = actingAt.get(version);
                    if (at != null) {
                        at[actor] = nanos;
                        acting.get(version).countDown();
                    }
                };
        ActorConfig config =
                baseConfig(settings)
                        .envsPerActor(64)
                        .actors(actors)
                        .policyName(policyName)
                        .epsilon(EpsilonSchedule.constant(0.05))
                        .build();
        List<Double> millis = new ArrayList<>();
        try (ActorRunner runner =
                        ActorRunner.start(
                                config,
                                EnvRegistry.withBuiltIns(),
                                InstantSource.system(),
                                listener);
                Producer<byte[], byte[]> producer = policyProducer(settings)) {
            Thread.sleep(settings.warmUp().toMillis());
            SingleObjectSerde<PolicyVersion> serde =
                    SingleObjectSerde.forClass(PolicyVersion.class);
            for (PolicyVersion announced : announcements) {
                long v = announced.getVersion();
                byte[] key = policyName.getBytes(StandardCharsets.UTF_8);
                byte[] value = serde.encode(announced);
                long published = System.nanoTime();
                producer.send(new ProducerRecord<>(settings.topics().policies(), key, value));
                producer.flush();
                if (!acting.get(v).await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(
                            "v" + v + " was not acted with within 30 s of its publication");
                }
                long last = Arrays.stream(actingAt.get(v)).max().orElseThrow();
                millis.add((last - published) / 1e6);
                Thread.sleep(200);
            }
            out.printf(
                    Locale.ROOT,
                    "  %d swaps by %d actors (%d refused); latencies (ms): %s%n",
                    runner.metrics().swaps(),
                    actors,
                    runner.metrics().swapFailures(),
                    millis.stream().map(m -> String.format(Locale.ROOT, "%.0f", m)).toList());
            out.flush();
        }
        return new SwapLatency(millis);
    }

    private static ActorConfig.Builder baseConfig(Settings settings) {
        return ActorConfig.builder()
                .bootstrapServers(settings.bootstrapServers())
                .topicPrefix(settings.topics().prefix())
                .env(settings.envId())
                .seed(1)
                .actorName("bench")
                .metricsPort(-1)
                .swapInitialWait(Duration.ofSeconds(30));
    }

    private static Producer<byte[], byte[]> policyProducer(Settings settings) {
        return new KafkaProducer<>(
                PublisherSettings.defaults(settings.bootstrapServers(), "replayflow-bench-policies")
                        .producerProperties());
    }

    private static void publish(Settings settings, PolicyVersion announced) {
        try (Producer<byte[], byte[]> producer = policyProducer(settings)) {
            producer.send(
                    new ProducerRecord<>(
                            settings.topics().policies(),
                            announced.getPolicyName().getBytes(StandardCharsets.UTF_8),
                            SingleObjectSerde.forClass(PolicyVersion.class).encode(announced)));
            producer.flush();
        }
    }

    private static float[][] randomWeights(EnvSpec spec, SplittableRandom random) {
        float[][] w = new float[spec.observationSize()][spec.numActions()];
        for (float[] row : w) {
            for (int a = 0; a < row.length; a++) {
                row[a] = (float) random.nextGaussian();
            }
        }
        return w;
    }
}
