/**
 * Avro single-object encoding for ReplayFlow records: the two marker bytes {@code C3 01}, the
 * 8-byte little-endian CRC-64-AVRO fingerprint of the writer's schema, then the binary body. A
 * reader resolves the writer's schema from the released history ({@link
 * io.replayflow.schemas.serde.SchemaHistory}) and reads it into the current generated class.
 */
package io.replayflow.schemas.serde;
