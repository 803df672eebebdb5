/**
 * The embedded all-in-one stack that integration tests and {@code ./replayflow stack} run on: a
 * real Kafka broker with ReplayFlow's topics and a Flink MiniCluster, in one JVM. Start with {@link
 * io.replayflow.infra.stack.LocalStack#builder()}.
 */
package io.replayflow.infra.stack;
