package io.replayflow.replay.read.internal;

import io.replayflow.log.layout.DataFile;
import io.replayflow.replay.row.ReplayColumns;
import io.replayflow.schemas.frames.FrameCodec;
import io.replayflow.schemas.frames.FrameColumns;
import io.replayflow.schemas.frames.FrameDecoder;
import io.replayflow.schemas.frames.FrameLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The frame decoders of one file whose image rows store each frame once ({@code replay/v3}, or an
 * experience-log file with frames once; both use {@link FrameColumns}): the footer's window and
 * per-env layouts, and one {@link FrameDecoder} per env as its rows are read. Not thread-safe; one
 * per file load.
 */
final class FrameFile {

    private final DataFile file;
    private final Map<String, String> footer;
    private final int window;
    private final FrameCodec codec;
    private final Map<String, FrameDecoder> decoders = new HashMap<>();
    private final Map<String, FrameLayout> layouts = new HashMap<>();

    private FrameFile(DataFile file, Map<String, String> footer, int window, FrameCodec codec) {
        this.codec = codec;
        this.file = file;
        this.footer = footer;
        this.window = window;
    }

    /**
     * The frame state of {@code file}, or null when its footer does not mark frames stored once
     * (whole images or vectors).
     *
     * @throws IllegalStateException for a frame encoding this reader does not know
     */
    static FrameFile of(DataFile file, Map<String, String> footer) {
        String encoding = footer.get(ReplayColumns.FRAMES_KEY);
        if (encoding == null) {
            return null;
        }
        FrameCodec codec = FrameCodec.ofFooter(encoding, "file " + file.path());
        return new FrameFile(
                file, footer, Integer.parseInt(footer.get(ReplayColumns.FRAMES_WINDOW_KEY)), codec);
    }

    /** The layout of {@code env}'s images in this file. */
    FrameLayout layout(String env) {
        FrameLayout layout = layouts.get(env);
        if (layout == null) {
            String value = footer.get(ReplayColumns.FRAMES_LAYOUT_KEY_PREFIX + env);
            if (value == null) {
                throw new IllegalStateException(
                        "file "
                                + file.path()
                                + " has image rows of "
                                + env
                                + " but no frame layout for it in its footer ("
                                + ReplayColumns.FRAMES_LAYOUT_KEY_PREFIX
                                + env
                                + "): was it written completely by ReplayFlow's ingest or"
                                + " replay-store?");
            }
            layout = FrameColumns.parseLayout(value);
            layouts.put(env, layout);
        }
        return layout;
    }

    /** The decoder of {@code env}'s rows, fed every one of its rows in file order. */
    FrameDecoder decoder(String env) {
        return decoders.computeIfAbsent(env, e -> new FrameDecoder(layout(e), window, codec));
    }
}
