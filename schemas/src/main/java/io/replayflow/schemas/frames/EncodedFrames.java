package io.replayflow.schemas.frames;

/**
 * One row's observations as frames stored once (see {@link FrameEncoder} for the rules).
 *
 * @param newFrames the frames first stored in this row, concatenated; empty when none
 * @param obsRefs references of obs's frames; empty: obs is the next_obs of this episode's previous
 *     row in the file
 * @param nextObsRefs references of next_obs's frames; one reference for a stack of k &gt; 1:
 *     next_obs is obs shifted by one frame with this frame last
 * @param bootstrapRefs references of the bootstrap observation's frames; empty: it is next_obs;
 *     null when the row has none
 */
public record EncodedFrames(
        byte[] newFrames, int[] obsRefs, int[] nextObsRefs, int[] bootstrapRefs) {}
