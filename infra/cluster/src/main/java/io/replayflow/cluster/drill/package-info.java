/**
 * Fault drills against a {@link io.replayflow.cluster.LocalCluster}: each sends a known set of
 * transitions, injects a fault (a killed TaskManager, broker or trainer, a bad artifact), and
 * checks with an independent reader what arrived. See docs/RELIABILITY.md.
 */
package io.replayflow.cluster.drill;
