package io.replayflow.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.EpisodeSummary;
import io.replayflow.schemas.avro.Outcome;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.avro.Transition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Backward compatibility: every released version stays readable by the current classes. */
@Timeout(30)
class SchemaHistoryTest {

    private static final List<Class<? extends SpecificRecordBase>> CONTRACTS =
            List.of(
                    Transition.class,
                    PolicyVersion.class,
                    PriorityUpdate.class,
                    EpisodeSummary.class,
                    EpisodeStats.class,
                    DeadLetter.class,
                    Decision.class,
                    Outcome.class,
                    PolicyAssignment.class,
                    PolicyFailure.class);

    static Stream<SchemaHistory.Version> releasedVersions() {
        return SchemaHistory.released().recordNames().stream()
                .flatMap(name -> SchemaHistory.released().versionsOf(name).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedVersions")
    void currentSchemaCanReadEveryReleasedVersion(SchemaHistory.Version released) {
        Schema current = currentSchemaOf(released.schema().getFullName());

        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released.schema());

        assertThat(result.getType())
                .as("%s readable by current schema: %s", released.path(), result.getDescription())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedVersions")
    void payloadWrittenUnderEveryReleasedVersionDecodes(SchemaHistory.Version released)
            throws Exception {
        Schema writer = released.schema();
        GenericData.Record written = (GenericData.Record) SampleRecords.genericValue(writer, "w");
        byte[] payload = singleObject(writer, written);

        SpecificRecord read =
                SingleObjectSerde.forClass(classOf(writer.getFullName())).decode(payload);

        for (Schema.Field f : writer.getFields()) {
            Object expected = written.get(f.name());
            Object actual = read.get(read.getSchema().getField(f.name()).pos());
            assertThat(String.valueOf(actual)).as(f.name()).isEqualTo(String.valueOf(expected));
        }
    }

    @Test
    void transitionV1DecodesWithTheV2DefaultsFilledIn() throws Exception {
        // The one real evolution so far: v2 added optional image observations defaulting to null.
        Schema v1 =
                SchemaHistory.released()
                        .versionsOf(Transition.getClassSchema().getFullName())
                        .get(0)
                        .schema();
        assertThat(v1.getField("obs_image")).isNull();
        GenericData.Record old = (GenericData.Record) SampleRecords.genericValue(v1, "old");

        Transition read =
                SingleObjectSerde.forClass(Transition.class).decode(singleObject(v1, old));

        assertThat(read.getEnvId()).isEqualTo("env_id-value");
        assertThat(read.getObs()).hasSize(3);
        assertThat(read.getObsImage()).isNull();
        assertThat(read.getNextObsImage()).isNull();
    }

    @Test
    void everyCurrentSchemaIsReleased() {
        for (Class<? extends SpecificRecordBase> type : CONTRACTS) {
            long fp = SingleObjectSerde.forClass(type).fingerprint();
            assertThat(SchemaHistory.released().byFingerprint(fp))
                    .as(
                            "%s.avsc changed without a release: copy it to"
                                    + " schemas/src/main/avro/history/%s/v<N+1>.avsc and list it"
                                    + " in history/INDEX",
                            type.getSimpleName(), type.getSimpleName())
                    .isPresent();
        }
    }

    @Test
    void everyFileInTheHistoryFolderIsIndexed() throws IOException {
        Path root = Path.of("src/main/avro/history");
        List<String> indexed =
                SchemaHistory.released().recordNames().stream()
                        .flatMap(n -> SchemaHistory.released().versionsOf(n).stream())
                        .map(SchemaHistory.Version::path)
                        .toList();
        try (Stream<Path> files = Files.walk(root)) {
            List<String> onDisk =
                    files.filter(p -> p.toString().endsWith(".avsc"))
                            .map(p -> root.relativize(p).toString().replace('\\', '/'))
                            .toList();
            assertThat(indexed).containsExactlyInAnyOrderElementsOf(onDisk);
        }
    }

    @Test
    void versionsOfARecordAreMutuallyCompatibleInOrder() {
        // Forward direction too: the previous release can read the next (full transitivity).
        for (String name : SchemaHistory.released().recordNames()) {
            List<SchemaHistory.Version> versions = SchemaHistory.released().versionsOf(name);
            for (int i = 1; i < versions.size(); i++) {
                assertThat(versions.get(i).number()).isEqualTo(versions.get(i - 1).number() + 1);
                var older = versions.get(i - 1).schema();
                var newer = versions.get(i).schema();
                assertThat(
                                SchemaCompatibility.checkReaderWriterCompatibility(newer, older)
                                        .getType())
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    private static Schema currentSchemaOf(String fullName) {
        return org.apache.avro.specific.SpecificData.get().getSchema(classOf(fullName));
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends SpecificRecordBase> classOf(String fullName) {
        return CONTRACTS.stream()
                .filter(c -> c.getName().equals(fullName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no generated class for " + fullName));
    }

    private static byte[] singleObject(Schema writer, GenericData.Record record)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fp = org.apache.avro.SchemaNormalization.parsingFingerprint64(writer);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fp >>> (8 * i)) & 0xFF);
        }
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericData.Record>(writer).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }
}
