package io.replayflow.replay.job.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.row.ReplayRow;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplayRowSerializerTest {

    private final ReplayRowSerializer serializer = ReplayRowSerializer.INSTANCE;

    @Test
    void everyFieldSurvivesARoundTripAndACopy() throws Exception {
        ReplayRow row = new ReplayRow();
        int k = 1;
        // a distinct non-default value in every public field, so a field added to ReplayRow and
        // forgotten here fails the test
        for (Field f : instanceFields()) {
            f.set(row, sample(f.getType(), k++));
        }
        ReplayRow back = roundTrip(row);
        ReplayRow copy = serializer.copy(row);
        for (Field f : instanceFields()) {
            assertThat(f.get(back)).as(f.getName()).isEqualTo(f.get(row));
            assertThat(f.get(copy)).as(f.getName()).isEqualTo(f.get(row));
            if (f.getType().isArray()) {
                assertThat(f.get(copy)).as(f.getName() + " copied").isNotSameAs(f.get(row));
            }
        }
    }

    @Test
    void nullStringsAndArraysStayNullAndEmptyOnesEmpty() throws Exception {
        ReplayRow row = new ReplayRow();
        row.envId = "";
        row.obs = new float[0];
        row.obsImage = new byte[0];
        ReplayRow back = roundTrip(row);
        for (Field f : instanceFields()) {
            assertThat(f.get(back)).as(f.getName()).isEqualTo(f.get(row));
        }
        assertThat(back.actorId).isNull();
        assertThat(back.nextObs).isNull();
        assertThat(back.envId).isEmpty();
        assertThat(back.obs).isEmpty();
    }

    @Test
    void nonAsciiIdsAndNanFloatsRoundTrip() throws Exception {
        ReplayRow row = new ReplayRow();
        row.episodeId = "épisode-7\u001f雪";
        row.returnToGo = Float.NaN;
        ReplayRow back = roundTrip(row);
        assertThat(back.episodeId).isEqualTo(row.episodeId);
        assertThat(back.returnToGo).isNaN();
    }

    @Test
    void theTypeInfoMakesThisSerializerAndTheSnapshotRestoresIt() {
        assertThat(ReplayRowTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl()))
                .isSameAs(serializer);
        assertThat(serializer.snapshotConfiguration().restoreSerializer()).isEqualTo(serializer);
    }

    private ReplayRow roundTrip(ReplayRow row) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(row, out);
        serializer.serialize(row, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        ReplayRow first = serializer.deserialize(in);
        ReplayRow second = serializer.deserialize(new ReplayRow(), in);
        assertThat(in.available()).isZero();
        for (Field f : instanceFields()) {
            assertThat(f.get(second)).as(f.getName()).isEqualTo(f.get(first));
        }
        // serialize(deserialize) through copy(DataInputView, DataOutputView) gives the same bytes
        DataOutputSerializer again = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), again);
        assertThat(again.length()).isEqualTo(out.length() / 2);
        return first;
    }

    private static List<Field> instanceFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : ReplayRow.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        assertThat(fields).allMatch(f -> Modifier.isPublic(f.getModifiers()));
        return fields;
    }

    private static Object sample(Class<?> type, int k) {
        if (type == String.class) {
            return "s" + k;
        } else if (type == long.class) {
            return 1_000_000_000_000L + k;
        } else if (type == int.class) {
            return 100 + k;
        } else if (type == float.class) {
            return 0.5f + k;
        } else if (type == double.class) {
            return 0.25 + k;
        } else if (type == boolean.class) {
            return true;
        } else if (type == float[].class) {
            return new float[] {k, -k, 0.125f * k};
        } else if (type == byte[].class) {
            return new byte[] {(byte) k, (byte) (k + 1)};
        }
        throw new AssertionError("no sample for a field of type " + type);
    }
}
