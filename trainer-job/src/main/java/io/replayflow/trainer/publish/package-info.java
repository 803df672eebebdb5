/**
 * Kafka output: {@code PolicyVersion}s to {@code rf.policies} and {@code PriorityUpdate}s to {@code
 * rf.priorities}, Avro single-object encoded.
 */
package io.replayflow.trainer.publish;
