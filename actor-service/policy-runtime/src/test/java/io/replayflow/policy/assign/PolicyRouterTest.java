package io.replayflow.policy.assign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.policy.assign.PolicyRouter.Routing;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.policy.testing.FixedPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PolicyRouterTest {

    private static FixedPolicy policy(long version) {
        return new FixedPolicy(version, (int) (version % 2), 2, 4);
    }

    @Test
    void unassignedUntilTheFirstInstall() {
        try (PolicyRouter router = new PolicyRouter()) {
            assertThat(router.assigned()).isFalse();
            assertThatThrownBy(() -> router.acquireFor("e1"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no assignment installed");
        }
    }

    @Test
    void episodesGoToTheCanaryByTheirHash() {
        PolicyRef v1 = PolicyRef.of(policy(1));
        PolicyRef v2 = PolicyRef.of(policy(2));
        try (PolicyRouter router = new PolicyRouter()) {
            router.install(new Routing(v1, v2, 0.5, 1));
            for (int i = 0; i < 200; i++) {
                String id = "episode-" + i;
                PolicyRef ref = router.acquireFor(id);
                long expected = CanarySplit.toCanary(id, 0.5) ? 2 : 1;
                assertThat(ref.version()).as(id).isEqualTo(expected);
                ref.release();
            }
        }
        v1.release();
        v2.release();
    }

    @Test
    void aRolledBackCanaryStaysOpenUntilItsLastEpisodeEnds() {
        FixedPolicy canaryPolicy = policy(2);
        PolicyRef v1 = PolicyRef.of(policy(1));
        PolicyRef v2 = PolicyRef.of(canaryPolicy);
        PolicyRouter router = new PolicyRouter();
        router.install(new Routing(v1, v2, 0.5, 1));
        v2.release(); // the router and the episodes hold it now
        String canaryEpisode = firstId(true);
        PolicyRef inFlight = router.acquireFor(canaryEpisode);
        assertThat(inFlight.version()).isEqualTo(2);

        router.install(new Routing(v1, null, 0.0, 2)); // roll back

        assertThat(router.acquireFor(canaryEpisode).version())
                .as("a new episode with the same hash now gets the champion")
                .isEqualTo(1);
        assertThat(canaryPolicy.closed()).as("the in-flight episode still acts with v2").isFalse();
        inFlight.release();
        assertThat(canaryPolicy.closed()).isTrue();
        router.close();
    }

    @Test
    void aShareOutsideTheOpenIntervalIsRefused() {
        PolicyRef v1 = PolicyRef.of(policy(1));
        assertThatThrownBy(() -> new Routing(v1, v1, 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> new Routing(v1, null, 0.3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 without");
    }

    private static String firstId(boolean canary) {
        for (int i = 0; ; i++) {
            if (CanarySplit.toCanary("episode-" + i, 0.5) == canary) {
                return "episode-" + i;
            }
        }
    }
}
