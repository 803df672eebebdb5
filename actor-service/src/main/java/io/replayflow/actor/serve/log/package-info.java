/** Where the decision service writes its decisions and outcomes (Kafka in production). */
package io.replayflow.actor.serve.log;
