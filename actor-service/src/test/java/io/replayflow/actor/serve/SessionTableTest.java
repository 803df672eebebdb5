package io.replayflow.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.serve.SessionTable.Session;
import io.replayflow.policy.assign.CanarySplit;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.assign.PolicyRouter.Routing;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.policy.testing.FixedPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SessionTableTest {
    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(nowMs.get());
    private final SessionTable table = new SessionTable(clock, Duration.ofSeconds(10));

    private static String firstId(String prefix, boolean canary) {
        for (int i = 0; ; i++) {
            if (CanarySplit.toCanary(prefix + i, 0.5) == canary) {
                return prefix + i;
            }
        }
    }

    @Test
    void aSessionKeepsItsVersionAcrossARollbackAndLetsGoWhenItEnds() {
        FixedPolicy canaryPolicy = new FixedPolicy(2, 0, 2, 4);
        PolicyRef v1 = PolicyRef.of(new FixedPolicy(1, 1, 2, 4));
        PolicyRef v2 = PolicyRef.of(canaryPolicy);
        PolicyRouter router = new PolicyRouter();
        router.install(new Routing(v1, v2, 0.5, 1));
        v2.release(); // the router and the sessions hold it now
        String id = firstId("s", true);
        Session session = table.touch(id);
        PolicyRef first = session.acquire(router);
        first.release();
        assertThat(first.version()).isEqualTo(2);

        router.install(new Routing(v1, null, 0.0, 2)); // roll back
        PolicyRef again = table.touch(id).acquire(router);
        assertThat(again).as("the same session, the same version").isSameAs(first);
        again.release();
        assertThat(table.touch("another").acquire(router).version()).isEqualTo(1);
        assertThat(canaryPolicy.closed()).as("the session still holds v2").isFalse();

        assertThat(table.end(id)).isTrue();
        assertThat(canaryPolicy.closed()).as("v2 closes with its last session").isTrue();
        assertThat(table.end(id)).as("a second end of the same session").isFalse();
        router.close();
        v1.release();
    }

    @Test
    void anIdleSessionIsForgottenAndLetsGoOfItsVersion() {
        PolicyRef v1 = PolicyRef.of(new FixedPolicy(1, 1, 2, 4));
        PolicyRouter router = new PolicyRouter();
        router.install(new Routing(v1, null, 0.0, 1));
        table.touch("a").acquire(router).release();
        table.touch("b");
        assertThat(v1.references()).as("v1: creator, router, session a").isEqualTo(3);
        nowMs.addAndGet(5_000);
        table.touch("b");
        nowMs.addAndGet(6_000);
        assertThat(table.expire()).as("a is idle 11 s, b 6 s").isEqualTo(1);
        assertThat(table.open()).isEqualTo(1);
        assertThat(v1.references()).isEqualTo(2);
        assertThat(table.end("a")).isFalse();
        assertThat(table.end("b")).isTrue();
        router.close();
        v1.release();
    }

    @Test
    void aSessionEndedWhileADecisionIsInFlightActsUnpinned() {
        PolicyRef v1 = PolicyRef.of(new FixedPolicy(1, 1, 2, 4));
        PolicyRouter router = new PolicyRouter();
        router.install(new Routing(v1, null, 0.0, 1));
        Session session = table.touch("late");
        assertThat(table.end("late")).isTrue();
        PolicyRef ref = session.acquire(router);
        assertThat(ref.version()).isEqualTo(1);
        ref.release();
        assertThat(session.pinnedVersion()).as("nothing left pinned to leak").isEqualTo(-1);
        assertThat(v1.references()).isEqualTo(2);
        router.close();
        v1.release();
    }
}
