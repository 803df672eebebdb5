package io.replayflow.actor.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class VectorEnvTest {

    /** Slot 0 truncates at step 3, slot 1 terminates at step 3, slot 2 terminates at step 2. */
    private final CountingEnv truncating = new CountingEnv(3, 0);

    private final CountingEnv terminatingAtLimit = new CountingEnv(3, 3);
    private final CountingEnv terminatingEarly = new CountingEnv(3, 2);
    private final VectorEnv envs =
            new VectorEnv(List.of(truncating, terminatingAtLimit, terminatingEarly), 11L);
    private final int[] noop = {0, 0, 0};

    @Test
    void autoResetKeepsTheTrueFinalObservationAndTheFlags() {
        envs.reset();
        envs.step(noop);

        // Slot 2 ended at its second step: terminated, final obs [2 steps, 1 reset].
        envs.step(noop);
        assertSlot(2, new float[] {1, 1}, new float[] {2, 1}, true, false, 1, 0);
        assertThat(envs.autoReset()).containsExactly(false, false, true);
        assertThat(obsOf(envs, envs.obs(), 2)).as("fresh reset obs").containsExactly(0, 2);
        assertThat(obsOf(envs, envs.obs(), 0))
                .as("running slot: obs = next obs")
                .containsExactly(2, 1);

        // Third step: slot 0 hits the limit (truncated), slot 1 terminates at the limit
        // (terminated wins), slot 2 takes the first step of its second episode.
        envs.step(noop);
        assertSlot(0, new float[] {2, 1}, new float[] {3, 1}, false, true, 2, 0);
        assertSlot(1, new float[] {2, 1}, new float[] {3, 1}, true, false, 2, 0);
        assertSlot(2, new float[] {0, 2}, new float[] {1, 2}, false, false, 0, 1);
        assertThat(envs.autoReset()).containsExactly(true, true, false);
        assertThat(envs.rewards()).containsExactly(3, 3, 1);

        // Fourth step: the reset slots count from step 0 of episode 1.
        envs.step(noop);
        assertThat(envs.stepIndex()).containsExactly(0, 0, 1);
        assertThat(envs.episodeIndex()).containsExactly(1, 1, 1);
        assertThat(obsOf(envs, envs.prevObs(), 0)).containsExactly(0, 2);
    }

    @Test
    void episodeKOfSlotIResetsWithTheDerivedSeed() {
        envs.reset();
        for (int i = 0; i < 6; i++) {
            envs.step(noop);
        }
        // Slot 0 ends every 3 steps: episodes 0, 1, 2 were reset; slot 2 every 2: 0, 1, 2, 3.
        assertThat(truncating.seeds)
                .containsExactly(
                        EpisodeSeeds.of(11L, 0, 0),
                        EpisodeSeeds.of(11L, 0, 1),
                        EpisodeSeeds.of(11L, 0, 2));
        assertThat(terminatingEarly.seeds)
                .containsExactly(
                        EpisodeSeeds.of(11L, 2, 0),
                        EpisodeSeeds.of(11L, 2, 1),
                        EpisodeSeeds.of(11L, 2, 2),
                        EpisodeSeeds.of(11L, 2, 3));
    }

    @Test
    void cartPoleSlotsMatchSingleEnvironmentsResetWithTheDerivedSeeds() {
        int n = 8;
        long seed = 5L;
        VectorEnv vector = VectorEnv.create(CartPole::new, n, seed);
        CartPole[] singles = new CartPole[n];
        long[] episode = new long[n];
        float[] single = new float[4];
        vector.reset();
        for (int i = 0; i < n; i++) {
            singles[i] = new CartPole();
            singles[i].reset(EpisodeSeeds.of(seed, i, 0), single, 0);
            assertThat(obsOf(vector, vector.obs(), i)).containsExactly(single);
        }
        SplittableRandom policy = new SplittableRandom(3);
        int[] actions = new int[n];
        StepResult result = new StepResult();
        for (int t = 0; t < 300; t++) {
            Arrays.setAll(actions, i -> policy.nextInt(2));
            vector.step(actions);
            for (int i = 0; i < n; i++) {
                singles[i].step(actions[i], single, 0, result);
                assertThat(obsOf(vector, vector.nextObs(), i)).containsExactly(single);
                assertThat(vector.terminated()[i]).isEqualTo(result.terminated());
                if (result.ended()) {
                    singles[i].reset(EpisodeSeeds.of(seed, i, ++episode[i]), single, 0);
                    assertThat(obsOf(vector, vector.obs(), i)).containsExactly(single);
                }
            }
        }
        assertThat(Arrays.stream(episode).min().orElseThrow())
                .as("every slot finished a few episodes")
                .isGreaterThan(3);
    }

    @Test
    void sameBaseSeedAndActionsReproduceTheRun() {
        VectorEnv a = VectorEnv.create(Acrobot::new, 4, 99L);
        VectorEnv b = VectorEnv.create(Acrobot::new, 4, 99L);
        VectorEnv other = VectorEnv.create(Acrobot::new, 4, 100L);
        a.reset();
        b.reset();
        other.reset();
        assertThat(other.obs()).isNotEqualTo(a.obs());
        int[] actions = {0, 1, 2, 1};
        for (int t = 0; t < 50; t++) {
            a.step(actions);
            b.step(actions);
            assertThat(b.obs()).containsExactly(a.obs());
        }
    }

    @Test
    void checksAllActionsBeforeAnySlotMoves() {
        envs.reset();
        assertThatThrownBy(() -> envs.step(new int[] {0, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("action 2 is out of range for Counting-v0: valid actions are 0 to 1");
        assertThat(envs.obs()).as("no slot stepped").containsExactly(0, 1, 0, 1, 0, 1);

        assertThatThrownBy(() -> envs.step(new int[] {0, 1}))
                .hasMessage(
                        "Counting-v0 VectorEnv: actions must have one entry per slot (3); got 2");
    }

    @Test
    void refusesToStepBeforeReset() {
        assertThatThrownBy(() -> envs.step(noop))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Counting-v0 VectorEnv: step() called before reset(); call reset() first");
    }

    @Test
    void rejectsSharedInstancesMixedEnvironmentsAndNoSlots() {
        CartPole shared = new CartPole();
        assertThatThrownBy(() -> new VectorEnv(List.of(new CartPole(), shared, shared), 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "VectorEnv envs[2] is the same instance as envs[1]; pass a new"
                                + " environment per slot");
        assertThatThrownBy(() -> new VectorEnv(List.of(new CartPole(), new Acrobot()), 0L))
                .hasMessageStartingWith("VectorEnv envs[1] has spec EnvSpec[id=Acrobot-v1")
                .hasMessageEndingWith("; a VectorEnv steps copies of one environment");
        assertThatThrownBy(() -> VectorEnv.create(CartPole::new, 0, 0L))
                .hasMessage("numEnvs must be >= 1 (one slot per environment copy); got 0");
    }

    @Test
    void stepsAndAutoResetsWithoutAllocating() {
        VectorEnv vector = VectorEnv.create(CartPole::new, 256, 1L);
        int[] actions = new int[256];
        SplittableRandom policy = new SplittableRandom(2);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        vector.reset();

        long resets = 0;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int t = 0; t < 200; t++) {
            for (int i = 0; i < actions.length; i++) {
                actions[i] = policy.nextInt(2);
            }
            vector.step(actions);
            for (boolean reset : vector.autoReset()) {
                resets += reset ? 1 : 0;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        // A random policy ends a CartPole episode every ~22 steps: ~2,300 auto-resets here.
        assertThat(resets).isGreaterThan(1000);
        // One object per slot-step would be at least 16 B * 51,200 = 800 KB.
        assertThat(allocated).isLessThan(16 * 1024);
    }

    @Test
    void episodeSeedsDoNotCollide() {
        Set<Long> seeds = new HashSet<>();
        for (long base = 0; base < 3; base++) {
            for (int slot = 0; slot < 64; slot++) {
                for (long episode = 0; episode < 500; episode++) {
                    seeds.add(EpisodeSeeds.of(base, slot, episode));
                }
            }
        }
        assertThat(seeds).hasSize(3 * 64 * 500);
    }

    private void assertSlot(
            int slot,
            float[] prevObs,
            float[] nextObs,
            boolean terminated,
            boolean truncated,
            int stepIndex,
            long episodeIndex) {
        assertThat(obsOf(envs, envs.prevObs(), slot))
                .as("prevObs of slot %d", slot)
                .containsExactly(prevObs);
        assertThat(obsOf(envs, envs.nextObs(), slot))
                .as("nextObs of slot %d", slot)
                .containsExactly(nextObs);
        assertThat(envs.terminated()[slot]).as("terminated of slot %d", slot).isEqualTo(terminated);
        assertThat(envs.truncated()[slot]).as("truncated of slot %d", slot).isEqualTo(truncated);
        assertThat(envs.stepIndex()[slot]).as("stepIndex of slot %d", slot).isEqualTo(stepIndex);
        assertThat(envs.episodeIndex()[slot])
                .as("episodeIndex of slot %d", slot)
                .isEqualTo(episodeIndex);
    }

    /** Slot {@code slot}'s observation out of one of {@code vector}'s flat arrays. */
    private static float[] obsOf(VectorEnv vector, float[] flat, int slot) {
        int size = vector.observationSize();
        return Arrays.copyOfRange(flat, slot * size, slot * size + size);
    }
}
