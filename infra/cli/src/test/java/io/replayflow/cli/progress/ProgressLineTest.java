package io.replayflow.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.replay.backfill.Backfill;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.StepMetrics;
import io.replayflow.trainer.TrainProgress;
import io.replayflow.trainer.checkpoint.SettingChange;
import io.replayflow.trainer.run.TrainStart;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProgressLineTest {

    @Test
    void showsRateEpisodesReturnVersionSwapsAndEta() {
        ActorStatus status =
                new ActorStatus(
                        1_250_000,
                        1_249_000,
                        54_321,
                        22.14,
                        3,
                        3,
                        1,
                        0,
                        Duration.ofSeconds(4),
                        2_500_000);
        assertThat(ProgressLine.actors(status, 318_000))
                .isEqualTo(
                        "1.25M steps  312.5k/s (now 318.0k/s) | 54,321 episodes | return(100) 22.1"
                                + " | policy v3 | swaps 3, refused 1 | ETA 0:04");
    }

    @Test
    void withoutBudgetOrEpisodesYet() {
        ActorStatus status =
                new ActorStatus(640, 0, 0, Double.NaN, 0, 0, 0, 12, Duration.ofSeconds(1), 0);
        assertThat(ProgressLine.actors(status, 640))
                .isEqualTo(
                        "640 steps  640/s (now 640/s) | 0 episodes | return(100) - | policy v0 |"
                                + " swaps 0 | blocked 12");
    }

    @Test
    void trainHeaderSaysWhatAResumedRunChangedSinceItsCheckpoint() {
        TrainStart fresh =
                new TrainStart(
                        "cartpole",
                        Algo.CQL,
                        100_000,
                        URI.create("file:/data/rf/experience/"),
                        false,
                        0,
                        30_000,
                        Path.of("/data/rf/checkpoints/cartpole"),
                        List.of());
        assertThat(ProgressLine.trainStart(fresh))
                .isEqualTo(
                        "training cartpole (cql) on 100,000 transitions from"
                                + " file:/data/rf/experience/, 1-step targets; fresh to step"
                                + " 30,000");
        TrainStart resumed =
                new TrainStart(
                        "cartpole",
                        Algo.CQL,
                        100_000,
                        URI.create("file:/data/rf/experience/"),
                        true,
                        30_000,
                        60_000,
                        Path.of("/data/rf/checkpoints/cartpole"),
                        List.of(
                                new SettingChange("trainer.lr", "5.0E-4", "1.0E-4"),
                                new SettingChange("trainer.n-step", "1", "3")));
        assertThat(ProgressLine.trainStart(resumed))
                .isEqualTo(
                        "training cartpole (cql) on 100,000 transitions from"
                                + " file:/data/rf/experience/, n-step targets; resuming at step"
                                + " 30,000 to step 60,000 (checkpoints in"
                                + " /data/rf/checkpoints/cartpole); changed since the checkpoint:"
                                + " trainer.lr 5.0E-4 -> 1.0E-4, trainer.n-step 1 -> 3 (the new"
                                + " values apply)");
    }

    @Test
    void formatsClockTimes() {
        assertThat(ProgressLine.clock(42)).isEqualTo("0:42");
        assertThat(ProgressLine.clock(725)).isEqualTo("12:05");
        assertThat(ProgressLine.clock(3723)).isEqualTo("1:02:03");
    }

    @Test
    void trainerLineShowsStepOfTargetRateEtaAndLosses() {
        // resumed at step 1,000; at step 2,000 after 2 s: 500 steps/s, 1,000 to go
        TrainProgress progress =
                TrainProgress.since(
                        1_000,
                        0,
                        2_000_000_000L,
                        new StepMetrics(2_000, 0.5f, 0.4f, 0.1f, 12.5f, 1f, Float.NaN, false),
                        3_000);
        assertThat(ProgressLine.trainer(progress))
                .isEqualTo(
                        "step 2,000/3,000 (66.7%) | 500 steps/s | ETA 0:00:02 | loss 0.5000 (td"
                                + " 0.4000, cql 0.1000) | q 12.50");
    }

    @Test
    void trainerLineBeforeAnyRateHasNoEta() {
        TrainProgress progress =
                new TrainProgress(new StepMetrics(10, 1f, 1f, 0f, 2f, 1f, Float.NaN, false), 0, 0);
        assertThat(ProgressLine.trainer(progress))
                .startsWith("step 10/0 (100.0%) | 0 steps/s | ETA ?");
    }

    @Test
    void swapNotices() {
        assertThat(ProgressLine.swapped("cartpole", 4, Duration.ofMillis(1_234)))
                .isEqualTo("policy 'cartpole' v4 swapped in (1234 ms to verify, load and warm up)");
        ActorRunner.Refusal refusal =
                new ActorRunner.Refusal(
                        5, PolicyRejectedException.Reason.UNSUPPORTED_URI, "not a file URI");
        assertThat(ProgressLine.refused("cartpole", refusal, 4))
                .isEqualTo(
                        "policy 'cartpole' v5 refused [UNSUPPORTED_URI]: not a file URI; still"
                                + " acting with v4");
    }

    @Test
    void backfillShowsRowsPartitionsRateAndEta() {
        // 1.25M of 3.4M rows in 2 s: 625k rows/s, 2.15M left -> 3.44 s -> ETA 0:04
        Backfill.Progress p =
                new Backfill.Progress(1_250_000, 3_400_000, 12, 30, Duration.ofSeconds(2));
        assertThat(ProgressLine.backfill(p))
                .isEqualTo(
                        "rows 1.25M/3.40M (36.8%) | partitions 12/30 | 625.0k rows/s | ETA 0:04");
    }

    @Test
    void aPolicyGradientLearnerShowsItsLagAndImportanceRatio() {
        var status =
                new io.replayflow.trainer.run.ContinuousTrainerStatus(
                        io.replayflow.trainer.run.ContinuousTrainerStatus.Phase.TRAINING,
                        1_200,
                        18,
                        0.5f,
                        240,
                        38_400,
                        "",
                        java.util.Map.of(
                                "trainer/policy_lag_versions", 3.25,
                                "trainer/policy_lag_seconds", 2.5,
                                "trainer/importance_ratio_mean", 1.013,
                                "trainer/importance_ratio_max", 4.5));

        assertThat(ProgressLine.learner(status))
                .isEqualTo(
                        "training | step 1,200 | 18 steps/s | loss 0.5000 | v240 | 38.4k"
                                + " transitions | lag 3.3 v / 2.5 s | ratio 1.01 (max 4.50)");
    }
}
