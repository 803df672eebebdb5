/**
 * Metric names ({@link io.replayflow.trainer.metrics.TrainerMetrics}), their Prometheus side
 * through the Prometheus client ({@link io.replayflow.trainer.metrics.TrainerPrometheus}),
 * TensorBoard event files (TFRecord framing with masked CRC-32C), and the progress line.
 */
package io.replayflow.trainer.metrics;
