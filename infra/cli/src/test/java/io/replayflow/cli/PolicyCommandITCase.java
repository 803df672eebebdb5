package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code policy} verbs against a real broker: every decision lands on the assignment topics,
 * {@code list --json} shows the stages, and each bad input is one line with exit 2.
 */
@Timeout(180)
class PolicyCommandITCase {
    private static LocalStack stack;

    @TempDir static Path data;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.builder().withFlink(false).partitions(1).start();
        for (long v = 1; v <= 3; v++) {
            FakeArtifacts.write(data.resolve("policies"), "cp", v, List.of(4), 2);
        }
        Files.writeString(
                data.resolve("policies/cp/3/ope.json"),
                "{\"estimates\": {\"fqe\": {\"value\": 180.0, \"low\": 170.0, \"high\": 190.0}}}");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private record Result(int exitCode, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.get(lines.size() - 1);
        }
    }

    private static Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", stack.bootstrapServers(), "--data", data.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                ReplayFlow.run(
                        all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static Map<Long, String> stages() throws Exception {
        Result r = run("policy", "list", "cp", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.lastLine());
        assertThat(root.path("policy").asText()).isEqualTo("cp");
        Map<Long, String> stages = new java.util.TreeMap<>();
        for (JsonNode v : root.path("versions")) {
            stages.put(v.path("version").asLong(), v.path("stage").asText());
            if (v.path("version").asLong() == 3) {
                assertThat(v.path("ope").path("fqe").path("low").asDouble()).isEqualTo(170.0);
            }
            assertThat(v.path("algo").asText()).isEqualTo("dqn");
            assertThat(v.path("train_step").asLong()).isEqualTo(100);
        }
        return stages;
    }

    @Test
    void everyVerbWritesAnAssignmentThatListShows() throws Exception {
        assertThat(stages())
                .containsExactly(
                        Map.entry(1L, "retired"),
                        Map.entry(2L, "retired"),
                        Map.entry(3L, "champion"));

        Result promote = run("policy", "promote", "cp", "1", "--by", "alice");
        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(promote.out()).contains("assignment #1: champion v1");
        assertThat(stages())
                .containsExactly(
                        Map.entry(1L, "champion"),
                        Map.entry(2L, "candidate"),
                        Map.entry(3L, "candidate"));

        assertThat(run("policy", "promote", "cp", "3", "--canary", "0.2").exitCode()).isZero();
        assertThat(stages()).containsEntry(1L, "champion").containsEntry(3L, "canary");

        assertThat(run("policy", "pause", "cp").exitCode()).isZero();
        Result rollback = run("policy", "rollback", "cp");
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("canary v3 rolled back by hand");
        assertThat(stages()).containsEntry(1L, "champion").containsEntry(3L, "retired");

        assertThat(run("policy", "rollback", "cp", "--to", "2").exitCode()).isZero();
        assertThat(run("policy", "resume", "cp").exitCode()).isZero();

        AssignmentLog log =
                new AssignmentLog(
                        stack.bootstrapServers(), Map.of(), stack.topics(), Duration.ofSeconds(30));
        List<PolicyAssignment> history = log.history("cp");
        assertThat(history)
                .extracting(PolicyAssignment::getSequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(history.get(0).getDecider()).isEqualTo("alice");
        assertThat(history)
                .extracting(PolicyAssignment::getMode)
                .containsExactly(
                        AssignmentMode.AUTOMATIC,
                        AssignmentMode.AUTOMATIC,
                        AssignmentMode.PAUSED,
                        AssignmentMode.PAUSED,
                        AssignmentMode.PAUSED,
                        AssignmentMode.AUTOMATIC);
        PolicyAssignment now = log.current("cp").orElseThrow();
        assertThat(now.getChampion().getVersion()).isEqualTo(2);
        assertThat(now.getCanary()).isNull();
    }

    @Test
    void badInputIsOneLineWithExit2() throws Exception {
        FakeArtifacts.write(data.resolve("policies"), "broken", 1, List.of(4), 2);
        FakeArtifacts.write(data.resolve("policies"), "broken", 2, List.of(4), 2);
        Files.writeString(data.resolve("policies/broken/2/saved_model.pb"), "tampered");
        String[][] cases = {
            {"unknown policy 'nosuch'", "policy", "promote", "nosuch", "1"},
            {"policy 'cp' has no version 9", "policy", "promote", "cp", "9"},
            {"--canary 1.5 is outside (0, 1)", "policy", "promote", "cp", "2", "--canary", "1.5"},
            {"--canary 0.0 is outside (0, 1)", "policy", "promote", "cp", "2", "--canary", "0"},
            {"policy 'broken' v2 fails verification", "policy", "promote", "broken", "2"},
            {"policy 'cp' has no version 42", "policy", "rollback", "cp", "--to", "42"},
            {"unknown policy 'nosuch'", "policy", "list", "nosuch"},
            {"unknown policy 'nosuch'", "policy", "pause", "nosuch"},
        };
        for (String[] c : cases) {
            Result r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertThat(r.exitCode()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains(c[0]);
        }
    }
}
