/** The replay job's Flink sink pieces over the library's row format ({@code replay.row}). */
package io.replayflow.replay.job.sink;
