package io.replayflow.replay.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.log.layout.PartitionPath;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WindowRuleTest {

    private static final long H = PartitionPath.HOUR_MS;

    private static Map<String, PartitionStat> hours(String env, long rowsEach, int... hours) {
        Map<String, PartitionStat> out = new HashMap<>();
        for (int h : hours) {
            out.put(
                    new PartitionPath(env, h * H).relativePath(),
                    new PartitionStat(env, h * H, rowsEach));
        }
        return out;
    }

    @Test
    void durationExpiresPartitionsWhoseHourEndedAWindowAgo() {
        WindowRule rule = WindowRule.of(6 * H, OptionalLong.empty(), H);
        Map<String, PartitionStat> p = hours("E", 10, 0, 1, 2, 3, 4, 5, 6, 7, 8);
        // watermark at 8:30 -> horizon 2:30: hours 0 and 1 ended (at 1:00, 2:00); hour 2 not yet
        assertThat(rule.expired(p, 8 * H + H / 2))
                .containsExactlyInAnyOrder(
                        new PartitionPath("E", 0).relativePath(),
                        new PartitionPath("E", H).relativePath());
        assertThat(rule.expired(p, Long.MIN_VALUE)).isEmpty();
    }

    @Test
    void countKeepsTheNewestPartitionsHoldingMaxTransitionsPerEnv() {
        WindowRule rule = WindowRule.of(1000 * H, OptionalLong.of(25), H);
        Map<String, PartitionStat> p = hours("A", 10, 0, 1, 2, 3, 4);
        p.putAll(hours("B", 100, 3, 4));
        // A newest first: 4 (newer 0), 3 (10), 2 (20), 1 (30 >= 25: out), 0 (out)
        // B: 4 (0), 3 (100 >= 25: out, and its hour ended 2 h before the watermark)
        assertThat(rule.expired(p, 6 * H))
                .containsExactlyInAnyOrder(
                        new PartitionPath("A", 0).relativePath(),
                        new PartitionPath("A", H).relativePath(),
                        new PartitionPath("B", 3 * H).relativePath());
    }

    @Test
    void nothingExpiresInsideTheAllowedLateness() {
        WindowRule rule = WindowRule.of(H, OptionalLong.of(1), H);
        Map<String, PartitionStat> p = hours("A", 10, 0, 1);
        // watermark 1:30: hour 0 ended 30 min ago, within the 1 h lateness: kept by both rules
        assertThat(rule.expired(p, H + H / 2)).isEmpty();
        assertThat(rule.expired(p, 2 * H))
                .containsExactly(new PartitionPath("A", 0).relativePath());
    }
}
