package io.replayflow.schemas.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code replayflow-policy.json}, the metadata beside every policy SavedModel (format version 2; 3
 * for a recurrent policy).
 *
 * <p>Version 2 adds {@code policy_kind} ({@link #Q_VALUES} or {@link #STOCHASTIC}) and the
 * stochastic outputs {@code logits} and {@code value} of the signature. Version 1 manifests (every
 * Q-value artifact exported before) are still read: they have no {@code policy_kind} and mean
 * {@code q-values}. Version 3 adds {@code recurrent} ({@link Recurrent}: the cell, its units and
 * the signature's state inputs and outputs); only recurrent artifacts are written as 3, so a reader
 * of version 2 keeps reading every feed-forward artifact and refuses a recurrent one.
 *
 * <pre>{@code
 * {
 *   "format_version": 2, "policy_name": "cartpole", "version": 12, "algo": "double-dqn",
 *   "policy_kind": "q-values",
 *   "config": {"gamma": "0.99", ...},
 *   "obs_shape": [4], "obs_dtype": "float32", "num_actions": 2,
 *   "signature": {"name": "serving_default", "input": "obs", "q_values": "q_values", "action": "action"},
 *   "transition_schema_fingerprint": "0x8c2e...",
 *   "train_step": 30000, "created_at_ms": 1763700000000,
 *   "lineage": {"sources": [...], "event_time_from_ms": ..., "event_time_to_ms": ...,
 *               "transitions": 250000, "behavior_policy_versions": [0, 10, 11]},
 *   "files": {"saved_model.pb": "<sha256>", "variables/variables.index": "<sha256>", ...},
 *   "sha256": "<ArtifactDigest of files>"
 * }
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("policy_name") String policyName,
        @JsonProperty("version") long version,
        @JsonProperty("algo") String algo,
        @JsonProperty("config") Map<String, String> config,
        @JsonProperty("obs_shape") List<Integer> obsShape,
        @JsonProperty("obs_dtype") String obsDtype,
        @JsonProperty("num_actions") int numActions,
        @JsonProperty("signature") Signature signature,
        @JsonProperty("transition_schema_fingerprint") String transitionSchemaFingerprint,
        @JsonProperty("train_step") long trainStep,
        @JsonProperty("created_at_ms") long createdAtMs,
        @JsonProperty("lineage") Lineage lineage,
        @JsonProperty("files") Map<String, String> files,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("policy_kind") String policyKind,
        @JsonProperty("recurrent") Recurrent recurrent) {

    /** The manifest's file name inside an artifact directory. */
    public static final String FILE_NAME = "replayflow-policy.json";

    /**
     * Files written next to an artifact after it was made ({@code replayflow ope}'s result and its
     * temporary): about the artifact, not part of it, so outside its digest and its file list.
     */
    public static final Set<String> SIDECAR_FILES = Set.of("ope.json", "ope.json.tmp");

    /** The format this code writes for a feed-forward policy (older readers still read it). */
    public static final int FORMAT_VERSION = 2;

    /**
     * The format of a recurrent policy ({@link #recurrent()} set): a reader of format 2 cannot feed
     * its state, so it must refuse it rather than act with a state of zeros at every step.
     */
    public static final int RECURRENT_FORMAT_VERSION = 3;

    /** The newest format this code reads. */
    public static final int NEWEST_READABLE_FORMAT = RECURRENT_FORMAT_VERSION;

    /** The oldest format this code still reads (Q-value artifacts without a policy kind). */
    public static final int OLDEST_READABLE_FORMAT = 1;

    /** {@code policy_kind} of a greedy policy over exported Q-values (the default). */
    public static final String Q_VALUES = "q-values";

    /**
     * {@code policy_kind} of a policy that samples its action from {@code softmax(logits)} (the
     * actor-critic learners: A2C, REINFORCE, IMPALA).
     */
    public static final String STOCHASTIC = "stochastic";

    /**
     * The SavedModel signature the artifact serves.
     *
     * @param logits unnormalised action log-probabilities {@code [batch, num_actions]} of a
     *     stochastic policy; null for a Q-value policy
     * @param value the state value {@code [batch]} of an actor-critic; null when not exported
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Signature(
            @JsonProperty("name") String name,
            @JsonProperty("input") String input,
            @JsonProperty("q_values") String qValues,
            @JsonProperty("action") String action,
            @JsonProperty("logits") String logits,
            @JsonProperty("value") String value) {

        /** A Q-value signature (no logits or value). */
        public Signature(String name, String input, String qValues, String action) {
            this(name, input, qValues, action, null, null);
        }

        /**
         * {@code serving_default}: input {@code obs}, outputs {@code q_values} and {@code action}.
         */
        public static Signature standard() {
            return new Signature("serving_default", "obs", "q_values", "action");
        }

        /**
         * {@code serving_default}: input {@code obs}, outputs {@code action} (the greedy action,
         * argmax of the logits), {@code logits} and {@code value}; no Q-values.
         */
        public static Signature stochastic() {
            return new Signature("serving_default", "obs", null, "action", "logits", "value");
        }
    }

    /**
     * The recurrent core of a policy (format 3): the serving signature takes, besides the
     * observation, one {@code [batch, units]} float32 tensor per name in {@code stateInputs} and
     * returns the next state under the names in {@code stateOutputs}, in the same order. A caller
     * keeps one state per episode (or session): zeros at its first step, then each step's returned
     * state fed to the next step, with the same version from the episode's start to its end.
     *
     * <pre>{@code
     * "recurrent": {"cell": "lstm", "units": 64,
     *               "state_inputs": ["state_h", "state_c"],
     *               "state_outputs": ["next_state_h", "next_state_c"]}
     * }</pre>
     *
     * @param cell the recurrent cell, {@link #LSTM}
     * @param units the width of each state tensor, >= 1
     * @param stateInputs the signature's state inputs, at least one
     * @param stateOutputs the signature's next-state outputs, one per input
     */
    public record Recurrent(
            @JsonProperty("cell") String cell,
            @JsonProperty("units") int units,
            @JsonProperty("state_inputs") List<String> stateInputs,
            @JsonProperty("state_outputs") List<String> stateOutputs) {

        /** The LSTM cell (Hochreiter & Schmidhuber, 1997): a hidden and a cell state. */
        public static final String LSTM = "lstm";

        public Recurrent {
            stateInputs = List.copyOf(Objects.requireNonNullElse(stateInputs, List.of()));
            stateOutputs = List.copyOf(Objects.requireNonNullElse(stateOutputs, List.of()));
            if (!LSTM.equals(cell)) {
                throw new IllegalArgumentException(
                        "recurrent cell '" + cell + "' is unknown: use " + LSTM);
            }
            if (units < 1) {
                throw new IllegalArgumentException("recurrent units must be >= 1, got " + units);
            }
            if (stateInputs.isEmpty() || stateInputs.size() != stateOutputs.size()) {
                throw new IllegalArgumentException(
                        "recurrent state_inputs "
                                + stateInputs
                                + " and state_outputs "
                                + stateOutputs
                                + " must be non-empty and of the same length");
            }
        }

        /**
         * An LSTM of {@code units}: inputs {@code state_h}, {@code state_c}; outputs {@code
         * next_state_h}, {@code next_state_c}.
         */
        public static Recurrent lstm(int units) {
            return new Recurrent(
                    LSTM,
                    units,
                    List.of("state_h", "state_c"),
                    List.of("next_state_h", "next_state_c"));
        }

        /** Floats of state per row: {@code units} times the number of state tensors. */
        public int stateSize() {
            return units * stateInputs.size();
        }
    }

    /** A manifest of {@code policy_kind} {@link #Q_VALUES} (every caller before version 2). */
    public PolicyManifest(
            int formatVersion,
            String policyName,
            long version,
            String algo,
            Map<String, String> config,
            List<Integer> obsShape,
            String obsDtype,
            int numActions,
            Signature signature,
            String transitionSchemaFingerprint,
            long trainStep,
            long createdAtMs,
            Lineage lineage,
            Map<String, String> files,
            String sha256) {
        this(
                formatVersion,
                policyName,
                version,
                algo,
                config,
                obsShape,
                obsDtype,
                numActions,
                signature,
                transitionSchemaFingerprint,
                trainStep,
                createdAtMs,
                lineage,
                files,
                sha256,
                null,
                null);
    }

    /** A feed-forward manifest ({@link #recurrent()} null) of the given {@code policy_kind}. */
    public PolicyManifest(
            int formatVersion,
            String policyName,
            long version,
            String algo,
            Map<String, String> config,
            List<Integer> obsShape,
            String obsDtype,
            int numActions,
            Signature signature,
            String transitionSchemaFingerprint,
            long trainStep,
            long createdAtMs,
            Lineage lineage,
            Map<String, String> files,
            String sha256,
            String policyKind) {
        this(
                formatVersion,
                policyName,
                version,
                algo,
                config,
                obsShape,
                obsDtype,
                numActions,
                signature,
                transitionSchemaFingerprint,
                trainStep,
                createdAtMs,
                lineage,
                files,
                sha256,
                policyKind,
                null);
    }

    /** True when the policy keeps a recurrent state between steps ({@link #recurrent()} set). */
    public boolean isRecurrent() {
        return recurrent != null;
    }

    /** True when the policy samples from {@code softmax(logits)} rather than acting greedily. */
    public boolean stochastic() {
        return STOCHASTIC.equals(policyKind);
    }

    /** What data trained the policy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lineage(
            @JsonProperty("sources") List<String> sources,
            @JsonProperty("event_time_from_ms") Long eventTimeFromMs,
            @JsonProperty("event_time_to_ms") Long eventTimeToMs,
            @JsonProperty("transitions") long transitions,
            @JsonProperty("behavior_policy_versions") List<Long> behaviorPolicyVersions) {

        public Lineage {
            sources = List.copyOf(Objects.requireNonNullElse(sources, List.of()));
            behaviorPolicyVersions =
                    List.copyOf(Objects.requireNonNullElse(behaviorPolicyVersions, List.of()));
        }
    }

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public PolicyManifest {
        config = Map.copyOf(Objects.requireNonNullElse(config, Map.of()));
        obsShape = List.copyOf(Objects.requireNonNullElse(obsShape, List.of()));
        files = Map.copyOf(Objects.requireNonNullElse(files, Map.of()));
        policyKind = Objects.requireNonNullElse(policyKind, Q_VALUES); // version 1 had none
        if (!Q_VALUES.equals(policyKind) && !STOCHASTIC.equals(policyKind)) {
            throw new IllegalArgumentException(
                    "policy_kind '"
                            + policyKind
                            + "' is unknown: use "
                            + Q_VALUES
                            + " or "
                            + STOCHASTIC);
        }
        if (recurrent != null && formatVersion < RECURRENT_FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "a recurrent policy needs format_version "
                            + RECURRENT_FORMAT_VERSION
                            + ", got "
                            + formatVersion);
        }
    }

    /** Writes this manifest as {@code dir/replayflow-policy.json}. */
    public void writeTo(Path dir) throws IOException {
        JSON.writeValue(dir.resolve(FILE_NAME).toFile(), this);
    }

    /**
     * Reads {@code dir/replayflow-policy.json}.
     *
     * @throws InvalidArtifactException when it is missing, not JSON, or of an unknown format
     */
    public static PolicyManifest readFrom(Path dir) throws InvalidArtifactException {
        Path file = dir.resolve(FILE_NAME);
        PolicyManifest manifest;
        try {
            manifest = JSON.readValue(Files.readAllBytes(file), PolicyManifest.class);
        } catch (NoSuchFileException e) {
            throw new InvalidArtifactException(
                    "no " + FILE_NAME + " in " + dir + ": not a ReplayFlow policy artifact", e);
        } catch (IOException e) {
            throw new InvalidArtifactException(
                    file + " is not a valid policy manifest: " + e.getMessage(), e);
        }
        if (manifest.formatVersion() < OLDEST_READABLE_FORMAT
                || manifest.formatVersion() > NEWEST_READABLE_FORMAT) {
            throw new InvalidArtifactException(
                    file
                            + " has format_version "
                            + manifest.formatVersion()
                            + "; this build reads "
                            + OLDEST_READABLE_FORMAT
                            + " to "
                            + NEWEST_READABLE_FORMAT
                            + ": upgrade the reader or re-export the policy");
        }
        return manifest;
    }

    /**
     * Checks that the files in {@code dir} are exactly the ones this manifest lists, with the same
     * digests, and that they add up to {@link #sha256()} (and to {@code expectedSha256} if given,
     * e.g. the digest a {@code PolicyVersion} announced).
     *
     * @throws InvalidArtifactException naming the first file that differs
     */
    public void verify(Path dir, String expectedSha256) throws InvalidArtifactException {
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha256)) {
            throw new InvalidArtifactException(
                    "checksum mismatch: the announcement says sha256 "
                            + expectedSha256
                            + " but "
                            + dir.resolve(FILE_NAME)
                            + " says "
                            + sha256);
        }
        Map<String, String> actual;
        try {
            actual = ArtifactDigest.fileDigests(dir);
        } catch (IOException e) {
            throw new InvalidArtifactException("cannot read artifact " + dir + ": " + e, e);
        }
        for (var expected : files.entrySet()) {
            String got = actual.get(expected.getKey());
            if (got == null) {
                throw new InvalidArtifactException(
                        "artifact " + dir + " is missing " + expected.getKey());
            }
            if (!got.equals(expected.getValue())) {
                throw new InvalidArtifactException(
                        "checksum mismatch in "
                                + dir.resolve(expected.getKey())
                                + ": expected sha256 "
                                + expected.getValue()
                                + ", found "
                                + got
                                + " (the file was modified or corrupted)");
            }
        }
        for (String path : actual.keySet()) {
            if (!files.containsKey(path)) {
                throw new InvalidArtifactException(
                        "artifact " + dir + " has a file its manifest does not list: " + path);
            }
        }
        String combined = ArtifactDigest.combine(actual);
        if (!combined.equals(sha256)) {
            throw new InvalidArtifactException(
                    "checksum mismatch: files of "
                            + dir
                            + " add up to sha256 "
                            + combined
                            + ", manifest says "
                            + sha256);
        }
    }

    /** Serialises to the JSON written in artifacts (for tests and tools). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
