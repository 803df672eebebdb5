package io.replayflow.ingest.inspect;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What {@code replayflow dataset inspect} shows about a data root: the experience log's contents
 * and files, and (with a broker) the dead letters.
 *
 * @param experienceRoot the log directory that was read
 * @param transitions rows in the visible (committed) files
 * @param transitionsByEnv rows per env id
 * @param episodes distinct (actor_id, episode_id)
 * @param finishedEpisodes episodes with a terminated or truncated step
 * @param returnsByPolicyVersion undiscounted returns of finished episodes, by the policy version of
 *     their last step
 * @param firstEventTime earliest event time, empty for an empty log
 * @param lastEventTime latest event time
 * @param partitions every partition directory with visible files
 * @param stagingFiles hidden files (in progress, or staged for compaction): not yet visible
 * @param deadLetters dead letters by reason, when a bootstrap address was given
 */
public record DatasetReport(
        String experienceRoot,
        long transitions,
        SortedMap<String, Long> transitionsByEnv,
        long episodes,
        long finishedEpisodes,
        SortedMap<Long, ReturnStats> returnsByPolicyVersion,
        Optional<Instant> firstEventTime,
        Optional<Instant> lastEventTime,
        List<Partition> partitions,
        long stagingFiles,
        Optional<DeadLetterCounts> deadLetters) {

    /** Returns of the finished episodes of one policy version. */
    public record ReturnStats(long episodes, double mean, double min, double max) {}

    /** One {@code env_id=…/date=…/hour=…} directory. */
    public record Partition(String path, int files, long rows, long bytes) {}

    /** The committed records of the dead-letter topic, by reason code. */
    public record DeadLetterCounts(String topic, long total, SortedMap<String, Long> byReason) {}

    public int files() {
        return partitions.stream().mapToInt(Partition::files).sum();
    }

    public long bytes() {
        return partitions.stream().mapToLong(Partition::bytes).sum();
    }

    /** A human-readable report. */
    public void render(PrintWriter out) {
        out.printf("Experience log %s%n", experienceRoot);
        out.printf("  transitions   %,d", transitions);
        if (!transitionsByEnv.isEmpty()) {
            StringBuilder envs = new StringBuilder();
            transitionsByEnv.forEach(
                    (env, n) ->
                            envs.append(envs.isEmpty() ? "" : ", ")
                                    .append(env)
                                    .append(' ')
                                    .append(String.format("%,d", n)));
            out.printf("  (%s)", envs);
        }
        out.println();
        out.printf("  episodes      %,d (%,d finished)%n", episodes, finishedEpisodes);
        out.printf(
                "  time range    %s%n",
                firstEventTime.isEmpty()
                        ? "(empty)"
                        : firstEventTime.get() + " .. " + lastEventTime.orElseThrow());
        out.printf(
                "  files         %,d visible, %s%s%n",
                files(),
                megabytes(bytes()),
                stagingFiles == 0
                        ? ""
                        : String.format(
                                " (+%,d hidden: in progress or awaiting compaction)",
                                stagingFiles));
        out.printf("  partitions    %,d%n", partitions.size());
        for (Partition p : partitions) {
            out.printf(
                    "    %-55s %,5d files %,12d rows %10s%n",
                    p.path(), p.files(), p.rows(), megabytes(p.bytes()));
        }
        if (!returnsByPolicyVersion.isEmpty()) {
            out.println("  mean return by policy version (finished episodes)");
            out.printf(
                    "    %10s %10s %12s %12s %12s%n", "version", "episodes", "mean", "min", "max");
            returnsByPolicyVersion.forEach(
                    (version, r) ->
                            out.printf(
                                    "    %10d %,10d %12.3f %12.3f %12.3f%n",
                                    version, r.episodes(), r.mean(), r.min(), r.max()));
        }
        deadLetters.ifPresentOrElse(
                d -> {
                    out.printf("  dead letters  %,d on %s (committed)%n", d.total(), d.topic());
                    d.byReason().forEach((reason, n) -> out.printf("    %-28s %,d%n", reason, n));
                },
                () -> out.println("  dead letters  (give a bootstrap address to count them)"));
        out.flush();
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
