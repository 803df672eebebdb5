package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.infra.stack.testing.KafkaTestClients;
import io.replayflow.replay.data.testing.ExperienceFiles;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.episode.EpisodeEnrichment;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replayflow learn} against a real broker, on real replay-row Parquet files as the
 * replay-store job writes them, with real TensorFlow: it publishes versions on {@code rf.policies},
 * serves Prometheus metrics, stops cleanly on an interrupt with a final checkpoint, and started
 * again continues the same run with the next version number.
 */
@Timeout(300)
class LearnCommandITCase {

    private static final String POLICY = "learn-it";
    private static final long T0 = 1_764_000_000_000L;

    @TempDir static Path data;

    private static LocalStack stack;

    @BeforeAll
    static void startBrokerAndWriteReplay() {
        stack = LocalStack.builder().withFlink(false).partitions(1).start();
        writeReplay(Transitions.cartPole(1_500, T0, 7));
    }

    @AfterAll
    static void stopBroker() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void publishesStopsWithACheckpointAndResumesWithTheNextVersion() throws Exception {
        Run first = Run.start(args());
        await(() -> versionDir(2).resolve(PolicyManifest.FILE_NAME).toFile().isFile(), first);
        String metrics = scrape(first.prometheus());
        assertThat(metrics)
                .containsPattern("replayflow_trainer_policy_version\\{policy=\"" + POLICY + "\"}");
        first.interrupt();
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).containsPattern("(?m)^(waiting for data|training) \\| step ");
        Matcher stopped =
                Pattern.compile("learn stopped at step (\\d+); last version v(\\d+)")
                        .matcher(first.out());
        assertThat(stopped.find()).as(first.out()).isTrue();
        long stopStep = Long.parseLong(stopped.group(1));
        long lastVersion = Long.parseLong(stopped.group(2));
        assertThat(lastVersion).isGreaterThanOrEqualTo(2);
        assertThat(
                        data.resolve(
                                "checkpoints/trainer/"
                                        + POLICY
                                        + "/step-%012d".formatted(stopStep)))
                .as("the final checkpoint at the step it stopped")
                .isDirectory();

        Run second = Run.start(args());
        await(() -> Files.isDirectory(versionDir(lastVersion + 1)), second);
        await(() -> published().size() > lastVersion, second);
        second.interrupt();
        assertThat(second.exitCode()).as(second.err()).isZero();

        List<PolicyVersion> versions = published();
        List<Long> numbers = versions.stream().map(PolicyVersion::getVersion).toList();
        assertThat(numbers.subList(0, (int) lastVersion + 1))
                .as("versions continue after the restart, none reused")
                .isEqualTo(Stream.iterate(1L, v -> v + 1).limit(lastVersion + 1).toList());
        PolicyVersion resumed = versions.get((int) lastVersion);
        assertThat(resumed.getTrainStep())
                .as("the resumed run starts from the final checkpoint")
                .isGreaterThan(stopStep);
        assertThat(versions.get((int) lastVersion - 1).getTrainStep())
                .isLessThanOrEqualTo(stopStep);
        PolicyManifest.readFrom(versionDir(lastVersion + 1))
                .verify(versionDir(lastVersion + 1), resumed.getSha256());
        try (Stream<Path> events = Files.list(data.resolve("tensorboard").resolve(POLICY))) {
            assertThat(events.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("events.out.tfevents."));
        }
    }

    private static String[] args() {
        return new String[] {
            "learn",
            "--data",
            data.toString(),
            "--bootstrap",
            stack.bootstrapServers(),
            "--policy",
            POLICY,
            "--env",
            "CartPole-v1",
            "--algo",
            "dqn",
            "--publish-every",
            "40",
            "--min-size",
            "1000",
            "--progress-interval",
            "500ms",
            "--set",
            "trainer.hidden=16,16",
            "--set",
            "trainer.batch-size=32",
            "--set",
            "trainer.threads.intra-op=1",
            "--set",
            "trainer.threads.inter-op=1"
        };
    }

    /** The replay dataset {@code default} as the replay-store job writes it: n-step rows. */
    private static void writeReplay(List<Transition> transitions) {
        Map<String, List<ReplayRow>> episodes = new LinkedHashMap<>();
        for (Transition t : transitions) {
            episodes.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>())
                    .add(ReplayRow.fromTransition(t));
        }
        Map<String, List<ReplayRow>> partitions = new LinkedHashMap<>();
        for (List<ReplayRow> rows : episodes.values()) {
            EpisodeEnrichment.enrich(rows, 3, 0.99);
            for (ReplayRow row : rows) {
                row.priority = 1.0;
                partitions
                        .computeIfAbsent(row.partition().relativePath(), p -> new ArrayList<>())
                        .add(row);
            }
        }
        partitions.forEach(
                (partition, rows) ->
                        ExperienceFiles.writeReplayRows(
                                data.resolve("replay/default")
                                        .resolve(partition)
                                        .resolve("part-" + rows.size() + ".parquet"),
                                rows));
    }

    private static Path versionDir(long version) {
        return data.resolve("policies").resolve(POLICY).resolve(Long.toString(version));
    }

    private static List<PolicyVersion> published() {
        var serde = SingleObjectSerde.forClass(PolicyVersion.class);
        List<PolicyVersion> out = new ArrayList<>();
        for (var r :
                KafkaTestClients.readAll(
                        stack.bootstrapServers(), stack.topics().policies(), "read_committed")) {
            if (POLICY.equals(r.key())) {
                try {
                    out.add(serde.decode(r.value()));
                } catch (DecodeException e) {
                    throw new AssertionError("an undecodable PolicyVersion on rf.policies", e);
                }
            }
        }
        return out;
    }

    private static String scrape(URI url) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(url).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static void await(BooleanSupplier condition, Run run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertThat(run.thread.isAlive())
                    .as("learn ended early: %s %s", run.out(), run.err())
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("timed out; output %s", run.out())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * {@code replayflow learn} on its own thread, as {@code main} runs it; an interrupt stops it.
     */
    private static final class Run {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(-1);
        Thread thread;

        static Run start(String[] args) {
            Run run = new Run();
            run.thread =
                    new Thread(
                            () ->
                                    run.code.set(
                                            ReplayFlow.run(
                                                    args,
                                                    new PrintWriter(run.out),
                                                    new PrintWriter(run.err))),
                            "learn-it");
            run.thread.start();
            return run;
        }

        URI prometheus() {
            Matcher m = Pattern.compile("Prometheus (http://\\S+/metrics)").matcher(out());
            assertThat(m.find()).as(out()).isTrue();
            return URI.create(m.group(1));
        }

        void interrupt() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(90));
            assertThat(thread.isAlive()).as("learn stopped within 90 s").isFalse();
        }

        int exitCode() {
            return code.get();
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }
    }
}
