package io.replayflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** n-step returns and bootstrap discounts from logged transitions, via the replay library. */
@Timeout(10)
class LoggedTransitionsTest {

    private static Transition t(
            String episode, long step, float reward, boolean terminated, boolean truncated) {
        return Transition.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("a0")
                .setEpisodeId(episode)
                .setStep(step)
                .setEventTimeMs(1000 + step)
                .setObs(List.of((float) step))
                .setAction((int) (step % 2))
                .setReward(reward)
                .setNextObs(List.of((float) step + 1))
                .setTerminated(terminated)
                .setTruncated(truncated)
                .setBehaviorProb(0.5f)
                .setPolicyVersion(episode.equals("e1") ? 0 : 3)
                .build();
    }

    @Test
    void threeStepReturnsStopAtEpisodeEnds() {
        List<Transition> log = new ArrayList<>();
        // e1: 4 steps, terminated at step 3; rewards 1, 2, 3, 4; listed out of order
        log.add(t("e1", 2, 3, false, false));
        log.add(t("e1", 0, 1, false, false));
        log.add(t("e1", 3, 4, true, false));
        log.add(t("e1", 1, 2, false, false));
        // e2: 2 steps, truncated (time limit) at step 1
        log.add(t("e2", 0, 1, false, false));
        log.add(t("e2", 1, 1, false, true));

        TransitionColumns c =
                LoggedTransitions.columns(
                        log, TransitionSpec.vector(1, 2), 0.5, 3, List.of("mem://log"));

        assertThat(c.size()).isEqualTo(6);
        // e1 step 0: R = 1 + 0.5*2 + 0.25*3 = 2.75, bootstrap gamma^3 = 0.125 from next_obs of step
        // 2
        assertRow(c, 0, 0f, 2.75f, 0.125f);
        assertThat(c.key(0)).contains(new TransitionKey("CartPole-v1", "a0", "e1", 0));
        // e1 step 1: R = 2 + 0.5*3 + 0.25*4 = 4.5, step 3 terminated: no bootstrap
        assertRow(c, 1, 1f, 4.5f, 0f);
        // e1 step 2: R = 3 + 0.5*4 = 5, terminated inside the window
        assertRow(c, 2, 2f, 5f, 0f);
        // e1 step 3: R = 4, terminated
        assertRow(c, 3, 3f, 4f, 0f);
        // e2 step 0: R = 1 + 0.5*1 = 1.5, truncated at step 1: bootstrap with gamma^2 = 0.25
        assertRow(c, 4, 0f, 1.5f, 0.25f);
        // e2 step 1: R = 1, truncated: bootstrap with gamma = 0.5
        assertRow(c, 5, 1f, 1f, 0.5f);

        assertThat(c.lineage().transitions()).isEqualTo(6);
        assertThat(c.lineage().sources()).containsExactly("mem://log");
        assertThat(c.lineage().eventTimeFromMs()).isEqualTo(1000L);
        assertThat(c.lineage().eventTimeToMs()).isEqualTo(1003L);
        assertThat(c.lineage().behaviorPolicyVersions()).containsExactly(0L, 3L);
    }

    @Test
    void aGapInTheLogEndsTheWindow() {
        List<Transition> log = List.of(t("e", 0, 1, false, false), t("e", 2, 1, false, false));
        TransitionColumns c =
                LoggedTransitions.columns(log, TransitionSpec.vector(1, 2), 0.9, 3, List.of());
        // step 1 is missing: step 0 bootstraps after one step
        assertRow(c, 0, 0f, 1f, 0.9f);
    }

    private static void assertRow(
            TransitionColumns c, int row, float obs, float ret, float discount) {
        assertThat(c.obs(row)[0]).isEqualTo(obs);
        assertThat(c.nStepReturn(row)).isCloseTo(ret, within(1e-6f));
        assertThat(c.bootstrapDiscount(row)).isCloseTo(discount, within(1e-6f));
    }
}
