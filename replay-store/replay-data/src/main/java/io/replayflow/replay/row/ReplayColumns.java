package io.replayflow.replay.row;

import static org.apache.parquet.schema.LogicalTypeAnnotation.listType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import io.replayflow.schemas.frames.FrameColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Column names and the Parquet schema of replay dataset files. The transition columns carry the
 * Avro contract's field names, so the experience log (ingest, parquet-avro from {@code Transition})
 * and a replay dataset read the same way; the enrichment columns follow them.
 *
 * <pre>
 *   env_id, actor_id, episode_id   STRING
 *   step, event_time_ms, policy_version   INT64
 *   obs, next_obs, bootstrap_obs    LIST&lt;FLOAT&gt; (three-level list, queryable as float[])
 *   action, n_step_count            INT32
 *   reward, behavior_prob, n_step_return, bootstrap_discount   FLOAT
 *   return_to_go                    FLOAT, null when the episode's end was not seen
 *   terminated, truncated, bootstrap_cut, episode_complete   BOOLEAN
 *   priority                        DOUBLE (initial priority; updates live in _priorities/)
 *   obs_image, next_obs_image, bootstrap_obs_image
 *                                   optional group { required BINARY data }: uint8 image rows only
 *                                   (the Avro contract's UInt8Tensor without its shape, which is the
 *                                   env's), null for vector rows, whose obs lists are then empty
 * </pre>
 *
 * Files written before image rows existed lack the three image columns; the reader treats them as
 * vector files.
 *
 * <p>Since {@code replay/v3} the image rows of a replay dataset store each distinct frame of the
 * file once ({@link io.replayflow.schemas.frames.FrameEncoder}); the image groups above are then
 * null and the rows carry instead:
 *
 * <pre>
 *   frames                          optional BINARY: the frames first stored in this row, concatenated
 *   obs_frames, next_obs_frames, bootstrap_obs_frames
 *                                   optional LIST&lt;INT32&gt;: frame references (distances back in the
 *                                   file's frame sequence), null for vector rows
 * </pre>
 *
 * and the footer holds {@value #FRAMES_KEY} = {@value #FRAMES_ONCE_V2} ({@value #FRAMES_ONCE_V1} in
 * files written before 2026-12-06 12:00, still read; {@link
 * io.replayflow.schemas.frames.FrameCodec}), {@value #FRAMES_WINDOW_KEY} and, per env id, {@value
 * #FRAMES_LAYOUT_KEY_PREFIX}{@code <env id>} = {@code pixels,channels,frames}. Observations rebuild
 * only by reading the file from its start ({@link io.replayflow.schemas.frames.FrameDecoder}).
 * Segment datasets keep whole images ({@code segment/v2}).
 */
public final class ReplayColumns {

    public static final String ENV_ID = "env_id";
    public static final String ACTOR_ID = "actor_id";
    public static final String EPISODE_ID = "episode_id";
    public static final String STEP = "step";
    public static final String EVENT_TIME_MS = "event_time_ms";
    public static final String OBS = "obs";
    public static final String ACTION = "action";
    public static final String REWARD = "reward";
    public static final String NEXT_OBS = "next_obs";
    public static final String TERMINATED = "terminated";
    public static final String TRUNCATED = "truncated";
    public static final String BEHAVIOR_PROB = "behavior_prob";
    public static final String POLICY_VERSION = "policy_version";

    public static final String N_STEP_RETURN = "n_step_return";
    public static final String N_STEP_COUNT = "n_step_count";
    public static final String BOOTSTRAP_OBS = "bootstrap_obs";
    public static final String BOOTSTRAP_DISCOUNT = "bootstrap_discount";
    public static final String BOOTSTRAP_CUT = "bootstrap_cut";
    public static final String RETURN_TO_GO = "return_to_go";
    public static final String EPISODE_COMPLETE = "episode_complete";
    public static final String PRIORITY = "priority";

    public static final String OBS_IMAGE = "obs_image";
    public static final String NEXT_OBS_IMAGE = "next_obs_image";
    public static final String BOOTSTRAP_OBS_IMAGE = "bootstrap_obs_image";

    // Frames stored once: the columns and footer keys replay/v3 shares with the experience log.
    public static final String FRAMES = FrameColumns.FRAMES;
    public static final String OBS_FRAMES = FrameColumns.OBS_FRAMES;
    public static final String NEXT_OBS_FRAMES = FrameColumns.NEXT_OBS_FRAMES;
    public static final String BOOTSTRAP_OBS_FRAMES = FrameColumns.BOOTSTRAP_OBS_FRAMES;

    /** Footer key marking how a file's image rows are stored. */
    public static final String FRAMES_KEY = FrameColumns.KEY;

    /** {@link #FRAMES_KEY}'s value for frames stored once, version 1. */
    public static final String FRAMES_ONCE_V1 = FrameColumns.ONCE_V1;

    /** {@link #FRAMES_KEY}'s value for frames stored once, version 2 (written since 2026-12-06). */
    public static final String FRAMES_ONCE_V2 = FrameColumns.ONCE_V2;

    /**
     * Footer key of the frame window ({@link io.replayflow.schemas.frames.FrameEncoder#window}).
     */
    public static final String FRAMES_WINDOW_KEY = FrameColumns.WINDOW_KEY;

    /** Footer key prefix of an env's frame layout: {@code pixels,channels,frames}. */
    public static final String FRAMES_LAYOUT_KEY_PREFIX = FrameColumns.LAYOUT_KEY_PREFIX;

    /** The bytes field inside an image group (the Avro {@code UInt8Tensor}'s {@code data}). */
    public static final String IMAGE_DATA = "data";

    public static final String SEGMENT_ID = "segment_id";
    public static final String SEGMENT_STEP = "segment_step";
    public static final String SEGMENT_LENGTH = "segment_length";

    /**
     * The columns of replay/v2 files (whole images), in write order; every replay-row file has
     * them.
     */
    public static final MessageType SCHEMA_V2 =
            Types.buildMessage()
                    .addField(string(ENV_ID))
                    .addField(string(ACTOR_ID))
                    .addField(string(EPISODE_ID))
                    .required(INT64)
                    .named(STEP)
                    .required(INT64)
                    .named(EVENT_TIME_MS)
                    .addField(floatList(OBS))
                    .required(INT32)
                    .named(ACTION)
                    .required(FLOAT)
                    .named(REWARD)
                    .addField(floatList(NEXT_OBS))
                    .required(BOOLEAN)
                    .named(TERMINATED)
                    .required(BOOLEAN)
                    .named(TRUNCATED)
                    .required(FLOAT)
                    .named(BEHAVIOR_PROB)
                    .required(INT64)
                    .named(POLICY_VERSION)
                    .required(FLOAT)
                    .named(N_STEP_RETURN)
                    .required(INT32)
                    .named(N_STEP_COUNT)
                    .addField(floatList(BOOTSTRAP_OBS))
                    .required(FLOAT)
                    .named(BOOTSTRAP_DISCOUNT)
                    .required(BOOLEAN)
                    .named(BOOTSTRAP_CUT)
                    .optional(FLOAT)
                    .named(RETURN_TO_GO)
                    .required(BOOLEAN)
                    .named(EPISODE_COMPLETE)
                    .required(DOUBLE)
                    .named(PRIORITY)
                    .addField(image(OBS_IMAGE))
                    .addField(image(NEXT_OBS_IMAGE))
                    .addField(image(BOOTSTRAP_OBS_IMAGE))
                    .named("replay_row");

    /** The replay row schema (v3: {@link #SCHEMA_V2}, then the frame columns), in write order. */
    public static final MessageType SCHEMA = withFrames();

    /**
     * A segment dataset's schema ({@code replay.dataset.kind=segments}): {@link #SCHEMA_V2}'s
     * columns, then {@code segment_id} STRING, {@code segment_step} INT32 and {@code
     * segment_length} INT32.
     */
    public static final MessageType SEGMENT_SCHEMA = segmentSchema();

    private ReplayColumns() {}

    private static MessageType withFrames() {
        List<Type> fields = new ArrayList<>(SCHEMA_V2.getFields());
        fields.add(Types.optional(BINARY).named(FRAMES));
        fields.add(intList(OBS_FRAMES));
        fields.add(intList(NEXT_OBS_FRAMES));
        fields.add(intList(BOOTSTRAP_OBS_FRAMES));
        return new MessageType("replay_row", fields);
    }

    private static GroupType intList(String name) {
        return Types.optionalGroup()
                .as(listType())
                .addField(Types.repeatedGroup().required(INT32).named("element").named("list"))
                .named(name);
    }

    private static MessageType segmentSchema() {
        List<Type> fields = new ArrayList<>(SCHEMA_V2.getFields());
        fields.add(string(SEGMENT_ID));
        fields.add(Types.required(INT32).named(SEGMENT_STEP));
        fields.add(Types.required(INT32).named(SEGMENT_LENGTH));
        return new MessageType("segment_row", fields);
    }

    private static Type string(String name) {
        return Types.required(BINARY).as(stringType()).named(name);
    }

    private static GroupType image(String name) {
        return Types.optionalGroup().required(BINARY).named(IMAGE_DATA).named(name);
    }

    private static GroupType floatList(String name) {
        return Types.requiredGroup()
                .as(listType())
                .addField(Types.repeatedGroup().required(FLOAT).named("element").named("list"))
                .named(name);
    }
}
