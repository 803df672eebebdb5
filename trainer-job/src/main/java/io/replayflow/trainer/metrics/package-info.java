/**
 * Metric names ({@link io.replayflow.trainer.metrics.TrainerMetrics}), TensorBoard event files
 * (TFRecord framing with masked CRC-32C), the Prometheus text exposition and endpoint, and the
 * progress line.
 */
package io.replayflow.trainer.metrics;
