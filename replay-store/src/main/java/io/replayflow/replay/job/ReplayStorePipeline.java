package io.replayflow.replay.job;

import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.load.PolicyRoot;
import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.episode.EpisodePlacement;
import io.replayflow.replay.job.episode.EpisodeEnrichmentFunction;
import io.replayflow.replay.job.episode.HashKeyedEpisodeEnrichment;
import io.replayflow.replay.job.internal.EpisodeHashKey;
import io.replayflow.replay.job.internal.EpisodeRunCheck;
import io.replayflow.replay.job.internal.ReplayRowTypeInfo;
import io.replayflow.replay.job.internal.SortedEpisodeKey;
import io.replayflow.replay.job.priority.InitialPriorityFunction;
import io.replayflow.replay.job.priority.PriorityRouterFunction;
import io.replayflow.replay.job.priority.PriorityStoreFunction;
import io.replayflow.replay.job.priority.UnupdatedInitialPriorityFunction;
import io.replayflow.replay.job.sink.ReplayRowSink;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.scoring.PolicyAnnouncement;
import io.replayflow.replay.scoring.TdScoringOperator;
import io.replayflow.replay.window.EventTimePartitionAssigner;
import io.replayflow.replay.window.WindowExpiryFunction;
import io.replayflow.replay.window.WindowRule;
import java.net.URI;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The replay-store dataflow, from streams to sinks, with no sources of its own (so a test can feed
 * it):
 *
 * <pre>
 *   transitions ─keyBy episode─▶ enrichment ─▶ TD scoring ─▶ initial priority ─▶ Parquet dataset (exactly once)
 *                                   │       policies ─(broadcast)─┘   ▲ running max (broadcast)
 *                                   │ placements                      │
 *                                   ├─keyBy episode─▶ router ─keyBy partition─▶ priority store ─▶ _priorities/ files
 *   priority updates ─keyBy episode─┘                 ▲
 *                                   └─(parallelism 1)─▶ window expiry ─▶ deletes old partitions
 * </pre>
 *
 * With {@code replay.dataset.kind=segments} the enrichment also cuts each episode into trajectory
 * segments as their steps arrive, the rows carry the segment columns, and TD scoring is left out;
 * the priority and window operators are the same.
 *
 * <p>Every stateful operator has a stable uid, so savepoints and checkpoints restore across
 * versions of the job.
 */
public final class ReplayStorePipeline {

    private ReplayStorePipeline() {}

    /** Attaches the dataflow without policy scoring: every row enters at the running max. */
    public static void build(
            DataStream<ReplayRow> transitions,
            DataStream<PriorityEntry> updates,
            ReplayStoreConfig config) {
        build(transitions, updates, null, config);
    }

    /**
     * Attaches the dataflow.
     *
     * @param transitions clean transitions with event-time timestamps and watermarks
     * @param updates validated trainer priority updates (no watermarks needed)
     * @param policies announced policies (no watermarks needed); null, or scoring disabled in
     *     {@code config}: no scoring
     */
    public static void build(
            DataStream<ReplayRow> transitions,
            DataStream<PriorityEntry> updates,
            DataStream<PolicyAnnouncement> policies,
            ReplayStoreConfig config) {
        attach(transitions, updates, policies, null, config, config.datasetUri(), true, null);
    }

    /**
     * Attaches the same operators for a bounded run in Flink's BATCH runtime mode (a backfill over
     * the experience log): the dataset goes to {@code datasetDir} (a staging directory the caller
     * publishes), and the window expiry is left out, since the backfill's range is the window and
     * the end-of-input watermark would expire every partition.
     *
     * <p>With no updates (null), the priority router and store are left out too (with no update
     * they write nothing and the running max stays unset): the initial priority is then a map
     * ({@link UnupdatedInitialPriorityFunction}) chained between the enrichment and the dataset
     * writer, so a row crosses one keyed exchange (into the enrichment) instead of three.
     *
     * @param transitions the log's transitions in range, with event-time timestamps; their type
     *     serializes the rows in the keyed exchange (a backfill's is {@link ReplayRowTypeInfo})
     * @param updates priority updates to apply; null: none (a backfill)
     * @param scoreWith the policy that scores every row's initial priority (the streaming job's
     *     {@link TdScoringOperator}, loaded and verified when it opens); null: rows enter at the
     *     running max
     * @param hashKey the episodes' 64-bit key ({@link EpisodeHashKey}: Flink's sorter compares it
     *     as a normalized key; the enrichment fails the job with {@link EpisodeRunCheck#COLLISION}
     *     if two episodes tie); null: the exact (hash, id) key ({@link SortedEpisodeKey}), slower
     *     to sort, for a rerun after such a tie
     */
    public static void buildBatch(
            DataStream<ReplayRow> transitions,
            DataStream<PriorityEntry> updates,
            PolicyAnnouncement scoreWith,
            ReplayStoreConfig config,
            URI datasetDir,
            EpisodeHashKey hashKey) {
        DataStream<PolicyAnnouncement> policies = null;
        if (scoreWith != null) {
            // the policy is installed when the scorer opens; this input only connects it (empty,
            // derived from the rows: an empty bounded collection fails in Flink 2.2 at p > 1)
            policies =
                    transitions
                            .flatMap(
                                    new NoAnnouncements(),
                                    TypeInformation.of(PolicyAnnouncement.class))
                            .uid("no-policy-announcements")
                            .name("no policy announcements");
        }
        attach(transitions, updates, policies, scoreWith, config, datasetDir, false, hashKey);
    }

    private static void attach(
            DataStream<ReplayRow> transitions,
            DataStream<PriorityEntry> updates,
            DataStream<PolicyAnnouncement> policies,
            PolicyAnnouncement initialPolicy,
            ReplayStoreConfig config,
            URI datasetDir,
            boolean expireWindow,
            EpisodeHashKey hashKey) {
        // Streaming keeps the enrichment's output type as it was (TypeExtractor's POJO type); a
        // backfill's rows keep their own (ReplayRowTypeInfo) through the chain.
        TypeInformation<ReplayRow> rowType =
                expireWindow ? TypeInformation.of(ReplayRow.class) : transitions.getType();
        String dataset = datasetDir.toString();
        long retentionMs = config.priorityRetention().toMillis();
        boolean segments = config.datasetKind() == DatasetKind.SEGMENTS;

        // The enrichment ignores its key's type: streaming keys by the episode string, a backfill
        // by a 64-bit hash (EpisodeHashKey), which BATCH mode sorts as a normalized key, or after
        // a tie of two hashes by (hash, string) (SortedEpisodeKey).
        int segmentLength = segments ? config.segmentLength() : 0;
        EpisodeEnrichmentFunction enrichment =
                hashKey == null
                        ? new EpisodeEnrichmentFunction(
                                config.nStep(),
                                config.gamma(),
                                config.episodeIdleTimeout().toMillis(),
                                config.allowedLateness().toMillis(),
                                segmentLength)
                        : new HashKeyedEpisodeEnrichment(
                                hashKey,
                                config.nStep(),
                                config.gamma(),
                                config.episodeIdleTimeout().toMillis(),
                                config.allowedLateness().toMillis(),
                                segmentLength);
        @SuppressWarnings({"unchecked", "rawtypes"})
        KeyedStream<ReplayRow, String> byEpisode =
                expireWindow
                        ? transitions.keyBy(
                                row -> EpisodeKeys.of(row.actorId, row.episodeId), Types.STRING)
                        : hashKey != null
                                ? (KeyedStream) transitions.keyBy(hashKey, EpisodeHashKey.TYPE)
                                : (KeyedStream)
                                        transitions.keyBy(
                                                new SortedEpisodeKey(), SortedEpisodeKey.TYPE);
        SingleOutputStreamOperator<ReplayRow> enriched =
                byEpisode
                        .process(enrichment, rowType)
                        .uid("episode-enrichment")
                        .name(
                                segments
                                        ? "episode enrichment (segments of "
                                                + config.segmentLength()
                                                + ")"
                                        : "episode enrichment (n-step, return-to-go)");
        DataStream<EpisodePlacement> placements =
                enriched.getSideOutput(EpisodeEnrichmentFunction.PLACEMENTS);

        if (updates == null) {
            prioritize(enriched, policies, initialPolicy, config, segments)
                    .map(new UnupdatedInitialPriorityFunction(config.initialPriority()), rowType)
                    .uid("initial-priority-unupdated")
                    .name("initial priority (no updates)")
                    .sinkTo(datasetSink(datasetDir, config.compression(), segments))
                    .uid("replay-dataset-sink")
                    .name("replay dataset " + config.datasetName() + " (Parquet)");
            return;
        }
        SingleOutputStreamOperator<PriorityEntry> routed =
                placements
                        .keyBy(EpisodePlacement::episodeKey, Types.STRING)
                        .connect(
                                updates.keyBy(
                                        u -> EpisodeKeys.of(u.actorId, u.episodeId), Types.STRING))
                        .process(new PriorityRouterFunction(retentionMs))
                        .uid("priority-router")
                        .name("priority router (episode -> partition)");
        SingleOutputStreamOperator<Double> runningMax =
                routed.keyBy(u -> u.partition, Types.STRING)
                        .process(
                                new PriorityStoreFunction(
                                        dataset,
                                        config.priorityFlushInterval().toMillis(),
                                        retentionMs))
                        .uid("priority-store")
                        .name("priority store (last-writer-wins, _priorities files)");
        BroadcastStream<Double> maxBroadcast =
                runningMax.broadcast(InitialPriorityFunction.RUNNING_MAX);

        DataStream<ReplayRow> unprioritized =
                prioritize(enriched, policies, initialPolicy, config, segments);
        unprioritized
                .connect(maxBroadcast)
                .process(new InitialPriorityFunction(config.initialPriority()))
                .uid("initial-priority")
                .name("initial priority")
                .sinkTo(datasetSink(datasetDir, config.compression(), segments))
                .uid("replay-dataset-sink")
                .name("replay dataset " + config.datasetName() + " (Parquet)");

        if (!expireWindow) {
            return;
        }
        placements
                .keyBy(p -> WindowExpiryFunction.KEY, Types.INT)
                .process(
                        new WindowExpiryFunction(
                                dataset,
                                WindowRule.of(
                                        config.windowDuration().toMillis(),
                                        config.windowMaxTransitions(),
                                        config.allowedLateness().toMillis()),
                                config.expiryCheckInterval().toMillis(),
                                config.expiryDeleteDelay().toMillis()))
                .setParallelism(1)
                .setMaxParallelism(1)
                .uid("window-expiry")
                .name("window expiry")
                .sinkTo(new DiscardingSink<>())
                .setParallelism(1)
                .uid("window-expiry-done")
                .name("expired partitions");
    }

    /** The enriched rows, scored by {@code TdScoringOperator} when policies are given and on. */
    private static DataStream<ReplayRow> prioritize(
            SingleOutputStreamOperator<ReplayRow> enriched,
            DataStream<PolicyAnnouncement> policies,
            PolicyAnnouncement initialPolicy,
            ReplayStoreConfig config,
            boolean segments) {
        DataStream<ReplayRow> unprioritized = enriched;
        // Segments are read FIFO, not by priority: no TD scoring.
        if (policies != null && config.scoring().enabled() && !segments) {
            unprioritized =
                    enriched.connect(policies.broadcast())
                            .transform(
                                    "TD priority (latest policy)",
                                    enriched.getType(),
                                    new TdScoringOperator(
                                            config.scoring(),
                                            PolicyLoader.tensorFlowQFunctions(
                                                    PolicyRoot.of(
                                                            config.scoring().policyRoot(),
                                                            ReplayStoreOptions.SCORING_POLICY_ROOT
                                                                    .key())),
                                            initialPolicy))
                            .uid("td-scoring");
        }
        return unprioritized;
    }

    /** Exactly-once Parquet files, partitioned by event time, committed on checkpoints. */
    static FileSink<ReplayRow> datasetSink(URI datasetDir, String compression, boolean segments) {
        return FileSink.forBulkFormat(
                        new Path(datasetDir), ReplayRowSink.writerFactory(compression, segments))
                .withBucketAssigner(new EventTimePartitionAssigner())
                .withOutputFileConfig(
                        OutputFileConfig.builder()
                                .withPartPrefix("part")
                                .withPartSuffix(".parquet")
                                .build())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .build();
    }

    /** Emits nothing: the policies input of a backfill that scores with one fixed policy. */
    private static final class NoAnnouncements
            implements FlatMapFunction<ReplayRow, PolicyAnnouncement> {
        @Override
        public void flatMap(ReplayRow row, Collector<PolicyAnnouncement> out) {}
    }
}
