package io.replayflow.replay.parquet;

import io.replayflow.replay.row.ReplayColumns;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * What the column readers ({@link LogRowReader} for the log, the trainer's block loader for the log
 * and replay datasets) expect of a file's schema: the Transition columns every such file has, and
 * the checks that project a file to them with an error naming the file and the column when it is
 * something else. One home, so that both readers refuse the same files with the same words.
 */
public final class RowSchema {

    /** The Transition contract's scalar and vector columns, in both the log and replay rows. */
    public static final List<String> TRANSITION_COLUMNS =
            List.of(
                    ReplayColumns.ENV_ID,
                    ReplayColumns.ACTOR_ID,
                    ReplayColumns.EPISODE_ID,
                    ReplayColumns.STEP,
                    ReplayColumns.EVENT_TIME_MS,
                    ReplayColumns.OBS,
                    ReplayColumns.ACTION,
                    ReplayColumns.REWARD,
                    ReplayColumns.NEXT_OBS,
                    ReplayColumns.TERMINATED,
                    ReplayColumns.TRUNCATED,
                    ReplayColumns.BEHAVIOR_PROB,
                    ReplayColumns.POLICY_VERSION);

    private RowSchema() {}

    /**
     * Column {@code name} of {@code schema}.
     *
     * @throws IllegalStateException naming {@code file} and its columns when it has none
     */
    public static Type field(String file, MessageType schema, String name) {
        if (!schema.containsField(name)) {
            throw new IllegalStateException(
                    "file "
                            + file
                            + " has no column '"
                            + name
                            + "': it is not a Transition (experience log) or replay-row file."
                            + " Its columns: "
                            + schema.getFields().stream().map(Type::getName).toList());
        }
        return schema.getType(name);
    }

    /** An image group projected to its {@code data} bytes (a log file's also holds the shape). */
    public static Type imageData(String file, MessageType schema, String name) {
        Type image = field(file, schema, name);
        if (image.isPrimitive() || !image.asGroupType().containsField(ReplayColumns.IMAGE_DATA)) {
            throw new IllegalStateException(
                    "file "
                            + file
                            + ": column "
                            + name
                            + " is not an image group with a '"
                            + ReplayColumns.IMAGE_DATA
                            + "' field (the Transition contract's UInt8Tensor)");
        }
        GroupType group = image.asGroupType();
        return new GroupType(group.getRepetition(), name, group.getType(ReplayColumns.IMAGE_DATA));
    }

    /**
     * Checks a projected leaf column's physical type and repetition against the contract.
     *
     * @throws IllegalStateException naming the file, the column, what it is and what was expected
     */
    public static void checkType(String file, ColumnDescriptor column) {
        String name = column.getPath()[0];
        PrimitiveTypeName expected =
                switch (name) {
                    case ReplayColumns.ENV_ID,
                            ReplayColumns.ACTOR_ID,
                            ReplayColumns.EPISODE_ID,
                            ReplayColumns.OBS_IMAGE,
                            ReplayColumns.NEXT_OBS_IMAGE,
                            ReplayColumns.BOOTSTRAP_OBS_IMAGE,
                            ReplayColumns.FRAMES ->
                            PrimitiveTypeName.BINARY;
                    case ReplayColumns.STEP,
                            ReplayColumns.EVENT_TIME_MS,
                            ReplayColumns.POLICY_VERSION ->
                            PrimitiveTypeName.INT64;
                    case ReplayColumns.ACTION,
                            ReplayColumns.N_STEP_COUNT,
                            ReplayColumns.OBS_FRAMES,
                            ReplayColumns.NEXT_OBS_FRAMES,
                            ReplayColumns.BOOTSTRAP_OBS_FRAMES ->
                            PrimitiveTypeName.INT32;
                    case ReplayColumns.TERMINATED,
                            ReplayColumns.TRUNCATED,
                            ReplayColumns.BOOTSTRAP_CUT,
                            ReplayColumns.EPISODE_COMPLETE ->
                            PrimitiveTypeName.BOOLEAN;
                    case ReplayColumns.PRIORITY -> PrimitiveTypeName.DOUBLE;
                    default -> PrimitiveTypeName.FLOAT;
                };
        PrimitiveTypeName actual = column.getPrimitiveType().getPrimitiveTypeName();
        if (actual != expected) {
            throw new IllegalStateException(
                    "file "
                            + file
                            + ": column "
                            + String.join(".", column.getPath())
                            + " is "
                            + actual
                            + ", expected "
                            + expected
                            + " (the Transition contract's type)");
        }
        boolean list =
                name.equals(ReplayColumns.OBS)
                        || name.equals(ReplayColumns.NEXT_OBS)
                        || name.equals(ReplayColumns.BOOTSTRAP_OBS)
                        || name.equals(ReplayColumns.OBS_FRAMES)
                        || name.equals(ReplayColumns.NEXT_OBS_FRAMES)
                        || name.equals(ReplayColumns.BOOTSTRAP_OBS_FRAMES);
        if (!list && column.getMaxRepetitionLevel() != 0) {
            throw new IllegalStateException(
                    "file " + file + ": column " + name + " is repeated; expected a scalar");
        }
    }
}
