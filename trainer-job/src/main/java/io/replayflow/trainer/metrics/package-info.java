/**
 * Metric names ({@link io.replayflow.trainer.metrics.TrainerMetrics}), their Prometheus side
 * through the Prometheus client ({@link io.replayflow.trainer.metrics.TrainerPrometheus}),
 * TensorBoard event files through TensorFlow's summary ops, and the progress line.
 */
package io.replayflow.trainer.metrics;
