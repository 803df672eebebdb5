package io.replayflow.actor.swap;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.env.CartPole;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.policy.testing.FixedPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which announced version the follower installs (the Kafka side is in ActorHotSwapITCase). */
@Timeout(60)
class PolicyFollowerTest {
    @TempDir Path root;

    private final Map<Long, FixedPolicy> opened = new ConcurrentHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final List<PolicyHolder> holders = new ArrayList<>();
    private final List<FixedPolicy> initial = new ArrayList<>();
    private PolicyFollower follower;

    @BeforeEach
    void setUp() {
        PolicyLoader loader =
                new PolicyLoader(
                        EnvPolicySpec.of(CartPole.SPEC),
                        new float[4],
                        4,
                        (dir, manifest, version) -> {
                            FixedPolicy p = new FixedPolicy(version, 0, 2, 4);
                            opened.put(version, p);
                            return p;
                        });
        for (int i = 0; i < 2; i++) {
            FixedPolicy v0 = new FixedPolicy(0, 0, 2, 4);
            initial.add(v0);
            holders.add(new PolicyHolder(PolicyRef.of(v0)));
        }
        follower =
                new PolicyFollower(
                        new MockConsumer<>("earliest"),
                        "rf.policies",
                        "cartpole",
                        loader,
                        holders,
                        Duration.ofMillis(50),
                        new SwapListener() {
                            @Override
                            public void onSwapped(long version, long loadNanos) {
                                events.add("swapped v" + version);
                            }

                            @Override
                            public void onSwapFailed(
                                    long version, long kept, PolicyRejectedException e) {
                                events.add(
                                        "refused v"
                                                + version
                                                + " "
                                                + e.reason()
                                                + " kept v"
                                                + kept);
                            }

                            @Override
                            public void onIgnored(long version, long current) {
                                events.add("ignored v" + version + " at v" + current);
                            }
                        });
    }

    @AfterEach
    void tearDown() {
        follower.close();
        holders.forEach(PolicyHolder::close);
    }

    private PolicyVersion valid(long version) throws Exception {
        Path dir = FakeArtifacts.write(root, "cartpole", version, List.of(4), 2);
        return FakeArtifacts.announce("cartpole", dir, version, FakeArtifacts.sha(dir));
    }

    private PolicyVersion missing(long version) {
        return FakeArtifacts.announce(
                "cartpole", root.resolve("nowhere/" + version), version, "00");
    }

    @Test
    void installsTheNewestOfABatchInEveryHolder() throws Exception {
        follower.install(List.of(valid(1), valid(3), valid(2)));

        assertThat(events).containsExactly("swapped v3");
        assertThat(holders).allSatisfy(h -> assertThat(h.version()).isEqualTo(3));
        assertThat(opened).containsOnlyKeys(3L);
        assertThat(follower.installedVersion()).isEqualTo(3);
        assertThat(initial).allSatisfy(p -> assertThat(p.closed()).isTrue());
    }

    @Test
    void fallsBackToTheNextNewestWhenTheNewestIsRefused() throws Exception {
        follower.install(List.of(valid(1), valid(2), missing(3)));

        assertThat(events).containsExactly("refused v3 MISSING_ARTIFACT kept v0", "swapped v2");
        assertThat(holders).allSatisfy(h -> assertThat(h.version()).isEqualTo(2));
    }

    @Test
    void neverGoesBackToAnOlderVersion() throws Exception {
        follower.install(List.of(valid(5)));
        follower.install(List.of(valid(4), valid(5)));

        assertThat(events).containsExactly("swapped v5", "ignored v5 at v5", "ignored v4 at v5");
        assertThat(holders).allSatisfy(h -> assertThat(h.version()).isEqualTo(5));
        assertThat(opened).containsOnlyKeys(5L);
    }

    @Test
    void aRefusedVersionKeepsTheCurrentModelOpen() throws Exception {
        follower.install(List.of(valid(1)));
        follower.install(List.of(missing(2)));

        assertThat(events).containsExactly("swapped v1", "refused v2 MISSING_ARTIFACT kept v1");
        assertThat(opened.get(1L).closed()).isFalse();
        assertThat(holders).allSatisfy(h -> assertThat(h.version()).isEqualTo(1));
    }

    @Test
    void theReplacedModelClosesOnceEveryHolderSwappedAway() throws Exception {
        follower.install(List.of(valid(1)));
        FixedPolicy v1 = opened.get(1L);
        follower.install(List.of(valid(2)));
        assertThat(v1.closed()).isTrue();
        assertThat(opened.get(2L).closed()).isFalse();
    }
}
