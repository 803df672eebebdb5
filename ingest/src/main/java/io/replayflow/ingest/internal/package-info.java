/** Plumbing of the ingest module; other modules never import it. */
package io.replayflow.ingest.internal;
