package io.replayflow.cli.lifecycle;

import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the windows of {@code rf.episodes.stats} and pools each policy version's windows of one
 * environment into a {@link LiveReturn}. The stats are keyed by env and version (not policy name):
 * two policies acting the same env with the same version numbers would share figures.
 */
public final class LiveReturns {
    /** One per thread: a serde reuses its buffers (the follower, actors and callers share this). */
    private static final ThreadLocal<SingleObjectSerde<EpisodeStats>> SERDE =
            ThreadLocal.withInitial(() -> SingleObjectSerde.forClass(EpisodeStats.class));

    private static final String CLIENT_ID = "replayflow-live-returns";

    private LiveReturns() {}

    /** Version → pooled live return over every window, for {@code envId} (null: every env). */
    public static Map<Long, LiveReturn> read(
            String bootstrap, Map<String, String> clientSettings, String topic, String envId) {
        return pool(windows(bootstrap, clientSettings, topic, envId), Long.MIN_VALUE);
    }

    /** Every window of {@code envId} (null: every environment) on {@code topic}, read once. */
    public static List<EpisodeStats> windows(
            String bootstrap, Map<String, String> clientSettings, String topic, String envId) {
        return FollowedTopic.read(bootstrap, clientSettings, CLIENT_ID, topic, decoder(envId));
    }

    /**
     * The windows of {@code envId} (null: every environment) on {@code topic}, followed with a
     * consumer kept until {@link FollowedTopic#close()}: the controller's pass by pass.
     */
    static FollowedTopic<EpisodeStats> follow(
            String bootstrap, Map<String, String> clientSettings, String topic, String envId) {
        return FollowedTopic.open(bootstrap, clientSettings, CLIENT_ID, topic, decoder(envId));
    }

    private static Function<byte[], EpisodeStats> decoder(String envId) {
        return value -> {
            try {
                EpisodeStats s = SERDE.get().decode(value);
                return envId == null || envId.equals(s.getEnvId()) ? s : null;
            } catch (DecodeException e) {
                return null; // not an EpisodeStats: ingest never writes one; skip it
            }
        };
    }

    /**
     * Version → pooled live return over the windows that end after {@code sinceMs} (event time):
     * the episodes of the period since then, plus at most the part of one window before it. {@code
     * Long.MIN_VALUE}: every window.
     */
    public static Map<Long, LiveReturn> pool(Collection<EpisodeStats> windows, long sinceMs) {
        Map<Long, List<EpisodeStats>> byVersion = new HashMap<>();
        for (EpisodeStats w : windows) {
            if (w.getWindowEndMs() > sinceMs) {
                byVersion.computeIfAbsent(w.getPolicyVersion(), v -> new ArrayList<>()).add(w);
            }
        }
        Map<Long, LiveReturn> pooled = new HashMap<>();
        byVersion.forEach(
                (v, w) -> {
                    LiveReturn r = LiveReturn.pool(w);
                    if (r != null) {
                        pooled.put(v, r);
                    }
                });
        return pooled;
    }
}
