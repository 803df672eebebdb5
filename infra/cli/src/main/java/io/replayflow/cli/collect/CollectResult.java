package io.replayflow.cli.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.ingest.inspect.DatasetReport;
import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code replayflow collect} logged, read back from the committed experience log.
 *
 * @param request what was asked
 * @param dataRoot the data root ({@code <root>/experience/} holds the log)
 * @param published transitions the actor published (brokers acknowledged)
 * @param log the experience log after every transition was committed: transitions, episodes,
 *     returns of finished episodes, dead letters
 * @param behaviourEvaluation the behaviour policy (with its ε) over 100 seeded episodes
 * @param collectSeconds from the actor's start to the last acknowledged send
 * @param commitSeconds from then until the log held every transition
 */
public record CollectResult(
        CollectRequest request,
        URI dataRoot,
        long published,
        DatasetReport log,
        EvaluationResult behaviourEvaluation,
        double collectSeconds,
        double commitSeconds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Finished episodes in the log. */
    public long finishedEpisodes() {
        return log.returnsByPolicyVersion().values().stream()
                .mapToLong(DatasetReport.ReturnStats::episodes)
                .sum();
    }

    /** Mean undiscounted return of the finished episodes in the log (NaN if none). */
    public double meanReturn() {
        double sum = 0;
        for (DatasetReport.ReturnStats r : log.returnsByPolicyVersion().values()) {
            sum += r.mean() * r.episodes();
        }
        long n = finishedEpisodes();
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Dead letters counted on the DLQ topic before the broker stopped (0 if not counted). */
    public long deadLetters() {
        return log.deadLetters().map(DatasetReport.DeadLetterCounts::total).orElse(0L);
    }

    /** The human-readable summary. */
    public void render(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "Collected %,d transitions of %s with behaviour %s (epsilon %s, seed %d) into %s%n",
                published,
                request.envId(),
                request.behaviour(),
                request.epsilonText(),
                request.seed(),
                log.experienceRoot());
        out.printf(
                Locale.ROOT,
                "  experience log  %,d transitions, %,d episodes (%,d finished), mean return %.1f"
                        + " of the finished ones%n",
                log.transitions(),
                log.episodes(),
                finishedEpisodes(),
                meanReturn());
        out.printf(Locale.ROOT, "  dead letters    %,d%n", deadLetters());
        out.printf(Locale.ROOT, "  behaviour       %s%n", behaviourEvaluation.summary());
        out.printf(
                Locale.ROOT,
                "  time            %.1f s acting and publishing, %.1f s more until committed%n",
                collectSeconds,
                commitSeconds);
        out.flush();
    }

    /** One JSON line: the summary's figures. */
    public String toJson() {
        Map<String, Object> behaviour = new LinkedHashMap<>();
        behaviour.put("mean_return", behaviourEvaluation.meanReturn());
        behaviour.put("std_return", behaviourEvaluation.stdReturn());
        behaviour.put("episodes", behaviourEvaluation.episodes());
        behaviour.put("seed", behaviourEvaluation.seed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", dataRoot.toString());
        out.put("env", request.envId());
        out.put("behaviour", request.behaviour().id());
        out.put(
                "epsilon",
                request.epsilon() instanceof EpsilonSchedule.Constant c
                        ? (Object) c.epsilon()
                        : request.epsilonText());
        out.put("seed", request.seed());
        out.put("published", published);
        out.put("transitions", log.transitions());
        out.put("episodes", log.episodes());
        out.put("finished_episodes", finishedEpisodes());
        double mean = meanReturn();
        out.put("mean_return", Double.isFinite(mean) ? mean : null);
        out.put("dead_letters", deadLetters());
        out.put("behaviour_evaluation", behaviour);
        out.put("collect_seconds", collectSeconds);
        out.put("commit_seconds", commitSeconds);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
