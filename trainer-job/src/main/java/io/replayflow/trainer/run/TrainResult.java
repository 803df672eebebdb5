package io.replayflow.trainer.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.export.PolicyArtifact;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link TrainRunner#run} produced.
 *
 * @param artifact the exported policy (directory and manifest)
 * @param algo the algorithm
 * @param startStep the global step the run resumed at (0 for a fresh run)
 * @param steps the global step at the end
 * @param transitions rows in the dataset trained on
 * @param loss the total loss of the last step (or of one evaluated batch when no step ran)
 * @param published whether the version was announced on {@code rf.policies}
 */
public record TrainResult(
        PolicyArtifact artifact,
        Algo algo,
        long startStep,
        long steps,
        long transitions,
        double loss,
        boolean published) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The artifact directory, {@code <root>/policies/<name>/<version>/}. */
    public Path policyDir() {
        return artifact.dir();
    }

    public long version() {
        return artifact.version();
    }

    /**
     * The CLI's last stdout line: {@code {"policy": "<artifact dir>", "version": v, "algo": "...",
     * "steps": n, "transitions": m, "loss": x}} ({@code loss} is null if not finite).
     */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policy", artifact.dir().toAbsolutePath().toString());
        out.put("version", artifact.version());
        out.put("algo", algo.id());
        out.put("steps", steps);
        out.put("transitions", transitions);
        out.put("loss", Double.isFinite(loss) ? loss : null);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
