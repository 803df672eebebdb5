package io.replayflow.replay.row;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.env.ObservationType;
import io.replayflow.schemas.frames.EncodedFrames;
import io.replayflow.schemas.frames.FrameCodec;
import io.replayflow.schemas.frames.FrameColumns;
import io.replayflow.schemas.frames.FrameEncoder;
import io.replayflow.schemas.frames.FrameLayout;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes {@link ReplayRow}s as {@link ReplayColumns#SCHEMA} records, field by field, with no
 * intermediate Avro or row objects. Footer key {@code replayflow.row}: {@code replay/v3} since
 * image rows store each frame once (the frame columns; see {@link ReplayColumns}), {@code
 * replay/v2} ({@code segment/v2}) with whole images; v1 files lack the image columns.
 *
 * <p>Frames stored once: one {@link FrameEncoder} per env id in the file, with the env's {@link
 * FrameLayout} (from the built-in env table; an env it does not know stores each whole observation
 * as one frame, still once). The layouts go in the footer, so readers need no env table.
 */
final class ReplayRowWriteSupport extends WriteSupport<ReplayRow> {

    private final boolean segments;
    private final boolean framesOnce;
    private final FrameCodec codec;
    private final Map<String, FrameEncoder> encoders = new LinkedHashMap<>();
    private RecordConsumer out;

    /**
     * @param segments write {@link ReplayColumns#SEGMENT_SCHEMA} (a segment dataset, whole images)
     *     rather than {@link ReplayColumns#SCHEMA}
     * @param framesOnce store image rows' frames once ({@code replay/v3}); false writes {@code
     *     replay/v2} files with whole images (ignored for segments, which always do)
     */
    ReplayRowWriteSupport(boolean segments, boolean framesOnce) {
        this(segments, framesOnce, FrameCodec.LATEST);
    }

    /**
     * @param codec the version of frames stored once to write: {@link FrameCodec#LATEST}, or an
     *     older one for tests that such files still read
     */
    ReplayRowWriteSupport(boolean segments, boolean framesOnce, FrameCodec codec) {
        this.segments = segments;
        this.framesOnce = framesOnce && !segments;
        this.codec = codec;
    }

    private WriteContext context() {
        if (segments) {
            return new WriteContext(
                    ReplayColumns.SEGMENT_SCHEMA, Map.of("replayflow.row", "segment/v2"));
        }
        return framesOnce
                ? new WriteContext(
                        ReplayColumns.SCHEMA,
                        Map.of(
                                "replayflow.row",
                                "replay/v3",
                                ReplayColumns.FRAMES_KEY,
                                codec.footerValue(),
                                ReplayColumns.FRAMES_WINDOW_KEY,
                                Integer.toString(FrameEncoder.DEFAULT_WINDOW)))
                : new WriteContext(ReplayColumns.SCHEMA_V2, Map.of("replayflow.row", "replay/v2"));
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        Map<String, String> layouts = new HashMap<>();
        encoders.forEach(
                (env, encoder) -> {
                    layouts.put(
                            ReplayColumns.FRAMES_LAYOUT_KEY_PREFIX + env,
                            FrameColumns.formatLayout(encoder.layout()));
                });
        return new FinalizedWriteContext(layouts);
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
        if (framesOnce) {
            i += 3; // the image groups stay null
            if (row.obsImage != null) {
                frames(i, row);
            }
            i += 4;
        } else {
            image(ReplayColumns.OBS_IMAGE, i++, row.obsImage);
            image(ReplayColumns.NEXT_OBS_IMAGE, i++, row.nextObsImage);
            image(ReplayColumns.BOOTSTRAP_OBS_IMAGE, i++, row.bootstrapObsImage);
        }
        if (segments) {
            string(ReplayColumns.SEGMENT_ID, i++, row.segmentId);
            int32(ReplayColumns.SEGMENT_STEP, i++, row.segmentStep);
            int32(ReplayColumns.SEGMENT_LENGTH, i, row.segmentLength);
        }
        out.endMessage();
    }

    /** The frame columns of an image row, from column {@code index} on. */
    private void frames(int index, ReplayRow row) {
        FrameEncoder encoder =
                encoders.computeIfAbsent(
                        row.envId,
                        env ->
                                new FrameEncoder(
                                        layout(env, row.obsImage.length),
                                        FrameEncoder.DEFAULT_WINDOW,
                                        codec));
        EncodedFrames e =
                encoder.encode(
                        row.episodeId,
                        row.action,
                        row.obsImage,
                        row.nextObsImage,
                        row.bootstrapObsImage);
        if (e.newFrames().length > 0) {
            out.startField(ReplayColumns.FRAMES, index);
            out.addBinary(Binary.fromConstantByteArray(e.newFrames()));
            out.endField(ReplayColumns.FRAMES, index);
        }
        ints(ReplayColumns.OBS_FRAMES, index + 1, e.obsRefs());
        ints(ReplayColumns.NEXT_OBS_FRAMES, index + 2, e.nextObsRefs());
        if (e.bootstrapRefs() != null) {
            ints(ReplayColumns.BOOTSTRAP_OBS_FRAMES, index + 3, e.bootstrapRefs());
        }
    }

    /**
     * {@code env}'s frame layout from the built-in env table when it knows the env's image shape (a
     * stacked id splits into its frames), else the whole observation as one frame.
     */
    static FrameLayout layout(String env, int observationBytes) {
        Optional<EnvSpec> spec = EnvSpecs.builtIn(env);
        if (spec.isPresent() && spec.get().observationType() == ObservationType.UINT8) {
            FrameLayout layout = FrameLayout.of(spec.get());
            if (layout.observationBytes() == observationBytes) {
                return layout;
            }
        }
        return new FrameLayout(observationBytes, 1, 1);
    }

    /** A three-level LIST of ints (present; empty when {@code values} is). */
    private void ints(String name, int index, int[] values) {
        out.startField(name, index);
        out.startGroup();
        if (values.length > 0) {
            out.startField("list", 0);
            for (int v : values) {
                out.startGroup();
                out.startField("element", 0);
                out.addInteger(v);
                out.endField("element", 0);
                out.endGroup();
            }
            out.endField("list", 0);
        }
        out.endGroup();
        out.endField(name, index);
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
