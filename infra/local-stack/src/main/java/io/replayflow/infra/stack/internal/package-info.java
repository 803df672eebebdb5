/** Plumbing of the local stack (broker, MiniCluster, topic set-up); not for other modules. */
package io.replayflow.infra.stack.internal;
