package io.replayflow.policy.swap;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.policy.testing.FixedPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PolicyHolderTest {

    private static FixedPolicy policy(long version) {
        return new FixedPolicy(version, (int) (version % 2), 2, 4);
    }

    @Test
    void swapsToANewerVersionOnly() {
        FixedPolicy v0 = policy(0);
        PolicyHolder holder = new PolicyHolder(PolicyRef.of(v0));
        PolicyRef v3 = PolicyRef.of(policy(3));

        assertThat(holder.offer(v3)).isTrue();
        assertThat(holder.version()).isEqualTo(3);
        assertThat(v0.closed()).as("nobody uses v0 any more").isTrue();

        PolicyRef older = PolicyRef.of(policy(2));
        PolicyRef same = PolicyRef.of(policy(3));
        assertThat(holder.offer(older)).isFalse();
        assertThat(holder.offer(same)).isFalse();
        assertThat(holder.version()).isEqualTo(3);
        assertThat(older.references()).as("a refused ref is left to its owner").isEqualTo(1);
    }

    @Test
    void theOldModelClosesWhenTheLastCallUsingItReturns() {
        FixedPolicy v1 = policy(1);
        PolicyRef ref1 = PolicyRef.of(v1);
        PolicyHolder holder = new PolicyHolder(PolicyRef.of(policy(0)));
        holder.offer(ref1);
        ref1.release(); // the follower lets go; the holder keeps it alive

        PolicyRef inFlight = holder.acquire(); // an actor is inside act() with v1
        FixedPolicy v2 = policy(2);
        PolicyRef ref2 = PolicyRef.of(v2);
        holder.offer(ref2);
        ref2.release();

        assertThat(v1.closed()).as("still used by the in-flight call").isFalse();
        inFlight.policy().act(new float[4], 1, new int[1], new float[1]);
        inFlight.release();
        assertThat(v1.closed()).isTrue();
        assertThat(v2.closed()).isFalse();

        holder.close();
        assertThat(v2.closed()).isTrue();
    }

    @Test
    void oneModelSharedByManyHoldersClosesAfterTheLastSwapsAway() {
        FixedPolicy shared = policy(1);
        PolicyRef ref = PolicyRef.of(shared);
        List<PolicyHolder> holders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PolicyHolder h = new PolicyHolder(PolicyRef.of(policy(0)));
            h.offer(ref);
            holders.add(h);
        }
        ref.release();
        assertThat(ref.references()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(shared.closed()).isFalse();
            PolicyRef next = PolicyRef.of(policy(2));
            holders.get(i).offer(next);
            next.release();
        }
        assertThat(shared.closed()).isTrue();
    }

    @Test
    void concurrentActorsNeverUseAClosedModelAndNeverGoBack() throws Exception {
        PolicyHolder holder = new PolicyHolder(PolicyRef.of(policy(0)));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> actors = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread actor =
                    new Thread(
                            () -> {
                                long last = -1;
                                int[] actions = new int[1];
                                float[] probs = new float[1];
                                started.countDown();
                                try {
                                    while (!stop.get()) {
                                        PolicyRef ref = holder.acquire();
                                        try {
                                            ref.policy().act(new float[4], 1, actions, probs);
                                            if (ref.version() < last) {
                                                throw new AssertionError(
                                                        "went back from v"
                                                                + last
                                                                + " to v"
                                                                + ref.version());
                                            }
                                            last = ref.version();
                                        } finally {
                                            ref.release();
                                        }
                                    }
                                } catch (Throwable e) {
                                    failure.compareAndSet(null, e);
                                }
                            });
            actors.add(actor);
            actor.start();
        }
        started.await();
        List<FixedPolicy> models = new ArrayList<>();
        for (long v = 1; v <= 2000; v++) {
            FixedPolicy model = policy(v);
            models.add(model);
            PolicyRef ref = PolicyRef.of(model);
            holder.offer(ref);
            ref.release();
        }
        stop.set(true);
        for (Thread actor : actors) {
            actor.join();
        }
        assertThat(failure.get()).isNull();
        holder.close();
        assertThat(models).allSatisfy(m -> assertThat(m.closed()).isTrue());
    }
}
