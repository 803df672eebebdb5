/** Choosing actions: exact behaviour probabilities over an allowed set, micro-batched inference. */
package io.replayflow.actor.serve.decide;
