/**
 * The training graph ({@link io.replayflow.trainer.graph.TrainingGraph}): inputs, online and target
 * networks, loss, gradients of the online variables only, global-norm clipping, Adam with raw ops,
 * target updates; plus session settings and device-placement reporting.
 */
package io.replayflow.trainer.graph;
