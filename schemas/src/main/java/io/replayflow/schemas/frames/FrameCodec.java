package io.replayflow.schemas.frames;

/**
 * The versions of frames stored once, as a file's footer names them ({@link FrameColumns#KEY}).
 * Writers write {@link #LATEST}; readers read every version.
 */
public enum FrameCodec {
    /**
     * Version 1 (files written before 2026-12-06 12:00): new frames whole, every reference a
     * distance back; obs implied by the episode's previous row, a stacked next_obs by a shift.
     */
    ONCE_V1(FrameColumns.ONCE_V1),

    /**
     * Version 2: as version 1, plus references to frames the decoder predicts (next_obs from the
     * last next_obs that followed the same obs frame and action, ranked successors, ranked episode
     * starts) and new frames stored as their sparse difference from a base frame the decoder
     * already has ({@link FrameDelta}). See {@link FrameEncoder}.
     */
    ONCE_V2(FrameColumns.ONCE_V2);

    /** What writers write. */
    public static final FrameCodec LATEST = ONCE_V2;

    private final String footerValue;

    FrameCodec(String footerValue) {
        this.footerValue = footerValue;
    }

    /** The footer value ({@link FrameColumns#KEY}) naming this version. */
    public String footerValue() {
        return footerValue;
    }

    /**
     * The version a footer value names.
     *
     * @throws IllegalStateException when {@code value} names no version this reader knows
     */
    public static FrameCodec ofFooter(String value, String what) {
        for (FrameCodec codec : values()) {
            if (codec.footerValue.equals(value)) {
                return codec;
            }
        }
        throw new IllegalStateException(
                what
                        + " stores frames as '"
                        + value
                        + "' ("
                        + FrameColumns.KEY
                        + "), which this reader does not know (it reads "
                        + ONCE_V1.footerValue
                        + " and "
                        + ONCE_V2.footerValue
                        + "): read it with the ReplayFlow version that wrote it");
    }
}
