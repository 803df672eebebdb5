package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.actor.policy.EpsilonGreedy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replayflow collect} through the real path — a real Kafka broker, the ingest job on a Flink
 * MiniCluster, Parquet files — with the CartPole hand controller at ε = 0.65; then {@code train
 * --algo bc} and {@code evaluate} on what it logged, all through the command line. One collection
 * (one broker and MiniCluster) for the class.
 */
@Timeout(300)
class CollectCommandITCase {

    private static final int TRANSITIONS = 8192;
    private static final double EPSILON = 0.65;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path data;

    private static JsonNode summary;
    private static List<GenericRecord> log;

    @BeforeAll
    static void collect() throws IOException {
        summary =
                lastJsonLine(
                        "collect",
                        "--data",
                        data.toString(),
                        "--env",
                        "CartPole-v1",
                        "--behaviour",
                        "cartpole-hand",
                        "--epsilon",
                        String.valueOf(EPSILON),
                        "--transitions",
                        String.valueOf(TRANSITIONS),
                        "--envs",
                        "16",
                        "--seed",
                        "3",
                        "--checkpoint-interval",
                        "1s",
                        "--json");
        log = readLog(data.resolve("experience"));
    }

    @Test
    void theLogHoldsExactlyThePublishedTransitions() {
        assertThat(summary.get("published").asLong()).isEqualTo(TRANSITIONS);
        assertThat(summary.get("transitions").asLong()).isEqualTo(TRANSITIONS);
        assertThat(summary.get("dead_letters").asLong()).isZero();
        assertThat(log).hasSize(TRANSITIONS);
        Set<String> identities = new HashSet<>();
        for (GenericRecord t : log) {
            identities.add(t.get("actor_id") + "/" + t.get("episode_id") + "/" + t.get("step"));
            assertThat((Long) t.get("policy_version")).isZero();
        }
        assertThat(identities).as("no duplicate, no loss").hasSize(TRANSITIONS);
    }

    @Test
    void episodesAreWholeChainsOfSteps() {
        Map<String, List<GenericRecord>> episodes = new HashMap<>();
        for (GenericRecord t : log) {
            episodes.computeIfAbsent(t.get("episode_id").toString(), k -> new ArrayList<>()).add(t);
        }
        assertThat(episodes).hasSize(summary.get("episodes").asInt());
        for (List<GenericRecord> steps : episodes.values()) {
            steps.sort(Comparator.comparingLong(t -> (Long) t.get("step")));
            for (int i = 0; i < steps.size(); i++) {
                GenericRecord t = steps.get(i);
                assertThat((Long) t.get("step")).isEqualTo(i);
                boolean last = i == steps.size() - 1;
                if (!last) {
                    assertThat((Boolean) t.get("terminated")).isFalse();
                    assertThat(floats(steps.get(i + 1), "obs")).isEqualTo(floats(t, "next_obs"));
                }
            }
        }
        // ε = 0.65 makes the hand controller a poor behaviour policy
        assertThat(summary.get("mean_return").asDouble()).isBetween(30.0, 100.0);
        assertThat(summary.get("behaviour_evaluation").get("mean_return").asDouble())
                .isBetween(30.0, 100.0);
    }

    @Test
    void everyTransitionCarriesItsExactBehaviourProbability() {
        // μ(hand controller's action) = 0.65/2 + 0.35 = 0.675, μ(the other) = 0.325
        float greedy = EpsilonGreedy.greedyProbability(EPSILON, 2);
        float other = EpsilonGreedy.exploratoryProbability(EPSILON, 2);
        int kept = 0;
        for (GenericRecord t : log) {
            float[] obs = floats(t, "obs");
            int hand = obs[2] + 0.5f * obs[3] > 0f ? 1 : 0;
            boolean isGreedy = (Integer) t.get("action") == hand;
            assertThat((Float) t.get("behavior_prob")).isEqualTo(isGreedy ? greedy : other);
            kept += isGreedy ? 1 : 0;
        }
        // binomial standard deviation at n = 8192 is ~0.005; allow 5 sigma
        assertThat(kept / (double) TRANSITIONS).isCloseTo(0.675, within(0.026));
    }

    @Test
    void aShortBehaviourCloningRunFromTheLogBeatsRandomClearly() throws IOException {
        JsonNode trained =
                lastJsonLine(
                        "train",
                        "--data",
                        data.toString(),
                        "--algo",
                        "bc",
                        "--steps",
                        "2000",
                        "--policy-name",
                        "bc-it",
                        "--set",
                        "trainer.lr=0.001",
                        "--set",
                        "trainer.seed=1");
        assertThat(trained.get("transitions").asLong()).isEqualTo(TRANSITIONS);
        JsonNode evaluated =
                lastJsonLine(
                        "evaluate",
                        "--policy",
                        trained.get("policy").asText(),
                        "--env",
                        "CartPole-v1",
                        "--episodes",
                        "100",
                        "--seed",
                        "11",
                        "--json");
        System.out.println("bc, 2000 steps from the collected log: " + evaluated);
        // uniform random scores ~22 and the logged behaviour ~70; the argmax of the logged action
        // distribution is the hand controller, which balances for 500 steps
        assertThat(evaluated.get("mean_return").asDouble()).isGreaterThan(200.0);
    }

    /**
     * {@code ope} on the collected Parquet log with a real TensorFlow artifact: the result is
     * written next to the artifact as the same object as the {@code --json} line. Behaviour epsilon
     * 0.65 leaves few episodes that follow a greedy target at every step; the epsilon-soft target
     * keeps every episode's weight nonzero. 2000 FQE steps with a target update every 500 are 4
     * Bellman backups, and the warning says so.
     */
    @Test
    void opeWritesItsResultNextToTheArtifactAndReportsSupportHonestly() throws IOException {
        JsonNode trained =
                lastJsonLine(
                        "train",
                        "--data",
                        data.toString(),
                        "--algo",
                        "bc",
                        "--steps",
                        "300",
                        "--policy-name",
                        "bc-ope",
                        "--set",
                        "trainer.seed=2");
        String artifact = trained.get("policy").asText();
        JsonNode greedy = ope(artifact, "0");
        JsonNode soft = ope(artifact, "0.3");

        assertThat(JSON.readTree(Files.readString(Path.of(artifact, "ope.json")))).isEqualTo(soft);
        for (String m : List.of("fqe", "dr", "pdis", "wpdis")) {
            JsonNode e = soft.get("estimates").get(m);
            assertThat(e.get("low").asDouble())
                    .as(m)
                    .isLessThanOrEqualTo(e.get("value").asDouble());
            assertThat(e.get("high").asDouble())
                    .as(m)
                    .isGreaterThanOrEqualTo(e.get("value").asDouble());
        }
        int episodes = soft.get("episodes").asInt();
        assertThat(episodes).isGreaterThan(50);
        assertThat(soft.get("supported_episodes").asInt()).isEqualTo(episodes);
        assertThat(soft.get("estimates").get("pdis").get("ess").asDouble()).isGreaterThan(1.0);
        assertThat(greedy.get("supported_episodes").asInt()).isLessThan(episodes);
        assertThat(greedy.get("target_epsilon").asDouble()).isZero();
        assertThat(soft.get("fqe_backups").asDouble()).isEqualTo(4.0);
        assertThat(soft.get("warnings").toString()).contains("fqe ran 4 Bellman backups");
    }

    private static JsonNode ope(String artifact, String epsilon) throws IOException {
        return lastJsonLine(
                "ope",
                "--policy",
                artifact,
                "--data",
                data.toString(),
                "--env",
                "CartPole-v1",
                "--fqe-steps",
                "2000",
                "--bootstrap-resamples",
                "50",
                "--target-epsilon",
                epsilon,
                "--set",
                "trainer.target.update-period=500",
                "--set",
                "trainer.threads.intra-op=1",
                "--set",
                "trainer.threads.inter-op=1",
                "--json");
    }

    @Test
    void aSecondCollectIntoTheSameDataRootIsRefused() {
        StringWriter err = new StringWriter();
        int code =
                ReplayFlow.run(
                        new String[] {
                            "collect",
                            "--data",
                            data.toString(),
                            "--transitions",
                            "16",
                            "--envs",
                            "16"
                        },
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err));
        assertThat(code).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(err.toString())
                .contains("already holds " + TRANSITIONS + " transitions in its experience log");
    }

    private static JsonNode lastJsonLine(String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReplayFlow.run(args, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as("%s failed: %s%n%s", args[0], err, out).isZero();
        String[] lines = out.toString().strip().split("\\R");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static float[] floats(GenericRecord t, String field) {
        List<?> values = (List<?>) t.get(field);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) values.get(i);
        }
        return out;
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
