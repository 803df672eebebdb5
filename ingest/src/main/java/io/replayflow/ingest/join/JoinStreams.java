package io.replayflow.ingest.join;

import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Transition;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What {@link JoinPipeline#build} returns, before any sink.
 *
 * @param transitions one transition per decision: {@code rf.transitions}
 * @param deadLetters every refused decision or outcome with its reason: {@code rf.transitions.dlq}
 */
public record JoinStreams(DataStream<Transition> transitions, DataStream<DeadLetter> deadLetters) {}
