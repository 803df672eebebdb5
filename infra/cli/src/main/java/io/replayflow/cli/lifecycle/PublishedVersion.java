package io.replayflow.cli.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.ope.OpeResultFile;
import java.nio.file.Path;

/**
 * One published version of a policy as its artifact directory holds it.
 *
 * @param dir {@code <data>/policies/<name>/<version>}
 * @param manifest its {@code replayflow-policy.json}
 * @param ope the object of {@code ope.json} beside it (what {@code replayflow ope --json} printed
 *     last), or null when the version was never evaluated
 */
public record PublishedVersion(Path dir, PolicyManifest manifest, JsonNode ope) {

    /** The file {@code ope} writes beside a candidate. */
    public static final String OPE_FILE = OpeResultFile.NAME;

    public long version() {
        return manifest.version();
    }

    /** The OPE estimate of {@code method} ({@code value}, {@code low}, {@code high}), if any. */
    public JsonNode estimate(String method) {
        if (ope == null) {
            return null;
        }
        JsonNode e = ope.path("estimates").path(method);
        return e.isObject() && e.path("value").isNumber() ? e : null;
    }

    /** What an assignment records of it, so readers can load and verify it. */
    public AssignedVersion assigned() {
        return AssignedVersion.newBuilder()
                .setVersion(version())
                .setUri(dir.toAbsolutePath().toUri().toString())
                .setSha256(manifest.sha256())
                .build();
    }
}
