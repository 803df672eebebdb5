/** What ingest knows about environments: observation shapes and action counts. */
package io.replayflow.ingest.env;
