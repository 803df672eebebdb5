/** Plumbing of the actor service; not for other modules. */
package io.replayflow.actor.internal;
