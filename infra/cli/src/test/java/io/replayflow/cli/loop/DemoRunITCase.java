package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cli.report.PngAssertions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with real parts and a small budget: embedded Kafka broker, the ingest and
 * replay-store jobs on a Flink MiniCluster, an actor process, the continuous trainer publishing
 * versions, and greedy evaluations. Checks the mechanics, not the learning benchmark: versions
 * increase, the actors swap to them, evaluation rises clearly above a random policy (~22 on
 * CartPole), TensorBoard events land under the data root, and the report (HTML and non-trivial PNG
 * charts) is written.
 */
@Timeout(300)
class DemoRunITCase {

    @TempDir Path data;

    @Test
    void loopPublishesVersionsActorsSwapAndEvaluationRisesAboveRandom() throws Exception {
        DemoSettings settings =
                DemoSettings.cartPole(data, Duration.ofSeconds(150)).withEvalEpisodes(20);
        StringWriter progress = new StringWriter();

        DemoRun.Result result = new DemoRun(settings).run(new PrintWriter(progress), false);

        assertThat(result.outcome())
                .as("progress:%n%s", progress)
                .isIn(DemoRun.Outcome.SOLVED, DemoRun.Outcome.BUDGET_EXHAUSTED);
        List<DemoRun.Sample> samples = result.samples();
        assertThat(result.policyVersions()).as("versions published").isGreaterThanOrEqualTo(2);
        for (int i = 1; i < samples.size(); i++) {
            assertThat(samples.get(i).publishedVersion())
                    .isGreaterThanOrEqualTo(samples.get(i - 1).publishedVersion());
            assertThat(samples.get(i).actingVersion())
                    .isGreaterThanOrEqualTo(samples.get(i - 1).actingVersion());
        }
        // batch 128 at 64 samples per insert: two env steps per gradient step, past minSize + lead
        long gate = settings.minSize() + settings.actorLead();
        assertThat(samples)
                .as("the actors waited for the trainer (two steps per update past %d)", gate)
                .allSatisfy(
                        s ->
                                assertThat(s.envSteps())
                                        .isLessThanOrEqualTo(
                                                gate
                                                        + 2 * s.trainerStep()
                                                        + settings.envsPerActor()));
        assertThat(samples.get(samples.size() - 1).actingVersion())
                .as("the actors swapped to a trained version")
                .isGreaterThanOrEqualTo(1);
        double best =
                result.evaluations().stream()
                        .mapToDouble(e -> e.result().meanReturn())
                        .max()
                        .orElse(0);
        assertThat(best).as("best greedy evaluation vs ~22 for random").isGreaterThan(100);
        assertThat(Files.list(data.resolve("experience")).toList()).isNotEmpty();

        Path report = DemoReport.write(settings, result);
        assertThat(report).isEqualTo(data.toAbsolutePath().resolve("report.html"));
        String html = Files.readString(report);
        assertThat(html)
                .contains("<img src=\"report/return.png\"")
                .contains("<img src=\"report/rates.png\"")
                .contains("<img src=\"report/dead-letters.png\"")
                .contains("Evaluations")
                .contains("tensorboard --logdir " + data.toAbsolutePath().resolve("tensorboard"));
        for (String png : List.of("return.png", "rates.png", "dead-letters.png")) {
            PngAssertions.assertChart(data.resolve("report").resolve(png), 30);
        }
        assertThat(Files.readString(data.resolve("report/summary.json")))
                .contains("\"eval_mean_return\"")
                .contains("\"policy_versions\": " + result.policyVersions());

        assertThat(result.endpoints())
                .extracting(DemoRun.Endpoint::what)
                .contains("actors", "trainer", "Flink (ingest, replay-store)");
        try (Stream<Path> files = Files.walk(result.tensorboardDir())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("TensorBoard event files under the data root")
                    .anyMatch(name -> name.startsWith("events.out.tfevents."));
        }
        assertThat(samples)
                .as("ingest progress was sampled")
                .anyMatch(s -> s.ingestCommitted() > 0);
    }
}
