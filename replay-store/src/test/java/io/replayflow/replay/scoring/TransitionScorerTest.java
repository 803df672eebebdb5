package io.replayflow.replay.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.Policy;
import io.replayflow.policy.savedmodel.SavedModelPolicy;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The TD priority of rows under a fixed-weight SavedModel, worked out by hand. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransitionScorerTest {

    /** q(s) = s · W + b = [s0 + 0.5, 2 s1 - 1]. */
    static final MlpPolicy LINEAR =
            MlpPolicy.linear(new float[][] {{1f, 0f}, {0f, 2f}}, new float[] {0.5f, -1f});

    @TempDir Path dir;

    @Test
    void scoresEachRowByItsNStepTdErrorInOneModelCall() throws Exception {
        Path artifact = dir.resolve("p/1");
        PolicyManifest manifest = LINEAR.write(artifact, "p", 1);
        ReplayRow bootstrapped = row(new float[] {1f, 2f}, 1, 2.71f, 0.729f, false, 3f, 1f);
        ReplayRow terminal = row(new float[] {0f, 1f}, 0, 1.9f, 0.81f, true, 10f, 10f);
        ReplayRow wrongSize = row(new float[] {1f, 2f, 3f}, 0, 1f, 0.9f, false, 1f, 1f, 1f);
        ReplayRow wrongAction = row(new float[] {1f, 2f}, 5, 1f, 0.9f, false, 1f, 1f);
        TransitionScorer scorer = new TransitionScorer(1e-6);
        try (Policy q = SavedModelPolicy.open(artifact, manifest, manifest.version())) {
            int scored = scorer.score(q, List.of(bootstrapped, wrongSize, terminal, wrongAction));

            assertThat(scored).isEqualTo(2);
            assertThat(q.version()).isEqualTo(1);
        }
        // Q(s) = [1.5, 3.0], a = 1: 3.0; Q(s_n) = Q([3, 1]) = [3.5, 1.0], max 3.5
        // |2.71 + 0.729 * 3.5 - 3.0| + 1e-6 = 2.261501
        assertThat(bootstrapped.priority).isCloseTo(2.261501, within(1e-5));
        // cut: Q(s) = [0.5, 1.0], a = 0: |1.9 - 0.5| + 1e-6 = 1.400001
        assertThat(terminal.priority).isCloseTo(1.400001, within(1e-5));
        // rows the model cannot take keep priority 0 (the running max downstream)
        assertThat(wrongSize.priority).isZero();
        assertThat(wrongAction.priority).isZero();
    }

    /**
     * An image row is fed as its pixels' values 0..255: the same bytes as floats score the same,
     * and a pixel of 200 counts as 200, not as the signed byte -56.
     */
    @Test
    void scoresImageRowsByTheirUnsignedPixels() throws Exception {
        Path artifact = dir.resolve("p/1");
        PolicyManifest manifest = LINEAR.write(artifact, "p", 1);
        ReplayRow vector = row(new float[] {1f, 2f}, 1, 2.71f, 0.729f, false, 3f, 1f);
        ReplayRow image = imageRow(new byte[] {1, 2}, 1, 2.71f, 0.729f, false, new byte[] {3, 1});
        ReplayRow bright =
                imageRow(new byte[] {0, 1}, 0, 1.9f, 0.81f, false, new byte[] {(byte) 200, 0});
        ReplayRow wrongSize =
                imageRow(new byte[] {1, 2, 3}, 0, 1f, 0.9f, false, new byte[] {1, 2, 3});
        TransitionScorer scorer = new TransitionScorer(1e-6);
        try (Policy q = SavedModelPolicy.open(artifact, manifest, manifest.version())) {
            assertThat(scorer.score(q, List.of(vector, image, bright, wrongSize))).isEqualTo(3);
        }
        assertThat(image.priority).isCloseTo(2.261501, within(1e-5)).isEqualTo(vector.priority);
        // Q(s) = [0.5, 1.0], a = 0: 0.5; Q(s_n) = Q([200, 0]) = [200.5, -1], max 200.5
        // |1.9 + 0.81 * 200.5 - 0.5| + 1e-6 = 163.805001
        assertThat(bright.priority).isCloseTo(163.805001, within(1e-3));
        assertThat(wrongSize.priority).isZero();
    }

    static ReplayRow imageRow(
            byte[] obs,
            int action,
            float nStepReturn,
            float discount,
            boolean cut,
            byte[] bootstrapObs) {
        // as ReplayRow.fromTransition builds an image row: empty vectors, the pixels as bytes
        ReplayRow row = row(new float[0], action, nStepReturn, discount, cut);
        row.obsImage = obs;
        row.bootstrapObsImage = bootstrapObs;
        return row;
    }

    static ReplayRow row(
            float[] obs,
            int action,
            float nStepReturn,
            float discount,
            boolean cut,
            float... bootstrapObs) {
        ReplayRow row = new ReplayRow();
        row.obs = obs;
        row.action = action;
        row.nStepReturn = nStepReturn;
        row.bootstrapDiscount = discount;
        row.bootstrapCut = cut;
        row.bootstrapObs = bootstrapObs;
        return row;
    }
}
