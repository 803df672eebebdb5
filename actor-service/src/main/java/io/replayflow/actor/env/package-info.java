/**
 * Environments with Gymnasium semantics for ReplayFlow's actors.
 *
 * <ul>
 *   <li>{@link io.replayflow.actor.env.Environment}: what a user implements; writes observations
 *       into caller-owned arrays so the hot loop allocates nothing.
 *   <li>{@link io.replayflow.actor.env.CartPole}, {@link io.replayflow.actor.env.Acrobot}, {@link
 *       io.replayflow.actor.env.MountainCar}: the built-ins, matching Gymnasium's CartPole-v1,
 *       Acrobot-v1 and MountainCar-v0 equations, settable through {@link
 *       io.replayflow.actor.env.StatefulEnvironment}.
 *   <li>{@link io.replayflow.actor.env.minatar.MinAtar}: the five MinAtar games ({@code
 *       MinAtar/<Game>-v1}), 10×10×n binary images with sticky actions.
 *   <li>{@link io.replayflow.actor.env.TimeLimit}: truncation at max_episode_steps.
 *   <li>{@link io.replayflow.actor.env.VectorEnv}: N copies stepped together with auto-reset.
 *   <li>{@link io.replayflow.actor.env.EnvRegistry}: ids to factories; {@link
 *       io.replayflow.actor.env.EnvRollout}: the {@code env rollout} verb's logic.
 * </ul>
 */
package io.replayflow.actor.env;
