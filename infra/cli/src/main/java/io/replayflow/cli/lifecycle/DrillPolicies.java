package io.replayflow.cli.lifecycle;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.export.PolicySnapshot;
import io.replayflow.trainer.net.QNetworkSpec;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * Two CartPole-v1 policies of known quality for the lifecycle drill and benchmark, exported with
 * the trainer's own exporter (real SavedModels, digests, manifests): linear Q-networks with
 * hand-set weights, so nothing has to be trained.
 */
final class DrillPolicies {

    private DrillPolicies() {}

    /**
     * Exports v1, a good controller ({@code q1 − q0 = θ + 0.5·θ̇}, the hand-written policy as a
     * linear Q-network), and v2, a deliberately poor one (always pushes left, return ≈ 9), under
     * {@code root/policies/name/}.
     */
    static List<PolicyArtifact> goodAndPoor(Path root, String name) throws Exception {
        PolicyExporter exporter = new PolicyExporter(root, InstantSource.system());
        TransitionSpec spec = new TransitionSpec(List.of(4), TransitionSpec.ObsType.FLOAT32, 2);
        // kernel [4 obs, 2 actions] row-major, then bias [2]; obs = [x, x_dot, theta, theta_dot].
        float[] goodKernel = new float[8];
        goodKernel[2 * 2 + 1] = 1.0f; // q1 += theta
        goodKernel[3 * 2 + 1] = 0.5f; // q1 += 0.5 theta_dot
        PolicyArtifact v1 =
                exporter.export(
                        snapshot(
                                name,
                                spec,
                                goodKernel,
                                new float[] {0f, 0f},
                                "q1 - q0 = theta + 0.5 theta_dot"),
                        0);
        PolicyArtifact v2 =
                exporter.export(
                        snapshot(
                                name,
                                spec,
                                new float[8],
                                new float[] {1f, 0f},
                                "always left (q0 = 1, q1 = 0)"),
                        v1.version());
        return List.of(v1, v2);
    }

    /**
     * Exports one more good controller ({@code q1 − q0 = θ + θ̇}) as the version after {@code
     * previous}.
     */
    static PolicyArtifact anotherGood(Path root, String name, long previous) throws Exception {
        PolicyExporter exporter = new PolicyExporter(root, InstantSource.system());
        TransitionSpec spec = new TransitionSpec(List.of(4), TransitionSpec.ObsType.FLOAT32, 2);
        float[] kernel = new float[8];
        kernel[2 * 2 + 1] = 1.0f;
        kernel[3 * 2 + 1] = 1.0f;
        return exporter.export(
                snapshot(name, spec, kernel, new float[] {0f, 0f}, "q1 - q0 = theta + theta_dot"),
                previous);
    }

    private static PolicySnapshot snapshot(
            String name, TransitionSpec spec, float[] kernel, float[] bias, String what) {
        return new PolicySnapshot(
                name,
                Algo.DQN,
                QNetworkSpec.mlp(),
                spec,
                List.of(kernel, bias),
                Map.of("drill", "hand-written linear controller: " + what),
                0,
                new PolicyManifest.Lineage(
                        List.of("drill bad-candidate"), null, null, 0L, List.of()));
    }
}
