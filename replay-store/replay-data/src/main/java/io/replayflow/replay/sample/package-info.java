/**
 * Choosing replay rows for training: the sealed {@link io.replayflow.replay.sample.Sampler} family
 * (uniform, prioritized, FIFO) over dataset row ids, the {@link
 * io.replayflow.replay.sample.SumTree} behind prioritized sampling, and the reusable {@link
 * io.replayflow.replay.sample.SampleBatch} they fill. Pure Java; nothing here touches Flink, Kafka
 * or Parquet. Nothing here is thread-safe: a sampler is owned by the one thread that reads.
 */
package io.replayflow.replay.sample;
