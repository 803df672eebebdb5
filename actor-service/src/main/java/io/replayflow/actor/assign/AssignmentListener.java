package io.replayflow.actor.assign;

import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.schemas.avro.PolicyAssignment;

/**
 * Hears what an {@link AssignmentFollower} did with each assignment. Called on the follower's
 * thread; implementations must be quick and thread-safe.
 */
public interface AssignmentListener {

    /** New episodes now follow {@code assignment}; loading its versions took {@code loadNanos}. */
    default void onAssigned(PolicyAssignment assignment, long loadNanos) {}

    /**
     * {@code version} of {@code assignment} was refused; if it was the champion the previous
     * routing stays, if it was the canary the champion acts every episode.
     */
    default void onRefused(
            PolicyAssignment assignment, long version, PolicyRejectedException failure) {}

    AssignmentListener NONE = new AssignmentListener() {};
}
