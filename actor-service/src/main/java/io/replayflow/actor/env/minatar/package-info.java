/**
 * The MinAtar games (Young &amp; Tian, 2019) under {@code MinAtar/<Game>-v1}: {@link
 * io.replayflow.actor.env.minatar.MinAtar} makes them, {@link
 * io.replayflow.actor.env.minatar.MinAtarEnv} is MinAtar's {@code Environment} wrapper (sticky
 * actions, minimal action sets, JSON state for Breakout and Space Invaders), and one
 * package-private class per game holds its rules as in MinAtar's {@code minatar/environments/*.py}.
 */
package io.replayflow.actor.env.minatar;
