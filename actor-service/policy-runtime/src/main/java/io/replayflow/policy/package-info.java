/**
 * The reader's side of a policy artifact: verify, load, run batched, hot-swap with reference
 * counting, close.
 */
package io.replayflow.policy;
