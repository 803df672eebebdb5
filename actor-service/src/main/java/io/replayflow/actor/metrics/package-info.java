/**
 * The actor metrics ({@link io.replayflow.actor.metrics.ActorMetrics}: {@code actor/steps}, {@code
 * actor/swap_failures}, ...) and a dependency-free Prometheus endpoint ({@link
 * io.replayflow.actor.metrics.MetricsServer}, {@link io.replayflow.actor.metrics.PrometheusText}).
 */
package io.replayflow.actor.metrics;
