/**
 * The actor metrics ({@link io.replayflow.actor.metrics.ActorMetrics}: {@code actor/steps}, {@code
 * actor/swap_failures}, ...) and their Prometheus endpoint ({@link
 * io.replayflow.actor.metrics.MetricsServer}, the Prometheus client's exporter).
 */
package io.replayflow.actor.metrics;
