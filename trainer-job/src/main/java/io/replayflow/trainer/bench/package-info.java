/** {@link io.replayflow.trainer.bench.TrainerBenchmark}: gradient updates per second. */
package io.replayflow.trainer.bench;
