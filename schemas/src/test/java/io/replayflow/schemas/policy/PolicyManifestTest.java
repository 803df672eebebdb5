package io.replayflow.schemas.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class PolicyManifestTest {

    @TempDir Path artifact;

    @BeforeEach
    void savedModelLikeFiles() throws Exception {
        Files.createDirectories(artifact.resolve("variables"));
        Files.writeString(artifact.resolve("saved_model.pb"), "graph");
        Files.writeString(artifact.resolve("variables/variables.index"), "index");
    }

    private PolicyManifest manifestFor(Path dir) throws Exception {
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        return new PolicyManifest(
                PolicyManifest.FORMAT_VERSION,
                "cartpole",
                3,
                "dqn",
                Map.of("gamma", "0.99"),
                List.of(4),
                "float32",
                2,
                PolicyManifest.Signature.standard(),
                "0x01",
                100,
                1L,
                new PolicyManifest.Lineage(List.of("file:///d"), 5L, null, 10, List.of(0L)),
                files,
                ArtifactDigest.combine(files));
    }

    @Test
    void roundTripsThroughJsonAndVerifies() throws Exception {
        PolicyManifest written = manifestFor(artifact);
        written.writeTo(artifact);

        PolicyManifest read = PolicyManifest.readFrom(artifact);

        assertThat(read).isEqualTo(written);
        read.verify(artifact, written.sha256()); // the manifest itself is not part of the digest
        assertThat(Files.readString(artifact.resolve(PolicyManifest.FILE_NAME)))
                .contains("\"format_version\" : 2")
                .contains("\"policy_kind\" : \"q-values\"")
                .contains("\"num_actions\" : 2");
    }

    @Test
    void anOpeResultWrittenBesideTheArtifactLaterDoesNotBreakItsVerification() throws Exception {
        PolicyManifest written = manifestFor(artifact);
        written.writeTo(artifact);
        Files.writeString(artifact.resolve("ope.json"), "{\"estimates\": {}}");

        PolicyManifest.readFrom(artifact).verify(artifact, written.sha256());
    }

    @Test
    void digestIsTheSha256OfPathAndDigestLines() throws Exception {
        // sha256("graph") and sha256("index") are fixed; the artifact digest hashes the two lines
        // "saved_model.pb\t<sha>\n" and "variables/variables.index\t<sha>\n" in path order.
        Map<String, String> files = ArtifactDigest.fileDigests(artifact);
        assertThat(files).containsOnlyKeys("saved_model.pb", "variables/variables.index");
        // sha256 of the five bytes "graph", from `printf graph | sha256sum`
        assertThat(files.get("saved_model.pb"))
                .isEqualTo("eef93e1d14482804277fca0172464032d1a4fdbcc338524059fa1e861454ad4d");
        String lines =
                "saved_model.pb\t"
                        + files.get("saved_model.pb")
                        + "\nvariables/variables.index\t"
                        + files.get("variables/variables.index")
                        + "\n";
        var md = java.security.MessageDigest.getInstance("SHA-256");
        String expected =
                java.util.HexFormat.of()
                        .formatHex(md.digest(lines.getBytes(StandardCharsets.UTF_8)));
        assertThat(ArtifactDigest.of(artifact)).isEqualTo(expected);
    }

    @Test
    void tamperedFileIsNamed() throws Exception {
        PolicyManifest manifest = manifestFor(artifact);
        manifest.writeTo(artifact);
        Files.writeString(artifact.resolve("variables/variables.index"), "evil");

        assertThatThrownBy(() -> PolicyManifest.readFrom(artifact).verify(artifact, null))
                .isInstanceOf(InvalidArtifactException.class)
                .hasMessageContaining("checksum mismatch in")
                .hasMessageContaining("variables.index");
    }

    @Test
    void announcedDigestMustMatch() throws Exception {
        PolicyManifest manifest = manifestFor(artifact);

        assertThatThrownBy(() -> manifest.verify(artifact, "00".repeat(32)))
                .hasMessageContaining("checksum mismatch: the announcement says sha256 0000");
    }

    @Test
    void anOpeResultWrittenNextToTheArtifactLeavesItValid() throws Exception {
        PolicyManifest manifest = manifestFor(artifact);
        manifest.writeTo(artifact);
        Files.writeString(artifact.resolve("ope.json"), "{\"estimates\": {}}");

        manifest.verify(artifact, manifest.sha256());
        assertThat(ArtifactDigest.of(artifact)).isEqualTo(manifest.sha256());
    }

    @Test
    void missingAndExtraFilesAreNamed() throws Exception {
        PolicyManifest manifest = manifestFor(artifact);
        Files.delete(artifact.resolve("saved_model.pb"));
        assertThatThrownBy(() -> manifest.verify(artifact, null))
                .hasMessageContaining("is missing saved_model.pb");

        Files.writeString(artifact.resolve("saved_model.pb"), "graph");
        Files.writeString(artifact.resolve("extra.bin"), "x");
        assertThatThrownBy(() -> manifest.verify(artifact, null))
                .hasMessageContaining("does not list: extra.bin");
    }

    @Test
    void missingManifestAndUnknownFormat() throws Exception {
        assertThatThrownBy(() -> PolicyManifest.readFrom(artifact))
                .hasMessageContaining("no replayflow-policy.json in");

        Files.writeString(artifact.resolve(PolicyManifest.FILE_NAME), "{\"format_version\": 9}");
        assertThatThrownBy(() -> PolicyManifest.readFrom(artifact))
                .hasMessageContaining("format_version 9; this build reads 1 to 3");

        Files.writeString(artifact.resolve(PolicyManifest.FILE_NAME), "{not json");
        assertThatThrownBy(() -> PolicyManifest.readFrom(artifact))
                .hasMessageContaining("is not a valid policy manifest");
    }

    @Test
    void readsAFormatOneQValueManifestAsQValues() throws Exception {
        // A manifest as exported before format 2: no policy_kind, a signature without logits.
        Files.writeString(
                artifact.resolve(PolicyManifest.FILE_NAME),
                """
                {"format_version": 1, "policy_name": "cartpole", "version": 4, "algo": "dqn",
                 "obs_shape": [4], "obs_dtype": "float32", "num_actions": 2,
                 "signature": {"name": "serving_default", "input": "obs",
                               "q_values": "q_values", "action": "action"},
                 "train_step": 10, "created_at_ms": 1, "files": {}, "sha256": "x"}
                """);

        PolicyManifest read = PolicyManifest.readFrom(artifact);

        assertThat(read.formatVersion()).isEqualTo(1);
        assertThat(read.policyKind()).isEqualTo(PolicyManifest.Q_VALUES);
        assertThat(read.stochastic()).isFalse();
        assertThat(read.signature()).isEqualTo(PolicyManifest.Signature.standard());
    }

    @Test
    void stochasticManifestRoundTripsWithLogitsAndValue() throws Exception {
        PolicyManifest q = manifestFor(artifact);
        PolicyManifest written =
                new PolicyManifest(
                        q.formatVersion(),
                        q.policyName(),
                        q.version(),
                        "impala",
                        q.config(),
                        q.obsShape(),
                        q.obsDtype(),
                        q.numActions(),
                        PolicyManifest.Signature.stochastic(),
                        q.transitionSchemaFingerprint(),
                        q.trainStep(),
                        q.createdAtMs(),
                        q.lineage(),
                        q.files(),
                        q.sha256(),
                        PolicyManifest.STOCHASTIC);
        written.writeTo(artifact);

        PolicyManifest read = PolicyManifest.readFrom(artifact);

        assertThat(read).isEqualTo(written);
        assertThat(read.stochastic()).isTrue();
        assertThat(read.signature().logits()).isEqualTo("logits");
        assertThat(read.signature().value()).isEqualTo("value");
        assertThat(read.signature().qValues()).isNull();
    }

    @Test
    void unknownPolicyKindIsRejectedWithTheChoices() throws Exception {
        Files.writeString(
                artifact.resolve(PolicyManifest.FILE_NAME),
                "{\"format_version\": 2, \"policy_kind\": \"gaussian\"}");
        assertThatThrownBy(() -> PolicyManifest.readFrom(artifact))
                .hasMessageContaining(
                        "policy_kind 'gaussian' is unknown: use q-values or stochastic");
    }

    @Test
    void recurrentManifestIsFormatThreeAndRoundTripsWithItsStateNames() throws Exception {
        PolicyManifest q = manifestFor(artifact);
        PolicyManifest written =
                new PolicyManifest(
                        PolicyManifest.RECURRENT_FORMAT_VERSION,
                        q.policyName(),
                        q.version(),
                        "impala",
                        q.config(),
                        List.of(2),
                        q.obsDtype(),
                        q.numActions(),
                        PolicyManifest.Signature.stochastic(),
                        q.transitionSchemaFingerprint(),
                        q.trainStep(),
                        q.createdAtMs(),
                        q.lineage(),
                        q.files(),
                        q.sha256(),
                        PolicyManifest.STOCHASTIC,
                        PolicyManifest.Recurrent.lstm(64));
        written.writeTo(artifact);

        PolicyManifest read = PolicyManifest.readFrom(artifact);

        assertThat(read).isEqualTo(written);
        assertThat(read.isRecurrent()).isTrue();
        assertThat(read.recurrent().stateSize()).isEqualTo(128); // h and c, 64 each
        assertThat(Files.readString(artifact.resolve(PolicyManifest.FILE_NAME)))
                .contains("\"format_version\" : 3")
                .contains("\"cell\" : \"lstm\"")
                .contains("\"state_inputs\" : [ \"state_h\", \"state_c\" ]")
                .contains("\"state_outputs\" : [ \"next_state_h\", \"next_state_c\" ]");
        assertThat(manifestFor(artifact).isRecurrent()).isFalse();
    }

    @Test
    void recurrentPolicyUnderFormatTwoOrWithBadStateIsRefused() throws Exception {
        PolicyManifest q = manifestFor(artifact);
        assertThatThrownBy(
                        () ->
                                new PolicyManifest(
                                        PolicyManifest.FORMAT_VERSION,
                                        q.policyName(),
                                        q.version(),
                                        q.algo(),
                                        q.config(),
                                        q.obsShape(),
                                        q.obsDtype(),
                                        q.numActions(),
                                        q.signature(),
                                        q.transitionSchemaFingerprint(),
                                        q.trainStep(),
                                        q.createdAtMs(),
                                        q.lineage(),
                                        q.files(),
                                        q.sha256(),
                                        PolicyManifest.STOCHASTIC,
                                        PolicyManifest.Recurrent.lstm(8)))
                .hasMessage("a recurrent policy needs format_version 3, got 2");
        assertThatThrownBy(
                        () -> new PolicyManifest.Recurrent("gru", 8, List.of("h"), List.of("h2")))
                .hasMessage("recurrent cell 'gru' is unknown: use lstm");
        assertThatThrownBy(() -> PolicyManifest.Recurrent.lstm(0))
                .hasMessage("recurrent units must be >= 1, got 0");
        assertThatThrownBy(
                        () ->
                                new PolicyManifest.Recurrent(
                                        "lstm", 8, List.of("state_h", "state_c"), List.of("h")))
                .hasMessageContaining("must be non-empty and of the same length");
    }
}
