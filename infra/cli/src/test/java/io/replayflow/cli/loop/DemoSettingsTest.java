package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.trainer.TrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The vector environments' replay loop: its replay ratio held from both sides. */
@Timeout(60)
class DemoSettingsTest {

    private static final Path DATA = Path.of("unused");

    @Test
    void theVectorPresetsActorsWaitForTheTrainerAtTheLimitersRatio() {
        DemoSettings s = DemoSettings.cartPole(DATA, Duration.ofMinutes(5));

        // the trainer's side: 64 samples per insert of batch 128 = one update per two env steps;
        // the actors' side: they wait past minSize + 10,000 steps + 2 steps per update
        assertThat(TrainerConfig.fromMap(s.trainer()).batchSize()).isEqualTo(128);
        assertThat(TrainerConfig.fromMap(s.trainer()).batchSize() / s.samplesPerInsert())
                .isEqualTo(2.0);
        assertThat(s.minSize()).isEqualTo(1_000);
        assertThat(s.actorLead()).isEqualTo(10_000);
        assertThat(s.actorStepsPerSecond()).isEqualTo(500);
        for (String env : new String[] {"Acrobot-v1", "MountainCar-v0"}) {
            DemoSettings other = s.withEnv(env);
            assertThat(other)
                    .as("same settings for all three vector environments (issue 20)")
                    .usingRecursiveComparison()
                    .ignoringFields("env", "trainer")
                    .isEqualTo(s);
            // ... and the same trainer settings, but for the rule "scale by the env's bounds"
            Map<String, String> trainer = new HashMap<>(other.trainer());
            assertThat(trainer.remove("trainer.obs-bounds"))
                    .isEqualTo(EnvSpecs.builtIn(env).orElseThrow().observationBounds().format());
            Map<String, String> cartPole = new HashMap<>(s.trainer());
            cartPole.remove("trainer.obs-bounds");
            assertThat(trainer).isEqualTo(cartPole);
        }
        assertThat(s.trainer())
                .containsEntry(
                        "trainer.obs-bounds", "-4.8:4.8,-inf:inf,-0.41887903:0.41887903,-inf:inf");
        assertThat(s.withEnv("MountainCar-v0").trainer())
                .containsEntry("trainer.obs-bounds", "-1.2:0.6,-0.07:0.07");
        // an environment without declared bounds: observations enter as they are
        assertThat(s.withEnv("MyPlant-v0").trainer()).containsEntry("trainer.obs-bounds", "");
        // a user's --set wins, as it is applied after the env
        assertThat(
                        s.withEnv("MountainCar-v0")
                                .withTrainerSettings(Map.of("trainer.obs-bounds", ""))
                                .trainer())
                .containsEntry("trainer.obs-bounds", "");
    }

    @Test
    void aNegativeLeadIsRefusedWithTheFix() {
        DemoSettings s = DemoSettings.cartPole(DATA, Duration.ofMinutes(5));

        assertThatThrownBy(
                        () ->
                                new DemoSettings(
                                        s.env(),
                                        s.dataDir(),
                                        s.budget(),
                                        s.envsPerActor(),
                                        s.actorStepsPerSecond(),
                                        s.epsilon(),
                                        s.epsilonSpread(),
                                        s.evalEpisodes(),
                                        s.evalSeed(),
                                        s.checkpointInterval(),
                                        s.trainer(),
                                        s.samplesPerInsert(),
                                        s.minSize(),
                                        s.publishEvery(),
                                        s.segmentUses(),
                                        s.segmentMaxAge(),
                                        s.maxEnvSteps(),
                                        -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("actor lead is -1; it must be at least 0 (0: actors do not wait)");
    }
}
