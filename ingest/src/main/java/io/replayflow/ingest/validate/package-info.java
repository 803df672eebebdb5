/**
 * Decoding and validation: every rule a transition must pass, the reason codes of refused records,
 * and the operators that route good records on and bad ones to the dead-letter topic.
 */
package io.replayflow.ingest.validate;
