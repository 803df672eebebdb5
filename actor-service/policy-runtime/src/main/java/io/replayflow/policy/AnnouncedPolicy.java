package io.replayflow.policy;

import io.replayflow.schemas.avro.PolicyVersion;
import java.util.List;
import java.util.Objects;

/**
 * What a reader checks of an announcement on {@code rf.policies}: which policy and version, where
 * its artifact lies, its digest and its spec.
 *
 * @param policyName the announced policy name
 * @param version the announced version
 * @param uri artifact directory, a {@code file:} URI or a local path; may be null or blank (then
 *     refused as {@code UNSUPPORTED_URI})
 * @param sha256 the artifact digest the trainer announced
 * @param obsShape observation shape without the batch dimension
 * @param numActions discrete actions
 */
public record AnnouncedPolicy(
        String policyName,
        long version,
        String uri,
        String sha256,
        List<Integer> obsShape,
        int numActions) {

    public AnnouncedPolicy {
        obsShape = List.copyOf(Objects.requireNonNull(obsShape, "obsShape"));
    }

    /** The fields of an Avro announcement. */
    public static AnnouncedPolicy of(PolicyVersion v) {
        return new AnnouncedPolicy(
                v.getPolicyName(),
                v.getVersion(),
                v.getUri(),
                v.getSha256(),
                v.getObsShape(),
                v.getNumActions());
    }

    /** {@code policy 'cartpole' v12}, for messages. */
    public String describe() {
        return "policy '" + policyName + "' v" + version;
    }
}
