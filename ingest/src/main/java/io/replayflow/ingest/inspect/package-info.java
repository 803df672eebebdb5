/** {@code replayflow dataset inspect}: what a data root's experience log and dead letters hold. */
package io.replayflow.ingest.inspect;
