/**
 * Frames stored once: the pure-logic codec with which the Parquet writers of image rows store each
 * distinct frame of a file once ({@link io.replayflow.schemas.frames.FrameEncoder}), and with which
 * every reader rebuilds the observations and frame stacks byte for byte ({@link
 * io.replayflow.schemas.frames.FrameDecoder}). The layout of a stack is {@link
 * io.replayflow.schemas.env.FrameStacking}'s; {@link io.replayflow.schemas.frames.FrameLayout} cuts
 * an observation into its frames and puts them back.
 */
package io.replayflow.schemas.frames;
