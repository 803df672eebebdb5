/** The standalone Flink cluster of a local cluster: settings, processes, REST job submission. */
package io.replayflow.cluster.flink;
