package io.replayflow.replay.scoring;

import io.replayflow.policy.AnnouncedPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.PolicyManifest;
import java.util.Arrays;
import java.util.List;

/**
 * What the job keeps of a {@link PolicyVersion} from {@code rf.policies}: enough to find, verify
 * and load the artifact again after a restore. A Flink POJO (public fields, no-argument
 * constructor), so it travels and sits in broadcast state under the POJO serializer, independent of
 * the Avro schema's evolution; Java-serializable too, as a backfill's scorer holds one in its
 * operator.
 */
public class PolicyAnnouncement implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public String policyName;
    public long version;

    /** Artifact directory, a {@code file:} URI or a local path. */
    public String uri;

    /** The artifact digest the trainer announced. */
    public String sha256;

    /** Observation shape without the batch dimension. */
    public int[] obsShape;

    public int numActions;

    public PolicyAnnouncement() {}

    public static PolicyAnnouncement of(PolicyVersion v) {
        PolicyAnnouncement a = new PolicyAnnouncement();
        a.policyName = v.getPolicyName();
        a.version = v.getVersion();
        a.uri = v.getUri();
        a.sha256 = v.getSha256();
        a.obsShape = v.getObsShape().stream().mapToInt(Integer::intValue).toArray();
        a.numActions = v.getNumActions();
        return a;
    }

    /**
     * The announcement of the artifact in {@code dir}, from its manifest, as the trainer would
     * publish it (a backfill's {@code --score-with}); the loader still verifies the files.
     */
    public static PolicyAnnouncement of(PolicyManifest manifest, java.nio.file.Path dir) {
        PolicyAnnouncement a = new PolicyAnnouncement();
        a.policyName = manifest.policyName();
        a.version = manifest.version();
        a.uri = dir.toAbsolutePath().normalize().toUri().toString();
        a.sha256 = manifest.sha256();
        a.obsShape = manifest.obsShape().stream().mapToInt(Integer::intValue).toArray();
        a.numActions = manifest.numActions();
        return a;
    }

    /** What the policy runtime checks of this announcement. */
    public AnnouncedPolicy toAnnounced() {
        return new AnnouncedPolicy(
                policyName,
                version,
                uri,
                sha256,
                obsShape == null ? List.of() : Arrays.stream(obsShape).boxed().toList(),
                numActions);
    }

    /** {@code policy 'cartpole' v12}, for messages. */
    public String describe() {
        return "policy '" + policyName + "' v" + version;
    }

    @Override
    public String toString() {
        return describe() + " at " + uri;
    }
}
