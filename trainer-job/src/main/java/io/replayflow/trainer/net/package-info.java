/**
 * Q-network architectures as TensorFlow Java graphs: an MLP and the Nature-DQN conv net ({@link
 * io.replayflow.trainer.net.QNetworkSpec}), built once and applied to several inputs ({@link
 * io.replayflow.trainer.net.QNetwork}), with seeded initial weights ({@link
 * io.replayflow.trainer.net.WeightInit}).
 */
package io.replayflow.trainer.net;
