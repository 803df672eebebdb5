/**
 * Publishing transitions: Avro single-object encoding ({@link
 * io.replayflow.actor.publish.TransitionEncoder}) and an idempotent, back-pressured Kafka producer
 * keyed by episode ({@link io.replayflow.actor.publish.TransitionPublisher}, {@link
 * io.replayflow.actor.publish.PublisherSettings}).
 */
package io.replayflow.actor.publish;
