/**
 * Policy artifacts: SavedModel export with signature {@code serving_default} and {@code
 * replayflow-policy.json} ({@link io.replayflow.trainer.export.PolicyExporter}), written atomically
 * under never-reused version numbers ({@link io.replayflow.trainer.export.PolicyVersions}).
 */
package io.replayflow.trainer.export;
