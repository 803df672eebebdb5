package io.replayflow.trainer.bench;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.NetworkKind;
import io.replayflow.trainer.SeededRandom;
import io.replayflow.trainer.Trainer;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TransitionColumns;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gradient updates per second of the full training step — uniform sampling from an in-memory
 * dataset, the copy into the reused tensors, and one {@code Session.run} (forward, loss, backward,
 * clipping, Adam) — on synthetic data of 100k transitions: CartPole-shaped (obs [4], 2 actions) for
 * an MLP, MinAtar-Breakout-shaped (uint8 0/1 images [10, 10, 4], 6 actions) for the MinAtar
 * network. Warm-up steps are not timed. Prints one JSON line, {@code {"updates_per_s": ...}}.
 *
 * <p>TensorFlow fixes its thread pools at the first session of a process: measure each thread count
 * in its own JVM.
 */
public final class TrainerBenchmark {

    /** Transitions in the synthetic dataset. */
    public static final int DATASET_SIZE = 100_000;

    /** Untimed steps before measuring: at least this many... */
    public static final int WARMUP_STEPS = 200;

    /**
     * ...and at least this long, so that the JIT has compiled the sampling and copy code (200 steps
     * of a 64x64 network take ~40 ms, before C2 is done).
     */
    public static final long WARMUP_NANOS = 2_000_000_000L;

    /**
     * The default inter-op setting: TensorFlow runs the graph's ops one after another in the thread
     * that calls {@code Session.run}, as PyTorch runs eager ops in the Python thread. With an
     * inter-op pool of 1 instead, every op is handed to a second thread while the caller waits,
     * which costs ~40% of the rate for a 64x64 network (docs/BENCHMARKS.md).
     */
    public static final int CALLER_THREAD = -1;

    private TrainerBenchmark() {}

    /**
     * Runs the benchmark and prints its JSON line to stdout.
     *
     * @return updates per second
     */
    public static double run(String algo, int[] hidden, int batch, long steps, int threads) {
        Result r =
                measure(
                        Algo.parse(algo),
                        NetworkKind.MLP,
                        hidden,
                        batch,
                        steps,
                        threads,
                        CALLER_THREAD);
        System.out.println(r.json());
        return r.updatesPerSecond();
    }

    /** The measurement. */
    public record Result(
            Algo algo,
            NetworkKind network,
            int[] hidden,
            int batch,
            long steps,
            int threads,
            int interOpThreads,
            double seconds) {

        public double updatesPerSecond() {
            return steps / seconds;
        }

        public String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"updates_per_s\": %.1f, \"algo\": \"%s\", \"network\": \"%s\", \"hidden\":"
                            + " [%s], \"batch\": %d,"
                            + " \"steps\": %d, \"threads\": %d, \"inter_op\": %d,"
                            + " \"seconds\": %.3f}",
                    updatesPerSecond(),
                    algo.id(),
                    network.id(),
                    Arrays.stream(hidden)
                            .mapToObj(String::valueOf)
                            .collect(Collectors.joining(",")),
                    batch,
                    steps,
                    threads,
                    interOpThreads,
                    seconds);
        }
    }

    /**
     * Measures {@code steps} updates of {@code network} ({@code hidden} applies to an MLP) with
     * {@code threads} TensorFlow intra-op threads and {@code interOpThreads} inter-op threads
     * ({@link #CALLER_THREAD}: ops run in the calling thread).
     */
    public static Result measure(
            Algo algo,
            NetworkKind network,
            int[] hidden,
            int batch,
            long steps,
            int threads,
            int interOpThreads) {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps " + steps + " must be >= 1");
        }
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", algo.id(),
                                "trainer.network", network.id(),
                                "trainer.hidden",
                                        Arrays.stream(hidden)
                                                .mapToObj(String::valueOf)
                                                .collect(Collectors.joining(",")),
                                "trainer.batch-size", Integer.toString(batch),
                                "trainer.threads.intra-op", Integer.toString(threads),
                                "trainer.threads.inter-op", Integer.toString(interOpThreads)));
        TransitionColumns columns =
                network == NetworkKind.MLP
                        ? syntheticCartPole(DATASET_SIZE, 42)
                        : syntheticMinAtar(DATASET_SIZE, 42);
        ArrayBatchSource source = ArrayBatchSource.uniform(columns, new SeededRandom(7));
        try (Trainer trainer = Trainer.create(config, columns.spec())) {
            long warmupStart = System.nanoTime();
            for (int i = 0;
                    i < WARMUP_STEPS || System.nanoTime() - warmupStart < WARMUP_NANOS;
                    i++) {
                trainer.step(source);
            }
            long start = System.nanoTime();
            for (long i = 0; i < steps; i++) {
                trainer.step(source);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(
                    algo, network, hidden, batch, steps, threads, interOpThreads, seconds);
        }
    }

    /**
     * Random CartPole-shaped transitions: observations in the env's typical ranges, reward 1,
     * discount 0.99 except 5% terminal.
     */
    public static TransitionColumns syntheticCartPole(int size, long seed) {
        SeededRandom rng = new SeededRandom(seed);
        TransitionColumns.Builder b = TransitionColumns.builder(TransitionSpec.vector(4, 2));
        float[] obs = new float[4];
        float[] next = new float[4];
        float[] scale = {2.4f, 3f, 0.21f, 3f};
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < 4; k++) {
                obs[k] = (float) rng.nextDouble(-1, 1) * scale[k];
                next[k] = obs[k] + (float) rng.nextDouble(-0.05, 0.05);
            }
            boolean terminal = rng.nextDouble() < 0.05;
            b.add(obs, rng.nextInt(2), 1f, terminal ? 0f : 0.99f, next);
        }
        return b.build();
    }

    /**
     * Random MinAtar-Breakout-shaped transitions: [10, 10, 4] images with about one cell in ten set
     * to 1 (bricks, paddle, ball, trail), the next image with a few cells changed, 6 actions,
     * reward 1 on 5% of the rows, discount 0.99 except 2% terminal.
     */
    public static TransitionColumns syntheticMinAtar(int size, long seed) {
        SeededRandom rng = new SeededRandom(seed);
        TransitionSpec spec = TransitionSpec.image(10, 10, 4, 6);
        TransitionColumns.Builder b = TransitionColumns.builder(spec);
        byte[] obs = new byte[spec.obsSize()];
        byte[] next = new byte[spec.obsSize()];
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < obs.length; k++) {
                obs[k] = (byte) (rng.nextDouble() < 0.1 ? 1 : 0);
                next[k] = rng.nextDouble() < 0.02 ? (byte) (1 - obs[k]) : obs[k];
            }
            float reward = rng.nextDouble() < 0.05 ? 1f : 0f;
            boolean terminal = rng.nextDouble() < 0.02;
            b.addImage(obs, rng.nextInt(6), reward, terminal ? 0f : 0.99f, next);
        }
        return b.build();
    }

    /**
     * {@code java ... TrainerBenchmark ALGO HIDDEN BATCH STEPS THREADS}, e.g. {@code cql 256,256
     * 256 2000 1}.
     */
    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println(
                    "usage: TrainerBenchmark dqn|double-dqn|qr-dqn|cql|iql|bcq|bc 64,64 BATCH STEPS"
                            + " THREADS");
            System.exit(2);
        }
        int[] hidden = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        run(
                args[0],
                hidden,
                Integer.parseInt(args[2]),
                Long.parseLong(args[3]),
                Integer.parseInt(args[4]));
    }
}
