/**
 * Metric names ({@link io.replayflow.trainer.metrics.TrainerMetrics}), their Prometheus side
 * through the Prometheus client ({@link io.replayflow.trainer.metrics.TrainerPrometheus}), and
 * TensorBoard event files through TensorFlow's summary ops. Progress is data ({@link
 * io.replayflow.trainer.TrainProgress}); the CLI formats it.
 */
package io.replayflow.trainer.metrics;
