/**
 * Stochastic policies: drawing an action from {@code softmax(logits)} and stating {@code pi(a|s)}
 * of the action drawn, the behaviour probability actors log for importance correction (V-trace).
 */
package io.replayflow.policy.stochastic;
