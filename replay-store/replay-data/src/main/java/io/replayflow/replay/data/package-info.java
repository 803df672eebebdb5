/**
 * The trainer's data API without Flink's runtime: replay dataset reader, samplers, limiter, row
 * format and n-step enrichment.
 */
package io.replayflow.replay.data;
