/**
 * The experience log's Parquet format and Parquet's bridge to Flink's FileSystem: the {@code
 * Transition} file schema and writers ({@link io.replayflow.log.parquet.TransitionParquet}), its
 * codecs ({@link io.replayflow.log.parquet.LogCompression}), {@link
 * io.replayflow.log.parquet.FlinkInputFile} to read any Flink URI, and the two output adapters,
 * {@link io.replayflow.log.parquet.FlinkOutputFile} (owns and closes its stream) and {@link
 * io.replayflow.log.parquet.StreamOutputFile} (borrows a stream a file sink commits later).
 */
package io.replayflow.log.parquet;
