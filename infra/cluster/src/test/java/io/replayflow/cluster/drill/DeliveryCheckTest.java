package io.replayflow.cluster.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeliveryCheckTest {

    private static final Set<String> SENT = Set.of("a/e0/0", "a/e0/1", "b/e0/0");

    @Test
    void everySentIdentityOnceIsExactlyOnce() {
        DeliveryCheck check =
                DeliveryCheck.of("log", SENT, Map.of("a/e0/0", 1, "a/e0/1", 1, "b/e0/0", 1));

        assertThat(check.exactlyOnce()).isTrue();
        assertThat(check.line())
                .isEqualTo(
                        "log: 3 rows, 3 distinct; missing 0, duplicated 0, unexpected 0 -> exactly"
                                + " once");
    }

    @Test
    void aLossADuplicateAndAStrangerAreEachCounted() {
        DeliveryCheck check =
                DeliveryCheck.of("log", SENT, Map.of("a/e0/0", 2, "b/e0/0", 1, "x/e9/9", 1));

        assertThat(check).isEqualTo(new DeliveryCheck("log", 3, 4, 3, 1, 1, 1));
        assertThat(check.exactlyOnce()).isFalse();
    }
}
