/** Event-time windowed episode statistics per env and policy version, published as metrics. */
package io.replayflow.ingest.stats;
