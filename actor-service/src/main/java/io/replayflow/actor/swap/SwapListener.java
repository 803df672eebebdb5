package io.replayflow.actor.swap;

import io.replayflow.policy.PolicyRejectedException;

/**
 * Hears what the {@link PolicyFollower} did with each announced version. Called on the follower's
 * thread; implementations must be quick and thread-safe.
 */
public interface SwapListener {

    /**
     * Every actor's holder now has {@code version}; it took {@code loadNanos} to verify and load.
     */
    default void onSwapped(long version, long loadNanos) {}

    /** {@code version} was refused; the actors keep acting with {@code keptVersion}. */
    default void onSwapFailed(long version, long keptVersion, PolicyRejectedException failure) {}

    /** {@code version} is not newer than {@code currentVersion} and was ignored. */
    default void onIgnored(long version, long currentVersion) {}

    /** A listener that does nothing. */
    SwapListener NONE = new SwapListener() {};
}
