package io.replayflow.actor;

/**
 * Hears when an actor starts acting with another policy version: called on the actor's thread right
 * after its first batch of actions chosen by {@code version}, before they are stepped. Benchmarks
 * time hot-swaps with it. Must be quick and thread-safe.
 */
@FunctionalInterface
public interface ActingListener {

    /**
     * @param actorIndex which actor of the process
     * @param nanoTime {@link System#nanoTime()} when the batch was chosen
     */
    void onActing(int actorIndex, long version, long nanoTime);

    /**
     * Inference with {@code version}, assigned as a canary (or kept by episodes after a rollback),
     * threw: the actor stops giving it episodes and finishes its episodes on the champion. Not
     * called for the champion itself, whose failure stops the actor.
     */
    default void onActFailed(int actorIndex, long version, RuntimeException failure) {}

    ActingListener NONE = (actorIndex, version, nanoTime) -> {};
}
