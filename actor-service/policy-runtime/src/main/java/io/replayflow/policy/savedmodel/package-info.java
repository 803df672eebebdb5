/**
 * Policies served from a TensorFlow SavedModel: the one place that loads a SavedModel for inference
 * ({@link io.replayflow.policy.savedmodel.SavedModelPolicy}) and checks its {@code serving_default}
 * signature.
 */
package io.replayflow.policy.savedmodel;
