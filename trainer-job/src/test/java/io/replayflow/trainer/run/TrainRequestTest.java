package io.replayflow.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.testing.CartPoleLog;
import io.replayflow.trainer.testing.ParquetData;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad train requests fail before any work, naming the flag or key and the fix. */
@Timeout(60)
class TrainRequestTest {

    @TempDir Path root;

    private TrainRequest.Builder request() {
        return TrainRequest.builder(root.toUri()).steps(10).env(CartPoleLog.ENV);
    }

    private void run(TrainRequest request) throws Exception {
        new TrainRunner(InstantSource.system(), Duration.ofSeconds(5))
                .run(request, TrainListener.silent());
    }

    @Test
    void flagsAreCheckedWhenTheRequestIsBuilt() {
        assertThatThrownBy(() -> request().steps(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--steps 0 is invalid");
        assertThatThrownBy(() -> request().policyName("my policy").build())
                .hasMessageContaining("--policy-name 'my policy' is invalid");
        assertThatThrownBy(() -> request().publish(" ").build())
                .hasMessageContaining("--publish needs --bootstrap");
        assertThatThrownBy(() -> request().dataset("../x").build())
                .hasMessageStartingWith("--dataset: dataset name '../x' is not allowed");
        assertThatThrownBy(
                        () ->
                                request()
                                        .from(Instant.parse("2026-11-21T00:00:00Z"))
                                        .to(Instant.parse("2026-11-20T00:00:00Z"))
                                        .build())
                .hasMessageContaining("--from 2026-11-21T00:00:00Z is not before --to");
        assertThatThrownBy(() -> request().policyVersions().build())
                .hasMessageContaining("--policy-versions is empty");
        assertThatThrownBy(() -> request().set("trainer.lr", "-1").build())
                .hasMessageContaining("--set: trainer.lr=-1.0 is invalid");
        assertThatThrownBy(() -> request().set("trainer.learning-rate", "0.1").build())
                .hasMessageContaining("unknown trainer setting 'trainer.learning-rate'");
        assertThatThrownBy(() -> request().algo(Algo.CQL).set("trainer.algo", "dqn").build())
                .hasMessageContaining("--set trainer.algo=dqn contradicts --algo cql");
    }

    @Test
    void theRunnerChecksTheDataRootAndTheData() throws Exception {
        assertThatThrownBy(() -> run(request().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no committed transitions under " + root.toUri())
                .hasMessageContaining("matching env=CartPole-v1")
                .hasMessageContaining("is the date range right?");
        assertThatThrownBy(() -> run(TrainRequest.builder(root.resolve("nope").toUri()).build()))
                .hasMessageContaining("--data-root " + root.resolve("nope") + " does not exist");
        assertThatThrownBy(() -> run(TrainRequest.builder(URI.create("s3://bucket/rf")).build()))
                .hasMessageContaining("give a file:// URI or a path");
        ParquetData.writeExperience(
                root, CartPoleLog.numbered("a0", "e0", 5, 1_763_600_000_000L, true, false, 0));
        assertThatThrownBy(() -> run(request().set("trainer.n-step", "-1").build()))
                .hasMessageContaining("trainer.n-step=-1 is invalid: must be >= 1, or 0 for");
        assertThatThrownBy(() -> run(request().env("Pong-v5").build()))
                .hasMessageContaining("no committed transitions");
    }

    @Test
    void nStepTargetsTrainFromTheExperienceLog() throws Exception {
        ParquetData.writeExperience(
                root, CartPoleLog.numbered("a0", "e0", 8, 1_763_600_000_000L, true, false, 0));
        boolean[] nStep = new boolean[1];
        TrainResult result =
                new TrainRunner(InstantSource.system(), Duration.ofSeconds(5))
                        .run(
                                request().algo(Algo.CQL).set("trainer.n-step", "3").build(),
                                new TrainListener() {
                                    @Override
                                    public void started(TrainStart start) {
                                        nStep[0] = start.nStepTargets();
                                    }
                                });
        assertThat(nStep[0]).isTrue();
        assertThat(result.steps()).isEqualTo(10);
        assertThat(result.transitions()).isEqualTo(8);
    }

    @Test
    void cqlBuildsThreeStepTargetsFromTheLogByDefaultAndDqnOneStep() throws Exception {
        ParquetData.writeExperience(
                root, CartPoleLog.numbered("a0", "e0", 8, 1_763_600_000_000L, true, false, 0));
        for (Algo algo : List.of(Algo.CQL, Algo.DQN)) {
            boolean[] nStep = new boolean[1];
            new TrainRunner(InstantSource.system(), Duration.ofSeconds(5))
                    .run(
                            request().algo(algo).policyName("default-n-" + algo.ordinal()).build(),
                            new TrainListener() {
                                @Override
                                public void started(TrainStart start) {
                                    nStep[0] = start.nStepTargets();
                                }
                            });
            assertThat(nStep[0])
                    .as("%s: n-step targets by default", algo)
                    .isEqualTo(algo == Algo.CQL);
        }
    }

    @Test
    void theActionCountComesFromTheEnvOrTheKey() {
        assertThat(EnvActions.resolve(0, Set.of("CartPole-v1"))).isEqualTo(2);
        assertThat(EnvActions.resolve(0, Set.of("Acrobot-v1", "MountainCar-v0"))).isEqualTo(3);
        assertThat(EnvActions.resolve(6, Set.of("Pong-v5"))).isEqualTo(6);
        assertThatThrownBy(() -> EnvActions.resolve(0, Set.of("Pong-v5")))
                .hasMessageContaining("env Pong-v5 is not built in")
                .hasMessageContaining("set trainer.num-actions");
        assertThatThrownBy(() -> EnvActions.resolve(0, Set.of("CartPole-v1", "Acrobot-v1")))
                .hasMessageContaining("mixes envs with different action counts");
    }
}
