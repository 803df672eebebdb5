package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.config.OptionTable;
import io.replayflow.trainer.algo.TdLossFunction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TrainerConfigTest {

    @Test
    void defaults() {
        TrainerConfig c = TrainerConfig.defaults();
        assertThat(c.algo()).isEqualTo(Algo.DQN);
        assertThat(c.hidden()).containsExactly(64, 64);
        assertThat(c.gamma()).isEqualTo(0.99);
        assertThat(c.loss()).isEqualTo(TdLossFunction.HUBER);
        assertThat(c.targetTau()).isEqualTo(1.0);
        assertThat(c.networkSpec().describe()).isEqualTo("mlp[64,64]");
    }

    @Test
    void batchSizeZeroTakesTheAlgorithmsOwnAndAnExplicitOneWins() {
        // trainer.batch-size defaults to 0: CQL and IQL get 128, the rest 32.
        assertThat(TrainerConfig.defaults().batchSize()).isEqualTo(32);
        for (String algo : List.of("cql", "iql")) {
            assertThat(TrainerConfig.fromMap(Map.of("trainer.algo", algo)).batchSize())
                    .as(algo)
                    .isEqualTo(128);
        }
        for (String algo : List.of("dqn", "double-dqn", "bcq", "bc", "a2c")) {
            assertThat(TrainerConfig.fromMap(Map.of("trainer.algo", algo)).batchSize())
                    .as(algo)
                    .isEqualTo(32);
        }
        TrainerConfig cql =
                TrainerConfig.fromMap(Map.of("trainer.algo", "cql", "trainer.batch-size", "32"));
        assertThat(cql.batchSize()).isEqualTo(32);
        // The manifest records the batch in effect, and reading it back keeps it.
        TrainerConfig resolved = TrainerConfig.fromMap(Map.of("trainer.algo", "iql"));
        assertThat(resolved.toMap()).containsEntry("trainer.batch-size", "128");
        assertThat(TrainerConfig.fromMap(resolved.toMap())).isEqualTo(resolved);
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.batch-size", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainer.batch-size")
                .hasMessageContaining("0 for the algorithm's own");
    }

    @Test
    void parsesEveryKeyAndRoundTripsThroughItsMap() {
        TrainerConfig c =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", "cql",
                                "trainer.hidden", "256, 256",
                                "trainer.cql.alpha", "4",
                                "trainer.loss", "mse",
                                "trainer.target.tau", "0.005",
                                "trainer.target.update-period", "1"));
        assertThat(c.algo()).isEqualTo(Algo.CQL);
        assertThat(c.hidden()).containsExactly(256, 256);
        assertThat(c.cqlAlpha()).isEqualTo(4.0);
        assertThat(TrainerConfig.fromMap(c.toMap())).isEqualTo(c);
        assertThat(c.with("trainer.batch-size", 256).batchSize()).isEqualTo(256);
        // Every key is read by TrainerConfig, but for the actor-critic ones that only
        // SegmentConfig reads; together they cover the whole table.
        java.util.Set<String> actorCritic =
                java.util.Set.of(
                        TrainerOptions.ACTOR_CRITIC_HIDDEN.key(),
                        TrainerOptions.PG_VALUE_COEF.key(),
                        TrainerOptions.PG_ENTROPY_COEF.key(),
                        TrainerOptions.PG_REWARD_SCALE.key(),
                        TrainerOptions.VTRACE_RHO_BAR.key(),
                        TrainerOptions.VTRACE_C_BAR.key(),
                        TrainerOptions.PG_NETWORK.key(),
                        TrainerOptions.PG_LSTM_UNITS.key(),
                        TrainerOptions.PG_BURN_IN.key());
        assertThat(c.toMap().keySet())
                .containsExactlyInAnyOrderElementsOf(
                        TrainerOptions.table().entries().stream()
                                .map(OptionTable.Entry::key)
                                .filter(key -> !actorCritic.contains(key))
                                .toList());
        var pg =
                io.replayflow.trainer.pg.SegmentConfig.fromMap(
                        Map.of("trainer.algo", "impala", "trainer.vtrace.c-bar", "0.5"));
        assertThat(pg.cBar()).isEqualTo(0.5);
        assertThat(io.replayflow.trainer.pg.SegmentConfig.fromMap(pg.toMap())).isEqualTo(pg);
        assertThat(pg.toMap().keySet())
                .containsExactlyInAnyOrderElementsOf(
                        TrainerOptions.table().entries().stream()
                                .map(OptionTable.Entry::key)
                                .toList());
    }

    @Test
    void badValuesNameTheKeyTheRuleAndAnExample() {
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.gamma", "1.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trainer.gamma=1.5 is invalid: must be in [0, 1], e.g. 0.99");
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.lr", "fast")))
                .hasMessageStartingWith("trainer.lr='fast' is not a valid double")
                .hasMessageEndingWith("e.g. trainer.lr=3.0E-4");
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.algo", "ppo")))
                .hasMessage(
                        "trainer.algo='ppo' is not a valid dqn | double-dqn | qr-dqn | cql | iql |"
                                + " bcq | bc | a2c | reinforce | impala | r2d2; e.g."
                                + " trainer.algo=dqn");
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.qr.quantiles", "0")))
                .hasMessage("trainer.qr.quantiles=0 is invalid: must be >= 1, e.g. 25");
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.target.tau", "0")))
                .hasMessageContaining("trainer.target.tau=0.0 is invalid: must be in (0, 1]");
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.threads.inter-op", "-2")))
                .hasMessage(
                        "trainer.threads.inter-op=-2 is invalid: must be >= 0, or -1 to run ops"
                                + " in the calling thread");
    }

    @Test
    void interOpMinusOneRunsOpsInTheCallingThread() {
        assertThat(TrainerConfig.fromMap(Map.of("trainer.threads.inter-op", "-1")).interOpThreads())
                .isEqualTo(-1);
    }

    @Test
    void unknownKeysSuggestTheCloseOnes() {
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.alpha", "1")))
                .hasMessageContaining("unknown trainer setting 'trainer.alpha'")
                .hasMessageContaining("trainer.cql.alpha");
    }

    @Test
    void minAtarNetworkIsSelectableAndTakesNoHiddenWidths() {
        TrainerConfig config = TrainerConfig.fromMap(Map.of("trainer.network", "minatar"));
        assertThat(config.networkSpec().describe()).isEqualTo("minatar");
        assertThatThrownBy(
                        () ->
                                TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.network", "minatar",
                                                "trainer.hidden", "32")))
                .hasMessageContaining("does not apply to trainer.network=minatar");
    }

    @Test
    void hiddenWidthsDoNotApplyToTheConvNet() {
        assertThatThrownBy(
                        () ->
                                TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.network", "nature-cnn",
                                                "trainer.hidden", "32")))
                .hasMessageContaining("does not apply to trainer.network=nature-cnn");
    }

    @Test
    void theReferenceTableListsEveryKey() {
        String table = TrainerOptions.table().markdown();
        for (OptionTable.Entry e : TrainerOptions.table().entries()) {
            assertThat(table).contains("`" + e.key() + "`");
        }
        assertThat(table).contains("| `trainer.hidden` | int list | `64,64` |");
        assertThat(TrainerOptions.table().entries())
                .extracting(OptionTable.Entry::key)
                .doesNotHaveDuplicates();
        assertThat(List.of(OptionTable.format(Algo.DOUBLE_DQN))).containsExactly("double-dqn");
    }
}
