package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy-gradient loop end to end with real parts and a short budget: embedded Kafka broker,
 * the ingest job and the replay-store job writing trajectory segments on a Flink MiniCluster, an
 * actor process, the continuous trainer learning IMPALA's V-trace actor-critic from the segments
 * with TensorFlow Java and publishing stochastic versions, and greedy evaluations. Checks the
 * mechanics, not the learning goal: stochastic versions are published, the actors act with them by
 * sampling (their logged behaviour probabilities lie in (0, 1] and some are under 1/2, the less
 * likely action taken, which a deterministic policy never does), and the learner measured its
 * policy lag and importance ratios.
 */
@Timeout(300)
class PolicyGradientDemoITCase {

    @TempDir Path data;

    @Test
    void impalaPublishesStochasticVersionsThatTheActorsSampleFrom() throws Exception {
        // The budget counts from before the stack starts: 40 s left one version when the stack
        // took 20 s to come up at load 12-21 (passed at load 4-5); 75 s leaves two versions'
        // worth of training after a slow start.
        DemoSettings settings =
                DemoSettings.policyGradient(data, Duration.ofSeconds(75), "impala")
                        .withEvalEpisodes(5);
        StringWriter progress = new StringWriter();

        DemoRun.Result result = new DemoRun(settings).run(new PrintWriter(progress), false);

        assertThat(result.outcome())
                .as("progress:%n%s", progress)
                .isIn(DemoRun.Outcome.SOLVED, DemoRun.Outcome.BUDGET_EXHAUSTED);
        assertThat(result.policyVersions()).as("versions published").isGreaterThanOrEqualTo(2);
        PolicyManifest first =
                PolicyManifest.readFrom(
                        data.resolve("policies").resolve("CartPole-v1").resolve("1"));
        assertThat(first.stochastic()).as("version 1 is a stochastic policy").isTrue();
        assertThat(first.algo()).isEqualTo("impala");
        assertThat(result.samples().get(result.samples().size() - 1).actingVersion())
                .as("the actors swapped to a trained version")
                .isGreaterThanOrEqualTo(1);

        List<GenericRecord> rows = readLog(data.resolve("experience"));
        List<GenericRecord> trained =
                rows.stream().filter(r -> (Long) r.get("policy_version") >= 1).toList();
        assertThat(trained).as("transitions acted by a published version").isNotEmpty();
        // A trained softmax may grow sure of an action (CI logged pi = 1.0f from version 185 of
        // a fast run), so 1 is a probability the actors may log; what only sampling does is take
        // the less likely action now and then, which argmax acting never does.
        assertThat(trained)
                .as("probabilities of the softmax: 0 < pi(a|s) <= 1")
                .allSatisfy(
                        r ->
                                assertThat((Float) r.get("behavior_prob"))
                                        .isGreaterThan(0f)
                                        .isLessThanOrEqualTo(1f));
        assertThat(trained)
                .as("sampled from the softmax: now and then the less likely action, pi(a|s) < 0.5")
                .anySatisfy(r -> assertThat((Float) r.get("behavior_prob")).isLessThan(0.5f));
        assertThat(rows.stream().filter(r -> (Long) r.get("policy_version") == 0))
                .as("version 0 acts uniformly at random")
                .allSatisfy(r -> assertThat((Float) r.get("behavior_prob")).isEqualTo(0.5f));

        assertThat(result.policyLag()).as("policy lag measured").isNotNull();
        assertThat(result.policyLag().meanRatio()).isPositive();
        assertThat(result.policyLag().meanSeconds()).as("the pipeline's latency").isPositive();
        assertThat(DemoReport.html(settings, result)).contains("importance ratio pi/mu");
        assertThat(progress.toString()).contains("CartPole-v1 with impala");
    }

    /** Every row of the visible Parquet files, read with parquet-avro (no ReplayFlow code). */
    private static List<GenericRecord> readLog(Path experience) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(experience)) {
            files =
                    walk.filter(Files::isRegularFile)
                            .filter(p -> p.getFileName().toString().endsWith(".parquet"))
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .toList();
        }
        List<GenericRecord> rows = new ArrayList<>();
        for (Path file : files) {
            try (ParquetReader<GenericRecord> reader =
                    AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                            .withDataModel(GenericData.get())
                            .build()) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    rows.add(r);
                }
            }
        }
        return rows;
    }
}
