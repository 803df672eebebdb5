/**
 * The one table of environments: what a logger, a validator and a learner must know about an
 * environment (id, observation shape and type, actions, time limit) before they see its data. The
 * actors' environments, ingest's validation and the trainer all read {@link
 * io.replayflow.schemas.env.EnvSpecs}.
 */
package io.replayflow.schemas.env;
