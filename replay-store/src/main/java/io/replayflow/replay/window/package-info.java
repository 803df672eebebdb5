/**
 * The windowed dataset: event-time partitioning of the sink and the expiry that deletes partitions
 * once they leave the window (by duration or by transition count).
 */
package io.replayflow.replay.window;
