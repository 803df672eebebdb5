package io.replayflow.replay.row;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes {@link ReplayRow}s as {@link ReplayColumns#SCHEMA} records, field by field, with no
 * intermediate Avro or row objects. Footer key {@code replayflow.row}: {@code replay/v2} ({@code
 * segment/v2}) since the image columns were added; v1 files lack them.
 */
final class ReplayRowWriteSupport extends WriteSupport<ReplayRow> {

    private final boolean segments;
    private RecordConsumer out;

    /**
     * @param segments write {@link ReplayColumns#SEGMENT_SCHEMA} (a segment dataset) rather than
     *     {@link ReplayColumns#SCHEMA}
     */
    ReplayRowWriteSupport(boolean segments) {
        this.segments = segments;
    }

    private WriteContext context() {
        return segments
                ? new WriteContext(
                        ReplayColumns.SEGMENT_SCHEMA, Map.of("replayflow.row", "segment/v2"))
                : new WriteContext(ReplayColumns.SCHEMA, Map.of("replayflow.row", "replay/v2"));
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return context();
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return context();
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(ReplayRow row) {
        int i = 0;
        out.startMessage();
        string(ReplayColumns.ENV_ID, i++, row.envId);
        string(ReplayColumns.ACTOR_ID, i++, row.actorId);
        string(ReplayColumns.EPISODE_ID, i++, row.episodeId);
        int64(ReplayColumns.STEP, i++, row.step);
        int64(ReplayColumns.EVENT_TIME_MS, i++, row.eventTimeMs);
        floats(ReplayColumns.OBS, i++, row.obs);
        int32(ReplayColumns.ACTION, i++, row.action);
        float32(ReplayColumns.REWARD, i++, row.reward);
        floats(ReplayColumns.NEXT_OBS, i++, row.nextObs);
        bool(ReplayColumns.TERMINATED, i++, row.terminated);
        bool(ReplayColumns.TRUNCATED, i++, row.truncated);
        float32(ReplayColumns.BEHAVIOR_PROB, i++, row.behaviorProb);
        int64(ReplayColumns.POLICY_VERSION, i++, row.policyVersion);
        float32(ReplayColumns.N_STEP_RETURN, i++, row.nStepReturn);
        int32(ReplayColumns.N_STEP_COUNT, i++, row.nStepCount);
        floats(ReplayColumns.BOOTSTRAP_OBS, i++, row.bootstrapObs);
        float32(ReplayColumns.BOOTSTRAP_DISCOUNT, i++, row.bootstrapDiscount);
        bool(ReplayColumns.BOOTSTRAP_CUT, i++, row.bootstrapCut);
        if (!Float.isNaN(row.returnToGo)) {
            float32(ReplayColumns.RETURN_TO_GO, i, row.returnToGo);
        }
        i++;
        bool(ReplayColumns.EPISODE_COMPLETE, i++, row.episodeComplete);
        out.startField(ReplayColumns.PRIORITY, i);
        out.addDouble(row.priority);
        out.endField(ReplayColumns.PRIORITY, i++);
        image(ReplayColumns.OBS_IMAGE, i++, row.obsImage);
        image(ReplayColumns.NEXT_OBS_IMAGE, i++, row.nextObsImage);
        image(ReplayColumns.BOOTSTRAP_OBS_IMAGE, i++, row.bootstrapObsImage);
        if (segments) {
            string(ReplayColumns.SEGMENT_ID, i++, row.segmentId);
            int32(ReplayColumns.SEGMENT_STEP, i++, row.segmentStep);
            int32(ReplayColumns.SEGMENT_LENGTH, i, row.segmentLength);
        }
        out.endMessage();
    }

    private void string(String name, int index, String value) {
        out.startField(name, index);
        out.addBinary(Binary.fromString(value));
        out.endField(name, index);
    }

    private void int64(String name, int index, long value) {
        out.startField(name, index);
        out.addLong(value);
        out.endField(name, index);
    }

    private void int32(String name, int index, int value) {
        out.startField(name, index);
        out.addInteger(value);
        out.endField(name, index);
    }

    private void float32(String name, int index, float value) {
        out.startField(name, index);
        out.addFloat(value);
        out.endField(name, index);
    }

    private void bool(String name, int index, boolean value) {
        out.startField(name, index);
        out.addBoolean(value);
        out.endField(name, index);
    }

    /** An optional image group: absent for null, else its one {@code data} field. */
    private void image(String name, int index, byte[] bytes) {
        if (bytes == null) {
            return;
        }
        out.startField(name, index);
        out.startGroup();
        out.startField(ReplayColumns.IMAGE_DATA, 0);
        out.addBinary(Binary.fromConstantByteArray(bytes));
        out.endField(ReplayColumns.IMAGE_DATA, 0);
        out.endGroup();
        out.endField(name, index);
    }

    /** A three-level LIST: the group, then one {@code list.element} per value. */
    private void floats(String name, int index, float[] values) {
        out.startField(name, index);
        out.startGroup();
        if (values != null && values.length > 0) {
            out.startField("list", 0);
            for (float v : values) {
                out.startGroup();
                out.startField("element", 0);
                out.addFloat(v);
                out.endField("element", 0);
                out.endGroup();
            }
            out.endField("list", 0);
        }
        out.endGroup();
        out.endField(name, index);
    }
}
