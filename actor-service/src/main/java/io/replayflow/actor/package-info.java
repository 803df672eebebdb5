/**
 * The actor service: K actors of N vectorized environments each, acting with the current policy
 * (batched TensorFlow inference, ε-greedy exploration), publishing every transition to Kafka and
 * hot-swapping newer policy versions between two vector steps.
 *
 * <ul>
 *   <li>{@link io.replayflow.actor.ActorRunner}: the facade behind {@code replayflow actors};
 *   <li>{@link io.replayflow.actor.ActorConfig} and {@link io.replayflow.actor.ActorOptions}: the
 *       validated settings and their documented keys ({@code actor.envs}, ...);
 *   <li>{@link io.replayflow.actor.Actor}: one actor's loop.
 * </ul>
 *
 * Subpackages: {@code env} (environments), {@code policy} (policies and exploration), {@code swap}
 * (following {@code rf.policies}, verification, the atomic holder), {@code publish} (Kafka), {@code
 * metrics} (names and the Prometheus endpoint), {@code eval} (greedy evaluation), {@code bench}
 * (the actors benchmark).
 */
package io.replayflow.actor;
