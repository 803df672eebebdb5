package io.replayflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the serve benchmark reads its load generators' output. */
@Timeout(10)
class ServeBenchmarkTest {

    /** wrk 4.1.0's report with --latency, as it prints it. */
    private static final String WRK =
            """
            Running 10s test @ http://127.0.0.1:40000/v1/decisions
              1 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     5.68ms    3.20ms  33.03ms   71.14%
                Req/Sec    10.49k     1.02k   12.20k    70.00%
              Latency Distribution
                 50%    5.10ms
                 75%    7.25ms
                 90%    9.50ms
                 99%  850.00us
              104428 requests in 10.01s, 19.12MB read
              Socket errors: connect 0, read 2, write 0, timeout 1
              Non-2xx or 3xx responses: 5
            Requests/sec:  10428.31
            Transfer/sec:      1.91MB
            """;

    @Test
    void wrksRateFailuresAndPercentilesAreReadInMilliseconds() {
        ServeBenchmark.LoadResult r = ServeBenchmark.parseWrk(WRK);

        assertThat(r.requestsPerSecond()).isEqualTo(10428.31);
        assertThat(r.failed()).isEqualTo(8); // 5 non-2xx + 2 read + 1 timeout
        assertThat(r.ok()).isEqualTo(104428 - 8);
        assertThat(r.pMs().get("50")).isEqualTo(5.10);
        assertThat(r.pMs().get("90")).isEqualTo(9.50);
        assertThat(r.pMs().get("99")).isCloseTo(0.85, within(1e-9));
        assertThat(r.pMs().get("100")).isEqualTo(33.03);
    }

    @Test
    void h2loadsLogGivesNearestRankPercentilesAndTheRateOverItsSpan() {
        // start (µs since the epoch), status, duration (µs): 100 requests over 1 s, the i-th
        // taking i * 10 µs, the last one failing.
        List<String> log = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            long start = 1_000_000_000L + (i - 1) * 10_000L;
            int status = i == 100 ? 503 : 200;
            log.add(start + "\t" + status + "\t" + i * 10);
        }
        ServeBenchmark.LoadResult r = ServeBenchmark.parseH2loadLog(log);

        assertThat(r.ok()).isEqualTo(99);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.pMs().get("50")).isEqualTo(0.5); // 50th of 100: 500 µs
        assertThat(r.pMs().get("99")).isEqualTo(0.99);
        assertThat(r.pMs().get("100")).isEqualTo(1.0);
        // first start to last end: 99 * 10 ms + 1 ms = 0.991 s
        assertThat(r.requestsPerSecond()).isCloseTo(100 / 0.991, within(1e-6));
    }

    @Test
    void percentileIsTheNearestRank() {
        long[] sorted = {1, 2, 3, 4};
        assertThat(ServeBenchmark.percentile(sorted, 0.5)).isEqualTo(2);
        assertThat(ServeBenchmark.percentile(sorted, 0.51)).isEqualTo(3);
        assertThat(ServeBenchmark.percentile(sorted, 1.0)).isEqualTo(4);
    }
}
