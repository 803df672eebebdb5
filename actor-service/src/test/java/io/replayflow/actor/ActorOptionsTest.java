package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.schemas.config.OptionTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ActorOptionsTest {
    private static final Map<String, String> MINIMAL =
            Map.of("kafka.bootstrap.servers", "127.0.0.1:9092");

    private static ActorConfig parse(String... keyValues) {
        Map<String, String> settings = new HashMap<>(MINIMAL);
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return ActorOptions.parse(settings);
    }

    @Test
    void everySettingHasAKeyAndReachesTheConfig() {
        ActorConfig c =
                parse(
                        "kafka.topic-prefix", "team-a.",
                        "actor.env", "Acrobot-v1",
                        "actor.envs", "256",
                        "actor.actors", "2",
                        "actor.steps", "1000000",
                        "actor.max-steps-per-second", "50000",
                        "actor.policy.name", "acro",
                        "actor.epsilon.start", "1.0",
                        "actor.epsilon.end", "0.05",
                        "actor.epsilon.decay-steps", "100000",
                        "actor.epsilon.spread", "7",
                        "actor.seed", "7",
                        "actor.name", "box-1",
                        "actor.swap.poll-interval", "250ms",
                        "actor.swap.initial-wait", "5s",
                        "actor.publish.compression", "zstd",
                        "actor.publish.linger", "20ms",
                        "actor.publish.batch-size", "512k",
                        "actor.publish.buffer-memory", "128m",
                        "actor.publish.max-block", "2m",
                        "actor.producer.security.protocol", "PLAINTEXT",
                        "actor.metrics.host", "0.0.0.0",
                        "actor.metrics.port", "9404",
                        "actor.progress.interval", "PT5S");
        assertThat(c.topics().transitions()).isEqualTo("team-a.transitions");
        assertThat(c.envId()).isEqualTo("Acrobot-v1");
        assertThat(c.envsPerActor()).isEqualTo(256);
        assertThat(c.actors()).isEqualTo(2);
        assertThat(c.steps()).isEqualTo(1_000_000);
        assertThat(c.maxStepsPerSecond()).isEqualTo(50_000.0);
        assertThat(c.policyName()).isEqualTo("acro");
        assertThat(c.epsilon()).isEqualTo(EpsilonSchedule.linear(1.0, 0.05, 100_000));
        assertThat(c.epsilonSpread()).isEqualTo(7.0);
        assertThat(c.seed()).isEqualTo(7);
        assertThat(c.actorName()).isEqualTo("box-1");
        assertThat(c.swapPollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.swapInitialWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.compression()).isEqualTo("zstd");
        assertThat(c.publishLinger()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.publishBatchSize()).isEqualTo(512 * 1024);
        assertThat(c.publishBufferMemory()).isEqualTo(128L << 20);
        assertThat(c.publishMaxBlock()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.producerOverrides()).containsEntry("security.protocol", "PLAINTEXT");
        assertThat(c.metricsHost()).isEqualTo("0.0.0.0");
        assertThat(c.metricsPort()).isEqualTo(9404);
        assertThat(c.progressInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.publisherSettings().producerProperties())
                .containsEntry("compression.type", "zstd")
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true");
    }

    @Test
    void documentedDefaultsAreTheBuildersDefaults() {
        ActorConfig c = parse("actor.seed", "1", "actor.name", "n");
        ActorConfig documented = ActorOptions.parse(documentedDefaults());
        assertThat(c).isEqualTo(documented);
        assertThat(c.policyName()).as("defaults to the env id").isEqualTo("CartPole-v1");
        assertThat(c.epsilon()).isEqualTo(EpsilonSchedule.constant(0.05));
    }

    /** Every option whose documented default is a value, set to that value. */
    private static Map<String, String> documentedDefaults() {
        Map<String, String> settings = new HashMap<>(MINIMAL);
        settings.put("actor.seed", "1");
        settings.put("actor.name", "n");
        for (OptionTable.Entry e : ActorOptions.table().entries()) {
            if (!e.defaultText().startsWith("(")) {
                settings.put(e.key(), e.defaultText());
            }
        }
        return settings;
    }

    @Test
    void theFormerSpellingsOfTheSharedKafkaKeysAreStillRead() {
        ActorConfig c =
                ActorOptions.parse(
                        Map.of(
                                "actor.bootstrap-servers", "old:9092",
                                "actor.topic-prefix", "old.",
                                "actor.kafka.security.protocol", "SSL",
                                "actor.kafka.sasl.mechanism", "PLAIN",
                                "kafka.properties.security.protocol", "SASL_SSL"));
        assertThat(c.bootstrapServers()).isEqualTo("old:9092");
        assertThat(c.topics().transitions()).isEqualTo("old.transitions");
        assertThat(c.kafkaProperties())
                .as("the current prefix wins where both set a key")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void theBehaviourPicksTheVersionZeroPolicyAndMustFitTheEnvironment() {
        assertThat(parse().behaviour()).isEqualTo(Behaviour.RANDOM);
        assertThat(parse("actor.behaviour", "cartpole-hand").behaviour())
                .isEqualTo(Behaviour.CARTPOLE_HAND);
        assertThatThrownBy(
                        () -> parse("actor.behaviour", "cartpole-hand", "actor.env", "Acrobot-v1"))
                .hasMessage(
                        "actor.behaviour = cartpole-hand drives CartPole-v1 only, not Acrobot-v1:"
                                + " use random for other environments");
        assertThatThrownBy(() -> parse("actor.behaviour", "expert"))
                .hasMessage(
                        "actor.behaviour='expert' is not a valid random | cartpole-hand; e.g."
                                + " actor.behaviour=random");
    }

    @Test
    void anUnknownKeyIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> parse("actor.env-count", "4"))
                .hasMessageStartingWith("unknown actor setting 'actor.env-count'; known settings:")
                .hasMessageContaining("actor.envs")
                .hasMessageEndingWith("actor.kafka.* and actor.producer.*");
    }

    @Test
    void aValueThatDoesNotParseNamesTheKeyAndTheForm() {
        assertThatThrownBy(() -> parse("actor.envs", "many"))
                .hasMessage("actor.envs='many' is not a valid int; e.g. actor.envs=64");
        assertThatThrownBy(() -> parse("actor.swap.poll-interval", "soon"))
                .hasMessage(
                        "actor.swap.poll-interval='soon' is not a valid duration; e.g."
                                + " actor.swap.poll-interval=100 ms");
        assertThatThrownBy(() -> parse("actor.publish.buffer-memory", "lots"))
                .hasMessageStartingWith(
                        "actor.publish.buffer-memory='lots' is not a valid size; e.g.");
    }

    @Test
    void aValueThatBreaksARuleNamesTheKeyAndTheRule() {
        assertThatThrownBy(() -> parse("actor.envs", "0"))
                .hasMessage("actor.envs = 0 must be between 1 and 65536");
        assertThatThrownBy(() -> parse("actor.env", " "))
                .hasMessageStartingWith("actor.env =   must name an environment");
        assertThatThrownBy(() -> ActorConfig.builder().bootstrapServers("b:1").env(null).build())
                .hasMessageStartingWith("actor.env = null must name an environment");
        assertThatThrownBy(() -> ActorOptions.parse(Map.of()))
                .hasMessageStartingWith("kafka.bootstrap.servers = null is required");
        assertThatThrownBy(() -> parse("actor.epsilon.start", "2"))
                .hasMessage(
                        "actor.epsilon.*: epsilon epsilon must be a probability in [0, 1]; got"
                                + " 2.0");
        assertThatThrownBy(() -> parse("actor.epsilon.end", "0.01"))
                .hasMessageContaining("differs from the start but actor.epsilon.decay-steps is 0");
        assertThatThrownBy(() -> parse("actor.epsilon.spread", "-1"))
                .hasMessageStartingWith("actor.epsilon.spread = -1.0 must be a finite number >= 0");
        assertThatThrownBy(() -> parse("actor.metrics.port", "70000"))
                .hasMessageStartingWith("actor.metrics.port = 70000 must be a TCP port");
        assertThatThrownBy(() -> parse("actor.producer.acks", "1"))
                .hasMessageContaining("producer setting acks is fixed by the actor");
        assertThatThrownBy(() -> parse("actor.name", "my host"))
                .hasMessageStartingWith("actor.name = my host may only use letters");
    }

    @Test
    void theRunnerRefusesAnUnregisteredEnvironmentBeforeConnecting() {
        ActorConfig config = parse("actor.env", "Pong-v5");
        assertThatThrownBy(() -> ActorRunner.start(config))
                .hasMessage(
                        "actor.env = Pong-v5 is not a registered environment; known ids:"
                            + " [Acrobot-v1, CartPole-v1, CartPole-v1-masked, MinAtar/Asterix-v1,"
                            + " MinAtar/Breakout-v1, MinAtar/Freeway-v1, MinAtar/Seaquest-v1,"
                            + " MinAtar/SpaceInvaders-v1, MountainCar-v0]");
    }

    @Test
    void stepsAreSharedByAllActorsInWholeVectorSteps() {
        ActorConfig c = parse("actor.steps", "1000", "actor.envs", "64", "actor.actors", "2");
        assertThat(c.vectorStepsPerActor()).isEqualTo(8); // ceil(1000 / 128)
        assertThat(parse().vectorStepsPerActor()).isZero();
    }
}
