package io.replayflow.replay.scoring;

import io.replayflow.policy.Policy;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.load.PolicyRoot;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.replay.job.ReplayStoreOptions;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH benchmark of initial-priority scoring: transitions per second through {@link
 * TransitionScorer} (one SavedModel call over s and s_n of a batch, then the TD formula) with a
 * CartPole-sized Q-network (4-64-64-2, ReLU) at the job's default batch of 256 rows. The figure
 * goes to docs/BENCHMARKS.md. Not a test: nothing here runs in the build. Run from the repository
 * root:
 *
 * <pre>
 * ./mvnw -B -q -pl replay-store test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath io.replayflow.replay.scoring.ScoringBenchmark"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScoringBenchmark {

    /** {@code replay.priority.scoring.batch-size}'s default (a constant, for JMH). */
    private static final int BATCH = 256;

    private Path dir;
    private Policy q;
    private TransitionScorer scorer;
    private List<ReplayRow> rows;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("scoring-bench");
        Path artifact = dir.resolve("cartpole/1");
        PolicyManifest manifest =
                MlpPolicy.random(4, new int[] {64, 64}, 2, 3).write(artifact, "cartpole", 1);
        PolicyAnnouncement announced =
                PolicyAnnouncement.of(MlpPolicy.announcement(manifest, artifact));
        q =
                PolicyLoader.tensorFlowQFunctions(
                                PolicyRoot.of(
                                        dir.toUri(), ReplayStoreOptions.SCORING_POLICY_ROOT.key()))
                        .load(announced.toAnnounced());
        scorer = new TransitionScorer(ReplayStoreOptions.PRIORITY_EPSILON.defaultValue());
        SplittableRandom rng = new SplittableRandom(5);
        rows = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            ReplayRow row = new ReplayRow();
            row.obs = gaussian(rng);
            row.bootstrapObs = gaussian(rng);
            row.action = rng.nextInt(2);
            row.nStepReturn = 2.97f;
            row.bootstrapDiscount = 0.970299f;
            row.bootstrapCut = rng.nextInt(50) == 0;
            rows.add(row);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        q.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Scores one batch; JMH reports transitions per second. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int scoreBatch() {
        return scorer.score(q, rows);
    }

    private static float[] gaussian(SplittableRandom rng) {
        float[] v = new float[4];
        for (int k = 0; k < 4; k++) {
            v[k] = (float) rng.nextGaussian();
        }
        return v;
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(
                        new OptionsBuilder()
                                .include(ScoringBenchmark.class.getSimpleName())
                                .jvmArgsAppend(
                                        "-Xmx768m",
                                        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.replayflow.schemas.avro")
                                .build())
                .run();
    }
}
