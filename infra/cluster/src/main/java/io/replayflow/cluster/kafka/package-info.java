/** The Kafka brokers of a local cluster: their settings, processes and topics. */
package io.replayflow.cluster.kafka;
