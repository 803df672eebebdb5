package io.replayflow.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.actor.metrics.ServeMetrics;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Reward;
import io.replayflow.schemas.avro.SessionEnd;
import io.replayflow.schemas.env.EnvSpecs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP contract of the decision service: a real Jetty server and the JDK's HTTP client; the log
 * is kept in memory (the Kafka log is {@code DecisionServiceITCase}'s). Every bad input of issue 19
 * is answered with a 4xx naming the field, and counted.
 */
@Timeout(60)
class ServeHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RecordingServeLog LOG = new RecordingServeLog();
    private static DecisionService service;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        ServeConfig config =
                ServeConfig.defaults("unused:9092", "cartpole", EnvSpecs.CART_POLE)
                        .withPort(0)
                        .withMaxBodyBytes(4096);
        service = DecisionService.startWithoutFollower(config, LOG, InstantSource.system());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @AfterEach
    void healthyLog() {
        LOG.failure = null;
        LOG.failingSessions = Set.of();
    }

    @Test
    void decisionAnswersTheContractKeysAndIsLoggedFirst() throws Exception {
        HttpResponse<String> r =
                post(
                        "/v1/decisions",
                        "{\"policy\":\"cartpole\",\"session_id\":\"s-1\","
                                + "\"obs\":[0.1,0.2,-0.3,0.4]}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.fieldNames())
                .toIterable()
                .containsExactly("decision_id", "action", "probability", "policy_version");
        assertThat(body.get("policy_version").asLong()).isZero();
        // Version 0 is uniform over CartPole's 2 actions.
        assertThat(body.get("probability").asDouble()).isEqualTo(0.5);
        Decision logged =
                LOG.decisions.stream()
                        .filter(
                                d ->
                                        d.getDecisionId()
                                                .toString()
                                                .equals(body.get("decision_id").asText()))
                        .findFirst()
                        .orElseThrow();
        assertThat(logged.getSessionId().toString()).isEqualTo("s-1");
        assertThat(logged.getAction()).isEqualTo(body.get("action").asInt());
        assertThat(logged.getObs()).containsExactly(0.1f, 0.2f, -0.3f, 0.4f);
        assertThat(logged.getPolicy().toString()).isEqualTo("cartpole");
        assertThat(logged.getEnvId().toString()).isEqualTo("CartPole-v1");
        assertThat(logged.getNumActions()).isEqualTo(2);
        assertThat(body.get("decision_id").asText()).startsWith("s-1:");
    }

    @Test
    void allowedActionsMaskTheChoiceAndTheProbability() throws Exception {
        for (int i = 0; i < 20; i++) {
            JsonNode body =
                    JSON.readTree(
                            post(
                                            "/v1/decisions",
                                            "{\"policy\":\"cartpole\",\"session_id\":\"m\","
                                                    + "\"obs\":[0,0,0,0],\"allowed_actions\":[1]}")
                                    .body());
            assertThat(body.get("action").asInt()).isEqualTo(1);
            assertThat(body.get("probability").asDouble()).isEqualTo(1.0);
        }
    }

    @Test
    void batchAnswersEachInOrder() throws Exception {
        HttpResponse<String> r =
                post(
                        "/v1/decisions/batch",
                        "{\"decisions\":["
                            + "{\"policy\":\"cartpole\",\"session_id\":\"b1\",\"obs\":[0,0,0,0]},"
                            + "{\"policy\":\"cartpole\",\"session_id\":\"b2\",\"obs\":[1,1,1,1],"
                            + "\"allowed_actions\":[0]}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answers = JSON.readTree(r.body()).get("decisions");
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0).get("decision_id").asText()).startsWith("b1:");
        assertThat(answers.get(1).get("decision_id").asText()).startsWith("b2:");
        assertThat(answers.get(1).get("action").asInt()).isZero();
    }

    @Test
    void rewardsAndEndAreLoggedAsOutcomesOfTheSession() throws Exception {
        String id =
                JSON.readTree(
                                post(
                                                "/v1/decisions",
                                                "{\"policy\":\"cartpole\",\"session_id\":\"r:1\","
                                                        + "\"obs\":[0,0,0,0]}")
                                        .body())
                        .get("decision_id")
                        .asText();

        assertThat(
                        post(
                                        "/v1/rewards",
                                        "{\"decision_id\":\""
                                                + id
                                                + "\",\"reward\":0.5,\"reward_id\":\"k\"}")
                                .statusCode())
                .isEqualTo(200);
        HttpResponse<String> end =
                post(
                        "/v1/sessions/r:1/end",
                        "{\"final_obs\":[1,2,3,4],\"terminated\":true,\"truncated\":false}");

        assertThat(end.statusCode()).isEqualTo(200);
        Reward reward =
                LOG.outcomes.stream()
                        .filter(o -> o.getSessionId().toString().equals("r:1"))
                        .map(o -> o.getOutcome())
                        .filter(Reward.class::isInstance)
                        .map(Reward.class::cast)
                        .findFirst()
                        .orElseThrow();
        assertThat(reward.getDecisionId().toString()).isEqualTo(id);
        assertThat(reward.getReward()).isEqualTo(0.5);
        assertThat(reward.getRewardId().toString()).isEqualTo("k");
        SessionEnd sessionEnd =
                LOG.outcomes.stream()
                        .map(o -> o.getOutcome())
                        .filter(SessionEnd.class::isInstance)
                        .map(SessionEnd.class::cast)
                        .filter(e -> e.getFinalObs() != null && e.getFinalObs().get(3) == 4f)
                        .findFirst()
                        .orElseThrow();
        assertThat(sessionEnd.getTerminated()).isTrue();
        // Ended once: a second end is an unknown session.
        assertRefused(
                post("/v1/sessions/r:1/end", "{\"truncated\":true}"),
                404,
                "session_id",
                "unknown session 'r:1'");
    }

    @Test
    void wrongObservationLength() throws Exception {
        assertRefused(
                post(
                        "/v1/decisions",
                        "{\"policy\":\"cartpole\",\"session_id\":\"x\",\"obs\":[1,2,3]}"),
                400,
                "obs",
                "obs has 3 values; the policy 'cartpole' takes 4");
    }

    @Test
    void nanInTheObservation() throws Exception {
        // Python's json.dumps writes NaN as a bare token.
        assertRefused(
                post(
                        "/v1/decisions",
                        "{\"policy\":\"cartpole\",\"session_id\":\"x\",\"obs\":[1,2,NaN,4]}"),
                400,
                "obs[2]",
                "obs[2] is NaN");
    }

    @Test
    void unknownPolicy() throws Exception {
        assertRefused(
                post(
                        "/v1/decisions",
                        "{\"policy\":\"other\",\"session_id\":\"x\",\"obs\":[1,2,3,4]}"),
                404,
                "policy",
                "unknown policy 'other': this service serves 'cartpole'");
    }

    @Test
    void unknownSessionEnd() throws Exception {
        assertRefused(
                post("/v1/sessions/never-seen/end", "{\"terminated\":true}"),
                404,
                "session_id",
                "unknown session 'never-seen'");
    }

    @Test
    void endNeedsTerminatedOrTruncated() throws Exception {
        assertRefused(
                post("/v1/sessions/x/end", "{\"terminated\":false}"),
                400,
                "terminated",
                "an end needs \"terminated\": true");
    }

    @Test
    void oversizedBody() throws Exception {
        String big = "{\"policy\":\"cartpole\",\"pad\":\"" + "x".repeat(5000) + "\"}";
        assertRefused(post("/v1/decisions", big), 413, "body", "the limit is 4096");
    }

    @Test
    void malformedJson() throws Exception {
        assertRefused(
                post("/v1/decisions", "{\"policy\": \"cartpole\", "),
                400,
                "body",
                "the body is not valid JSON");
    }

    @Test
    void missingSessionId() throws Exception {
        assertRefused(
                post("/v1/decisions", "{\"policy\":\"cartpole\",\"obs\":[1,2,3,4]}"),
                400,
                "session_id",
                "session_id is required");
    }

    @Test
    void allowedActionOutOfRange() throws Exception {
        assertRefused(
                post(
                        "/v1/decisions",
                        "{\"policy\":\"cartpole\",\"session_id\":\"x\",\"obs\":[1,2,3,4],"
                                + "\"allowed_actions\":[2]}"),
                400,
                "allowed_actions[0]",
                "actions are integers in [0, 2)");
    }

    @Test
    void nonFiniteReward() throws Exception {
        assertRefused(
                post("/v1/rewards", "{\"decision_id\":\"s:1\",\"reward\":Infinity}"),
                400,
                "reward",
                "rewards must be finite");
    }

    @Test
    void rewardForSomethingThatIsNoDecisionId() throws Exception {
        assertRefused(
                post("/v1/rewards", "{\"decision_id\":\"nocolon\",\"reward\":1}"),
                400,
                "decision_id",
                "is not one this service returned");
    }

    @Test
    void badItemOfABatchIsNamed() throws Exception {
        assertRefused(
                post(
                        "/v1/decisions/batch",
                        "{\"decisions\":["
                            + "{\"policy\":\"cartpole\",\"session_id\":\"b1\",\"obs\":[0,0,0,0]},"
                            + "{\"policy\":\"cartpole\",\"session_id\":\"b2\",\"obs\":[1]}]}"),
                400,
                "decisions[1].obs",
                "decisions[1].obs has 1 values");
    }

    @Test
    void unknownRoute() throws Exception {
        assertRefused(post("/v1/nothing", "{}"), 404, "path", "no route POST /v1/nothing");
    }

    @Test
    void aDecisionTheLogRefusesIsNotAnswered() throws Exception {
        LOG.failure = new TimeoutException("broker down");
        assertRefused(
                post(
                        "/v1/decisions",
                        "{\"policy\":\"cartpole\",\"session_id\":\"f\",\"obs\":[0,0,0,0]}"),
                503,
                "body",
                "could not be logged");
    }

    @Test
    void aBatchTheLogTakesInPartAnswersEachItemSoOnlyTheFailedOnesAreRetried() throws Exception {
        LOG.failingSessions = Set.of("pf-2");
        String metricsBefore = get("/metrics").body();
        int loggedBefore = LOG.decisions.size();

        HttpResponse<String> r =
                post(
                        "/v1/decisions/batch",
                        "{\"decisions\":["
                            + "{\"policy\":\"cartpole\",\"session_id\":\"pf-1\",\"obs\":[0,0,0,0]},"
                            + "{\"policy\":\"cartpole\",\"session_id\":\"pf-2\",\"obs\":[0,0,0,0]},"
                            + "{\"policy\":\"cartpole\",\"session_id\":\"pf-3\",\"obs\":[0,0,0,0]}]}");

        // Two of three are logged: the call answers them, and names the one that is not, so
        // the client's retry does not duplicate the two (a whole-batch 503 would have).
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("failed").asInt()).isEqualTo(1);
        JsonNode answers = body.get("decisions");
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).get("decision_id").asText()).startsWith("pf-1:");
        assertThat(answers.get(2).get("decision_id").asText()).startsWith("pf-3:");
        JsonNode failed = answers.get(1);
        assertThat(failed.has("decision_id")).isFalse();
        assertThat(failed.get("status").asInt()).isEqualTo(503);
        assertThat(failed.get("field").asText()).isEqualTo("decisions[1]");
        assertThat(failed.get("error").asText()).contains("could not be logged");
        assertThat(LOG.decisions.subList(loggedBefore, LOG.decisions.size()))
                .extracting(d -> d.getDecisionId().toString())
                .containsExactlyInAnyOrder(
                        answers.get(0).get("decision_id").asText(),
                        answers.get(2).get("decision_id").asText());
        String metricsAfter = get("/metrics").body();
        String logFailed = "replayflow_serve_refused_total{reason=\"log_failed\"}";
        assertThat(metricOrZero(metricsAfter, logFailed) - metricOrZero(metricsBefore, logFailed))
                .isEqualTo(1.0);
    }

    @Test
    void aBatchTheLogRefusesWhollyIsRefusedLikeOneCall() throws Exception {
        LOG.failingSessions = Set.of("wf-1", "wf-2");

        assertRefused(
                post(
                        "/v1/decisions/batch",
                        "{\"decisions\":["
                            + "{\"policy\":\"cartpole\",\"session_id\":\"wf-1\",\"obs\":[0,0,0,0]},"
                            + "{\"policy\":\"cartpole\",\"session_id\":\"wf-2\",\"obs\":[0,0,0,0]}]}"),
                503,
                "body",
                "could not be logged");
    }

    @Test
    void aRewardBatchTheLogTakesInPartCountsAndNamesTheRest() throws Exception {
        LOG.failingSessions = Set.of("rf-2");
        int before = LOG.outcomes.size();

        HttpResponse<String> r =
                post(
                        "/v1/rewards/batch",
                        "{\"rewards\":["
                                + "{\"decision_id\":\"rf-1:0\",\"reward\":1.0},"
                                + "{\"decision_id\":\"rf-2:0\",\"reward\":1.0},"
                                + "{\"decision_id\":\"rf-1:1\",\"reward\":0.5}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(1);
        assertThat(body.get("failures")).hasSize(1);
        assertThat(body.get("failures").get(0).get("field").asText()).isEqualTo("rewards[1]");
        assertThat(body.get("failures").get(0).get("status").asInt()).isEqualTo(503);
        assertThat(LOG.outcomes.size() - before).isEqualTo(2);
    }

    @Test
    void everyRefusalIsCounted() throws Exception {
        post("/v1/decisions", "not json");
        post("/v1/decisions", "{\"policy\":\"zzz\",\"session_id\":\"x\",\"obs\":[1,2,3,4]}");

        String metrics = get("/metrics").body();

        assertThat(metric(metrics, "replayflow_serve_refused_total{reason=\"malformed_json\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(metrics, "replayflow_serve_refused_total{reason=\"unknown_policy\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics).contains("replayflow_serve_decisions_total");
    }

    @Test
    void eachDecisionsStagesAreTimedInAHistogram() throws Exception {
        String before = get("/metrics").body();
        for (int i = 0; i < 3; i++) {
            assertThat(
                            post(
                                            "/v1/decisions",
                                            "{\"policy\":\"cartpole\",\"session_id\":\"st-"
                                                    + i
                                                    + "\",\"obs\":[0,0,0,0]}")
                                    .statusCode())
                    .isEqualTo(200);
        }

        String after = get("/metrics").body();

        String name = "replayflow_serve_decision_stage_seconds";
        for (String stage : List.of("wait", "log", "answer")) {
            String count = name + "_count{stage=\"" + stage + "\"}";
            assertThat(metric(after, count) - metricOrZero(before, count))
                    .as("one %s observation per decision", stage)
                    .isEqualTo(3.0);
        }
        String acts = name + "_count{stage=\"act\"}";
        assertThat(metric(after, acts) - metricOrZero(before, acts))
                .as("one act observation per batch")
                .isBetween(1.0, 3.0);
        // An answer waits for its batch and for the log, so it takes at least as long as its log.
        String answer = name + "_sum{stage=\"answer\"}";
        String log = name + "_sum{stage=\"log\"}";
        assertThat(metric(after, answer) - metricOrZero(before, answer))
                .isGreaterThanOrEqualTo(metric(after, log) - metricOrZero(before, log));
        assertThat(after).contains(name + "_bucket{stage=\"answer\",le=\"0.001\"}");
        assertThat(after).contains("# HELP " + name + " " + ServeMetrics.STAGE_SECONDS_HELP);
    }

    @Test
    void healthAndOpenApi() throws Exception {
        HttpResponse<String> health = get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("ok");

        HttpResponse<String> openApi = get("/openapi.json");
        assertThat(openApi.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(openApi.body());
        assertThat(doc.get("paths").has("/v1/decisions")).isTrue();
        assertThat(doc.get("paths").has("/v1/sessions/{id}/end")).isTrue();
        // docs/openapi.json is the same document.
        assertThat(JSON.readTree(Files.readString(Path.of("../docs/openapi.json")))).isEqualTo(doc);
    }

    private static double metric(String exposition, String series) {
        return exposition
                .lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(series + " not in\n" + exposition));
    }

    private static double metricOrZero(String exposition, String series) {
        return exposition.contains(series + " ") ? metric(exposition, series) : 0.0;
    }

    private static void assertRefused(
            HttpResponse<String> r, int status, String field, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isEqualTo(field);
        assertThat(body.get("error").asText()).contains(message);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(service.uri().resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(service.uri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
