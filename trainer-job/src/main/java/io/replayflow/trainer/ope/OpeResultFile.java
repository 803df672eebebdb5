package io.replayflow.trainer.ope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code <policy>/ope.json}: the last {@link OffPolicyEvaluation.Report#toJson} of a policy
 * artifact, beside it, where {@code policy list} and the lifecycle controller read it. Both file
 * names are sidecars of the artifact (left out of its digest), so writing one does not make the
 * artifact fail verification.
 */
public final class OpeResultFile {

    /** The result file next to the evaluated artifact. */
    public static final String NAME = "ope.json";

    private OpeResultFile() {}

    /**
     * Writes {@code json} (one line) to {@code <policyDir>/ope.json} through a temporary file moved
     * into place, so a reader sees the old or the new result, never half of one.
     *
     * @return the file written
     */
    public static Path write(Path policyDir, String json) throws IOException {
        Path target = policyDir.resolve(NAME);
        Path tmp = policyDir.resolve(NAME + ".tmp");
        Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
        Files.move(
                tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
