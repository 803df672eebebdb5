package io.replayflow.schemas.frames;

import java.util.ArrayList;
import java.util.List;

/**
 * The Parquet columns and footer keys with which a file stores its image rows' frames once: replay
 * datasets ({@code replay/v3}) and experience-log files share them, so one loader reads the frames
 * of both.
 *
 * <pre>
 *   frames                      optional BINARY: the frames first stored in this row, concatenated
 *   obs_frames, next_obs_frames, bootstrap_obs_frames (replay rows only)
 *                               optional LIST&lt;INT32&gt;: frame references ({@link EncodedFrames}),
 *                               null for rows that carry no frames (vector rows)
 * </pre>
 *
 * Footer: {@value #KEY} = the codec version ({@link FrameCodec}: {@value #ONCE_V2} since
 * 2026-12-06, {@value #ONCE_V1} before), {@value #WINDOW_KEY} = the encoder's window, and per env
 * id {@value #LAYOUT_KEY_PREFIX}{@code <env id>} = {@code pixels,channels,frames} ({@link
 * #formatLayout}); log files also hold {@value #SHAPE_KEY_PREFIX}{@code <env id>} = the images'
 * shape, e.g. {@code 10,10,16}, which the Transition contract carries per row.
 */
public final class FrameColumns {

    public static final String FRAMES = "frames";
    public static final String OBS_FRAMES = "obs_frames";
    public static final String NEXT_OBS_FRAMES = "next_obs_frames";
    public static final String BOOTSTRAP_OBS_FRAMES = "bootstrap_obs_frames";

    /** Footer key marking how a file's image rows are stored. */
    public static final String KEY = "replayflow.frames";

    /** {@link #KEY}'s value for frames stored once, version 1 ({@link FrameCodec#ONCE_V1}). */
    public static final String ONCE_V1 = "once/v1";

    /** {@link #KEY}'s value for frames stored once, version 2 ({@link FrameCodec#ONCE_V2}). */
    public static final String ONCE_V2 = "once/v2";

    /** Footer key of the frame window ({@link FrameEncoder#window}). */
    public static final String WINDOW_KEY = "replayflow.frames.window";

    /** Footer key prefix of an env's frame layout: {@code pixels,channels,frames}. */
    public static final String LAYOUT_KEY_PREFIX = "replayflow.frames.layout.";

    /** Footer key prefix of an env's image shape in a log file: {@code H,W,C}. */
    public static final String SHAPE_KEY_PREFIX = "replayflow.frames.shape.";

    private FrameColumns() {}

    /** {@code layout} as its footer value {@code pixels,channels,frames}. */
    public static String formatLayout(FrameLayout layout) {
        return layout.pixels() + "," + layout.channels() + "," + layout.frames();
    }

    /**
     * The layout a footer value {@link #formatLayout} wrote.
     *
     * @throws IllegalArgumentException when {@code value} is not three positive integers
     */
    public static FrameLayout parseLayout(String value) {
        List<Integer> parts = parseInts(value);
        if (parts.size() != 3) {
            throw new IllegalArgumentException(
                    "a frame layout footer value '"
                            + value
                            + "' is not pixels,channels,frames: rewrite the file");
        }
        return new FrameLayout(parts.get(0), parts.get(1), parts.get(2));
    }

    /** A shape as its footer value, e.g. {@code 10,10,4}. */
    public static String formatShape(List<Integer> shape) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < shape.size(); i++) {
            text.append(i == 0 ? "" : ",").append(shape.get(i));
        }
        return text.toString();
    }

    /**
     * The shape a footer value {@link #formatShape} wrote (unmodifiable).
     *
     * @throws IllegalArgumentException when {@code value} is not a list of integers
     */
    public static List<Integer> parseShape(String value) {
        return List.copyOf(parseInts(value));
    }

    private static List<Integer> parseInts(String value) {
        List<Integer> ints = new ArrayList<>();
        try {
            for (String part : value.split(",")) {
                ints.add(Integer.parseInt(part.trim()));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "a frame footer value '" + value + "' is not a list of integers", e);
        }
        return ints;
    }
}
