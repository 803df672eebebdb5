/**
 * Priorities in the replay-store job: validating trainer updates, routing them to their partition,
 * merging them last-writer-wins by trainer step, persisting them as compacted files beside the
 * dataset, and the initial priority of new rows.
 */
package io.replayflow.replay.priority;
