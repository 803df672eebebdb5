/** Plumbing of the local cluster: JVM launching, pid files, class paths. Not an API. */
package io.replayflow.cluster.internal;
