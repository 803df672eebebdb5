package io.replayflow.replay.sample;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH benchmark of the sampling hot paths over 1M rows with random priorities. Targets: a
 * prioritized batch of 256 in at most 100 us, one priority update in at most 1 us. Not a test:
 * nothing here runs in the build. Run from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl replay-store test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath io.replayflow.replay.sample.SamplerBenchmark"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SamplerBenchmark {

    private static final int ROWS = 1_000_000;
    private static final int BATCH = 256;

    /** Pre-drawn update arguments, cycled so the benchmark measures the sampler, not the RNG. */
    private static final int UPDATES = 1 << 16;

    private PrioritizedSampler prioritized;
    private UniformSampler uniform;
    private SampleBatch batch;
    private int[] updateRows;
    private double[] updatePriorities;
    private int[][] rowBatches;
    private double[][] priorityBatches;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(1);
        prioritized = Sampler.prioritized(0.6, new BetaSchedule(0.4, 1_000_000), rng.split());
        prioritized.append(ROWS);
        for (int row = 0; row < ROWS; row++) {
            prioritized.update(row, rng.nextDouble(1e-3, 10.0));
        }
        uniform = Sampler.uniform(rng.split());
        uniform.append(ROWS);
        batch = new SampleBatch(BATCH);
        updateRows = new int[UPDATES];
        updatePriorities = new double[UPDATES];
        for (int j = 0; j < UPDATES; j++) {
            updateRows[j] = rng.nextInt(ROWS);
            updatePriorities[j] = rng.nextDouble(1e-3, 10.0);
        }
        rowBatches = new int[UPDATES / BATCH][BATCH];
        priorityBatches = new double[UPDATES / BATCH][BATCH];
        for (int j = 0; j < UPDATES; j++) {
            rowBatches[j / BATCH][j % BATCH] = updateRows[j];
            priorityBatches[j / BATCH][j % BATCH] = updatePriorities[j];
        }
    }

    /** One prioritized batch of 256 from 1M rows, weights and probabilities included. */
    @Benchmark
    public SampleBatch prioritizedSample256() {
        prioritized.sample(batch);
        return batch;
    }

    /** One uniform batch of 256 from 1M rows, for comparison. */
    @Benchmark
    public SampleBatch uniformSample256() {
        uniform.sample(batch);
        return batch;
    }

    /** One priority update of a random row (p^alpha, sum tree and min tree). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean prioritizedUpdate() {
        int j = next++ & (UPDATES - 1);
        return prioritized.update(updateRows[j], updatePriorities[j]);
    }

    /** A batch of 256 updates, reported per update. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(BATCH)
    public int prioritizedBatchUpdatePerRow() {
        int j = next++ & (rowBatches.length - 1);
        return prioritized.update(rowBatches[j], priorityBatches[j], BATCH);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(SamplerBenchmark.class.getSimpleName()).build())
                .run();
    }
}
