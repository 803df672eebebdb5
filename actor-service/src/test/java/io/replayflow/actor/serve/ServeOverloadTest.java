package io.replayflow.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A full decision queue refuses a batch call whole: none of its decisions is acted on or logged, so
 * a client answered 503 has no logged decision it never saw; a call larger than the queue is bad
 * input (real Jetty, the JDK's client, the log in memory).
 */
@Timeout(60)
class ServeOverloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RecordingServeLog LOG = new RecordingServeLog();
    private static DecisionService service;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        ServeConfig config =
                ServeOptions.parse(
                        Map.of(
                                ServeOptions.BOOTSTRAP_SERVERS.key(),
                                "unused:9092",
                                ServeOptions.POLICY_NAME.key(),
                                "cartpole",
                                "serve.http.port",
                                "0",
                                "serve.batch.max-size",
                                "2",
                                "serve.batch.queue-capacity",
                                "4"));
        service = DecisionService.startWithoutFollower(config, LOG, InstantSource.system());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aBatchLargerThanTheQueueIsRefusedNamingTheField() throws Exception {
        HttpResponse<String> refused = post(batch("big", 5));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
        assertThat(JSON.readTree(refused.body()).get("field").asText()).isEqualTo("decisions");
        assertThat(JSON.readTree(refused.body()).get("error").asText())
                .contains("holds 5 requests", "at most 4", "serve.batch.queue-capacity");
        assertThat(LOG.decisions)
                .noneSatisfy(d -> assertThat(d.getSessionId().toString()).startsWith("big-"));
    }

    @Test
    void underOverloadEachBatchCallIsLoggedWholeOrNotAtAll() throws Exception {
        int calls = 40;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int c = 0; c < calls; c++) {
            answers.add(postAsync(batch("c" + c, 3)));
        }
        int answered = 0;
        int refused = 0;
        for (int c = 0; c < calls; c++) {
            HttpResponse<String> r = answers.get(c).get(30, TimeUnit.SECONDS);
            String prefix = "c" + c + "-";
            long logged =
                    LOG.decisions.stream()
                            .filter(d -> d.getSessionId().toString().startsWith(prefix))
                            .count();
            if (r.statusCode() == 200) {
                answered++;
                assertThat(logged).as("call %d answered", c).isEqualTo(3);
            } else {
                refused++;
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(logged).as("call %d refused", c).isZero();
            }
        }
        // A queue of 4 behind a batch of at most 2 holds one call of 3 at a time: 40 calls at
        // once cannot all be taken, and the first always is.
        assertThat(answered).isPositive();
        assertThat(answered + refused).isEqualTo(calls);
    }

    private static String batch(String prefix, int n) {
        StringJoiner items = new StringJoiner(",", "{\"decisions\":[", "]}");
        for (int i = 0; i < n; i++) {
            items.add(
                    "{\"policy\":\"cartpole\",\"session_id\":\""
                            + prefix
                            + "-"
                            + i
                            + "\",\"obs\":[0,0,0,0]}");
        }
        return items.toString();
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return client.sendAsync(request(body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String body) {
        return HttpRequest.newBuilder(service.uri().resolve("/v1/decisions/batch"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return client.send(request(body), HttpResponse.BodyHandlers.ofString());
    }
}
