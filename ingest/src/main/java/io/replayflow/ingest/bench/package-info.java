/** The end-to-end ingest benchmark ({@code replayflow bench ingest}) and its synthetic data. */
package io.replayflow.ingest.bench;
