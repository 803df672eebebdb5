/** The HTTP/JSON surface of the decision service: routes, request parsing and error bodies. */
package io.replayflow.actor.serve.http;
