package io.replayflow.replay.job.internal;

import io.replayflow.replay.row.ReplayRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@link ReplayRow} written field by field in declaration order, with primitive arrays written as
 * a length and their elements: no reflection, no boxing, no Kryo. Flink's POJO serializer reads and
 * sets each field reflectively and, in a backfill, ran four times per row (shuffle out and in, sort
 * in and out); this one is for the rows' exchanges in a backfill ({@link ReplayRowTypeInfo}). The
 * streaming job's state keeps the POJO serializer, whose savepoints it must go on restoring.
 *
 * <p>Nullable fields (strings, arrays) carry their null: an array is written as length + 1, 0 for
 * null, and a string as its UTF-8 bytes (whole-array encoding and decoding, several times cheaper
 * than {@code StringValue}'s char by char). Stateless, so one instance is shared.
 */
public final class ReplayRowSerializer extends TypeSerializer<ReplayRow> {

    private static final long serialVersionUID = 1L;

    public static final ReplayRowSerializer INSTANCE = new ReplayRowSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ReplayRow> duplicate() {
        return this;
    }

    @Override
    public ReplayRow createInstance() {
        return new ReplayRow();
    }

    @Override
    public ReplayRow copy(ReplayRow from) {
        return copy(from, new ReplayRow());
    }

    @Override
    public ReplayRow copy(ReplayRow from, ReplayRow to) {
        to.envId = from.envId;
        to.actorId = from.actorId;
        to.episodeId = from.episodeId;
        to.step = from.step;
        to.eventTimeMs = from.eventTimeMs;
        to.obs = clone(from.obs);
        to.action = from.action;
        to.reward = from.reward;
        to.nextObs = clone(from.nextObs);
        to.terminated = from.terminated;
        to.truncated = from.truncated;
        to.behaviorProb = from.behaviorProb;
        to.policyVersion = from.policyVersion;
        to.obsImage = clone(from.obsImage);
        to.nextObsImage = clone(from.nextObsImage);
        to.nStepReturn = from.nStepReturn;
        to.nStepCount = from.nStepCount;
        to.bootstrapObs = clone(from.bootstrapObs);
        to.bootstrapObsImage = clone(from.bootstrapObsImage);
        to.bootstrapDiscount = from.bootstrapDiscount;
        to.bootstrapCut = from.bootstrapCut;
        to.returnToGo = from.returnToGo;
        to.episodeComplete = from.episodeComplete;
        to.priority = from.priority;
        to.segmentId = from.segmentId;
        to.segmentStep = from.segmentStep;
        to.segmentLength = from.segmentLength;
        return to;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ReplayRow r, DataOutputView out) throws IOException {
        writeString(r.envId, out);
        writeString(r.actorId, out);
        writeString(r.episodeId, out);
        out.writeLong(r.step);
        out.writeLong(r.eventTimeMs);
        writeFloats(r.obs, out);
        out.writeInt(r.action);
        out.writeFloat(r.reward);
        writeFloats(r.nextObs, out);
        out.writeBoolean(r.terminated);
        out.writeBoolean(r.truncated);
        out.writeFloat(r.behaviorProb);
        out.writeLong(r.policyVersion);
        writeBytes(r.obsImage, out);
        writeBytes(r.nextObsImage, out);
        out.writeFloat(r.nStepReturn);
        out.writeInt(r.nStepCount);
        writeFloats(r.bootstrapObs, out);
        writeBytes(r.bootstrapObsImage, out);
        out.writeFloat(r.bootstrapDiscount);
        out.writeBoolean(r.bootstrapCut);
        out.writeFloat(r.returnToGo);
        out.writeBoolean(r.episodeComplete);
        out.writeDouble(r.priority);
        writeString(r.segmentId, out);
        out.writeInt(r.segmentStep);
        out.writeInt(r.segmentLength);
    }

    @Override
    public ReplayRow deserialize(DataInputView in) throws IOException {
        return deserialize(new ReplayRow(), in);
    }

    @Override
    public ReplayRow deserialize(ReplayRow r, DataInputView in) throws IOException {
        r.envId = readString(in);
        r.actorId = readString(in);
        r.episodeId = readString(in);
        r.step = in.readLong();
        r.eventTimeMs = in.readLong();
        r.obs = readFloats(in);
        r.action = in.readInt();
        r.reward = in.readFloat();
        r.nextObs = readFloats(in);
        r.terminated = in.readBoolean();
        r.truncated = in.readBoolean();
        r.behaviorProb = in.readFloat();
        r.policyVersion = in.readLong();
        r.obsImage = readBytes(in);
        r.nextObsImage = readBytes(in);
        r.nStepReturn = in.readFloat();
        r.nStepCount = in.readInt();
        r.bootstrapObs = readFloats(in);
        r.bootstrapObsImage = readBytes(in);
        r.bootstrapDiscount = in.readFloat();
        r.bootstrapCut = in.readBoolean();
        r.returnToGo = in.readFloat();
        r.episodeComplete = in.readBoolean();
        r.priority = in.readDouble();
        r.segmentId = readString(in);
        r.segmentStep = in.readInt();
        r.segmentLength = in.readInt();
        return r;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ReplayRowSerializer;
    }

    @Override
    public int hashCode() {
        return ReplayRowSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ReplayRow> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeString(String value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeInt(0);
            return;
        }
        writeBytes(value.getBytes(StandardCharsets.UTF_8), out);
    }

    private static String readString(DataInputView in) throws IOException {
        byte[] utf8 = readBytes(in);
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeFloats(float[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeInt(0);
            return;
        }
        out.writeInt(values.length + 1);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        int lengthPlusOne = in.readInt();
        if (lengthPlusOne == 0) {
            return null;
        }
        float[] values = new float[lengthPlusOne - 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    private static void writeBytes(byte[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeInt(0);
            return;
        }
        out.writeInt(values.length + 1);
        out.write(values);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        int lengthPlusOne = in.readInt();
        if (lengthPlusOne == 0) {
            return null;
        }
        byte[] values = new byte[lengthPlusOne - 1];
        in.readFully(values);
        return values;
    }

    private static float[] clone(float[] a) {
        return a == null ? null : a.clone();
    }

    private static byte[] clone(byte[] a) {
        return a == null ? null : a.clone();
    }

    /** Version 1: the field order above. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ReplayRow> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
