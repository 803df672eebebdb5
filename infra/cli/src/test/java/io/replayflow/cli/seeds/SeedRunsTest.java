package io.replayflow.cli.seeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The multi-seed summary: mean and spread over seeds, the table and the JSON line. */
@Timeout(10)
class SeedRunsTest {

    // per-seed means 500, 400, 300: mean 400; population std sqrt((100^2 + 0 + 100^2) / 3)
    //   = sqrt(20000 / 3) = 81.649658
    private static final SeedRuns RUNS =
            new SeedRuns(
                    "iql",
                    "CartPole-v1",
                    100,
                    2026,
                    List.of(
                            new SeedRuns.Run(1, Path.of("/d/policies/p-seed1/1"), 500, 0),
                            new SeedRuns.Run(2, Path.of("/d/policies/p-seed2/1"), 400, 12.5),
                            new SeedRuns.Run(3, Path.of("/d/policies/p-seed3/1"), 300, 50)));

    @Test
    void meanAndSpreadAreOverThePerSeedMeans() {
        assertThat(RUNS.mean()).isCloseTo(400, within(1e-9));
        assertThat(RUNS.std()).isCloseTo(81.649658, within(1e-6));
        assertThat(RUNS.min()).isEqualTo(300);
        assertThat(RUNS.max()).isEqualTo(500);
    }

    @Test
    void jsonLineNamesEveryRun() throws Exception {
        JsonNode json = new ObjectMapper().readTree(RUNS.toJson());
        assertThat(json.get("algo").asText()).isEqualTo("iql");
        assertThat(json.get("mean_return").asDouble()).isCloseTo(400, within(1e-9));
        assertThat(json.get("std_over_seeds").asDouble()).isCloseTo(81.649658, within(1e-6));
        assertThat(json.get("episodes").asInt()).isEqualTo(100);
        assertThat(json.get("eval_seed").asLong()).isEqualTo(2026);
        assertThat(json.get("seeds").toString()).isEqualTo("[1,2,3]");
        assertThat(json.get("runs")).hasSize(3);
        assertThat(json.get("runs").get(1).get("policy").asText())
                .isEqualTo("/d/policies/p-seed2/1");
        assertThat(json.get("runs").get(1).get("std_return").asDouble()).isEqualTo(12.5);
    }

    @Test
    void tableHasOneRowPerSeedAndTheSummary() {
        List<String> table = RUNS.table();
        assertThat(table).hasSize(6);
        assertThat(table.get(2)).startsWith("1").contains("500.0").contains("p-seed1");
        assertThat(table.get(5)).startsWith("all").contains("400.0").contains("81.6");
    }

    @Test
    void noRunsIsRefused() {
        assertThatThrownBy(() -> new SeedRuns("cql", "CartPole-v1", 100, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }
}
