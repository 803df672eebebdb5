/** Greedy, seeded evaluation of policy artifacts: the logic of {@code replayflow evaluate}. */
package io.replayflow.actor.eval;
