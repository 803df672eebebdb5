/**
 * ReplayFlow's contracts: the Avro records every module exchanges (generated into {@code
 * io.replayflow.schemas.avro}, and nowhere else), the single-object serde in {@code
 * io.replayflow.schemas.serde}, and the Kafka topic names.
 */
package io.replayflow.schemas;
