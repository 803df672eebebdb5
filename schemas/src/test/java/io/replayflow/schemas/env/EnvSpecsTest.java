package io.replayflow.schemas.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EnvSpecsTest {

    @Test
    void builtInsMatchTheActorServiceEnvs() {
        assertThat(EnvSpecs.builtIns().all().stream().map(EnvSpec::format))
                .containsExactly(
                        "Acrobot-v1:6:3",
                        "CartPole-v1:4:2",
                        "CartPole-v1-masked:2:2",
                        "MinAtar/Asterix-v1:10x10x4:6",
                        "MinAtar/Breakout-v1:10x10x4:6",
                        "MinAtar/Freeway-v1:10x10x7:6",
                        "MinAtar/Seaquest-v1:10x10x10:6",
                        "MinAtar/SpaceInvaders-v1:10x10x6:6",
                        "MountainCar-v0:2:3");
        assertThat(EnvSpecs.builtIn("CartPole-v1").orElseThrow().maxEpisodeSteps()).isEqualTo(500);
        assertThat(EnvSpecs.builtIn("MountainCar-v0").orElseThrow().maxEpisodeSteps())
                .isEqualTo(200);
    }

    @Test
    void minAtarGamesAreUint8ImagesWithSixActions() {
        for (String game : List.of("Breakout", "SpaceInvaders", "Freeway", "Asterix", "Seaquest")) {
            EnvSpec spec = EnvSpecs.builtIn("MinAtar/" + game + "-v1").orElseThrow();
            assertThat(spec.observationType()).isEqualTo(ObservationType.UINT8);
            assertThat(spec.observationShape().subList(0, 2)).containsExactly(10, 10);
            assertThat(spec.numActions()).isEqualTo(6);
            assertThat(spec.hasTimeLimit()).isTrue();
        }
        assertThat(EnvSpecs.MINATAR_BREAKOUT.observationSize()).isEqualTo(400);
    }

    @Test
    void aDeclarationThatRepeatsABuiltInKeepsTheBuiltInEntry() {
        EnvSpecs specs = EnvSpecs.withDeclared(List.of(EnvSpec.parse("CartPole-v1:4:2")));

        assertThat(specs.find("CartPole-v1")).contains(EnvSpecs.CART_POLE);
        assertThat(specs.declaredOnly()).isEmpty();
    }

    @Test
    void parsesTheConfigSyntax() {
        assertThat(EnvSpec.parse("MyPlant-v0:8:4"))
                .isEqualTo(new EnvSpec("MyPlant-v0", List.of(8), 4));
        EnvSpec pixels = EnvSpec.parse(" ns:Pixels-v0:84x84x3:6 ");
        assertThat(pixels).isEqualTo(new EnvSpec("ns:Pixels-v0", List.of(84, 84, 3), 6));
        assertThat(pixels.observationSize()).isEqualTo(84 * 84 * 3);
        assertThat(EnvSpec.parse(pixels.format())).isEqualTo(pixels);
    }

    @Test
    void badEntriesSayWhatToWrite() {
        assertThatThrownBy(() -> EnvSpec.parse("MyPlant-v0"))
                .hasMessage(
                        "env spec 'MyPlant-v0' is not ID:SHAPE:ACTIONS; write e.g."
                                + " 'MyPlant-v0:8:4' (8 floats, 4 actions) or"
                                + " 'Pixels-v0:84x84x3:6'");
        assertThatThrownBy(() -> EnvSpec.parse("MyPlant-v0:eight:4"))
                .hasMessageStartingWith(
                        "env spec 'MyPlant-v0:eight:4' has a shape or action count");
        // The entry, then the one rule every EnvSpec is checked by (one spelling per rule).
        assertThatThrownBy(() -> EnvSpec.parse("MyPlant-v0:8x0:4"))
                .hasMessage(
                        "env spec 'MyPlant-v0:8x0:4': EnvSpec observationShape of MyPlant-v0 must"
                                + " have dimensions >= 1; got [8, 0]");
        assertThatThrownBy(() -> EnvSpec.parse("MyPlant-v0:8:0"))
                .hasMessage(
                        "env spec 'MyPlant-v0:8:0': EnvSpec numActions of MyPlant-v0 must be >= 1"
                                + " (actions are 0..numActions-1); got 0");
    }

    @Test
    void declaredSpecsJoinTheBuiltInsButCannotContradictThem() {
        EnvSpecs specs =
                EnvSpecs.withDeclared(
                        List.of(EnvSpec.parse("MyPlant-v0:8:4"), EnvSpec.parse("CartPole-v1:4:2")));
        assertThat(specs.find("MyPlant-v0")).contains(new EnvSpec("MyPlant-v0", List.of(8), 4));
        assertThat(specs.find("Unknown-v0")).isEmpty();

        assertThatThrownBy(() -> EnvSpecs.withDeclared(List.of(EnvSpec.parse("CartPole-v1:5:2"))))
                .hasMessage(
                        "env CartPole-v1 is built in as CartPole-v1:4:2 but declared as"
                                + " CartPole-v1:5:2: remove the declaration, or give your"
                                + " environment another id");
        assertThatThrownBy(
                        () ->
                                EnvSpecs.withDeclared(
                                        List.of(EnvSpec.parse("A:1:1"), EnvSpec.parse("A:2:1"))))
                .hasMessage("env A is declared twice (A:1:1 and A:2:1): keep one entry");
    }

    @Test
    void aFrameStackOfAnImageEnvIsKnownWithItsStackedShape() {
        EnvSpec stacked = EnvSpecs.builtIn("MinAtar/Breakout-v1+stack4").orElseThrow();
        EnvSpecs declared = EnvSpecs.withDeclared(List.of(EnvSpec.parse("Pixels-v0:8x8x3:5")));

        assertThat(stacked.format()).isEqualTo("MinAtar/Breakout-v1+stack4:10x10x16:6");
        assertThat(stacked.observationType()).isEqualTo(ObservationType.UINT8);
        assertThat(stacked.maxEpisodeSteps()).isEqualTo(EnvSpecs.MINATAR_TIME_LIMIT);
        assertThat(
                        EnvSpecs.builtIns()
                                .find("MinAtar/SpaceInvaders-v1+stack2")
                                .orElseThrow()
                                .format())
                .isEqualTo("MinAtar/SpaceInvaders-v1+stack2:10x10x12:6");
        assertThat(declared.find("Pixels-v0+stack4")).isEmpty(); // declared specs are float32
        assertThat(EnvSpecs.builtIn("CartPole-v1+stack4")).isEmpty();
        assertThat(EnvSpecs.builtIn("MinAtar/Breakout-v1+stack1")).isEmpty();
        assertThat(EnvSpecs.builtIn("MinAtar/Breakout-v1+stack99")).isEmpty();
        assertThat(FrameStacking.id("MinAtar/Breakout-v1", 4))
                .isEqualTo("MinAtar/Breakout-v1+stack4");
        assertThatThrownBy(() -> FrameStacking.id("MinAtar/Breakout-v1", 1))
                .hasMessageContaining("use 2 to 32");
    }
}
