package io.replayflow.actor.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.env.EnvSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EnvRegistryTest {
    private final EnvRegistry registry = EnvRegistry.withBuiltIns();

    @Test
    void knowsTheBuiltInsAndTheirSpecs() {
        assertThat(registry.ids())
                .containsExactly(
                        "Acrobot-v1",
                        "CartPole-v1",
                        "CartPole-v1-masked",
                        "MinAtar/Asterix-v1",
                        "MinAtar/Breakout-v1",
                        "MinAtar/Freeway-v1",
                        "MinAtar/Seaquest-v1",
                        "MinAtar/SpaceInvaders-v1",
                        "MountainCar-v0");

        EnvSpec cartPole = registry.spec("CartPole-v1");
        assertThat(cartPole.observationShape()).containsExactly(4);
        assertThat(cartPole.numActions()).isEqualTo(2);
        assertThat(cartPole.maxEpisodeSteps()).isEqualTo(500);
        assertThat(cartPole.solvedThreshold()).isEqualTo(475.0);

        EnvSpec acrobot = registry.spec("Acrobot-v1");
        assertThat(acrobot.observationShape()).containsExactly(6);
        assertThat(acrobot.numActions()).isEqualTo(3);
        assertThat(acrobot.maxEpisodeSteps()).isEqualTo(500);
        assertThat(acrobot.solvedThreshold()).isEqualTo(-100.0);

        EnvSpec mountainCar = registry.spec("MountainCar-v0");
        assertThat(mountainCar.observationShape()).containsExactly(2);
        assertThat(mountainCar.numActions()).isEqualTo(3);
        assertThat(mountainCar.maxEpisodeSteps()).isEqualTo(200);
        assertThat(mountainCar.solvedThreshold()).isEqualTo(-110.0);
    }

    @Test
    void makesANewTimeLimitedEnvironmentPerCall() {
        TimeLimit first = registry.make("MountainCar-v0");
        TimeLimit second = registry.make("MountainCar-v0");

        assertThat(first.unwrapped()).isInstanceOf(MountainCar.class);
        assertThat(first.unwrapped()).isNotSameAs(second.unwrapped());
        assertThat(registry.makeUnwrapped("Acrobot-v1")).isInstanceOf(Acrobot.class);
    }

    @Test
    void registersUserEnvironments() {
        registry.register("Counting-v0", () -> new CountingEnv(7, 0));

        assertThat(registry.contains("Counting-v0")).isTrue();
        assertThat(registry.spec("Counting-v0").maxEpisodeSteps()).isEqualTo(7);
        assertThat(registry.make("Counting-v0").unwrapped()).isInstanceOf(CountingEnv.class);
    }

    @Test
    void unknownIdListsTheKnownOnes() {
        assertThatThrownBy(() -> registry.make("cartpole"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown environment id \"cartpole\"; known ids: [Acrobot-v1, CartPole-v1,"
                            + " CartPole-v1-masked, MinAtar/Asterix-v1, MinAtar/Breakout-v1,"
                            + " MinAtar/Freeway-v1, MinAtar/Seaquest-v1, MinAtar/SpaceInvaders-v1,"
                            + " MountainCar-v0]");
    }

    @Test
    void refusesDuplicateAndMismatchedRegistrations() {
        assertThatThrownBy(() -> registry.register("CartPole-v1", CartPole::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment id CartPole-v1 is already registered; choose another id");
        assertThatThrownBy(() -> registry.register("Counting-v1", () -> new CountingEnv(7, 0)))
                .hasMessage(
                        "the factory registered as Counting-v1 makes environments whose spec id"
                                + " is Counting-v0; register it under Counting-v0 or fix its"
                                + " EnvSpec");
        assertThatThrownBy(() -> registry.register("Null-v0", () -> null))
                .hasMessage(
                        "the factory registered as Null-v0 returned null; it must return a new"
                                + " environment per call");
    }
}
