/**
 * Real local clusters as separate processes: {@link io.replayflow.cluster.LocalCluster} (3 KRaft
 * brokers and a standalone Flink cluster on loopback), and the fault drills in {@code drill}.
 */
package io.replayflow.cluster;
