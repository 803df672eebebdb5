package io.replayflow.actor.metrics;

import io.replayflow.actor.DocsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ActorMetricsDocsTest {

    @Test
    void docsListEveryMetric() throws Exception {
        DocsFile.assertUpToDate("docs/metrics.md", ActorMetrics.markdown());
    }
}
