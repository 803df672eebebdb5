package io.replayflow.actor.serve.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.metrics.ServeMetrics;
import io.replayflow.actor.metrics.ServeMetrics.Refusal;
import io.replayflow.actor.serve.SessionTable;
import io.replayflow.actor.serve.SessionTable.Session;
import io.replayflow.actor.serve.decide.DecisionBatcher;
import io.replayflow.actor.serve.decide.DecisionRequest;
import io.replayflow.actor.serve.decide.OverloadedException;
import io.replayflow.actor.serve.http.RequestParser.EndCall;
import io.replayflow.actor.serve.http.RequestParser.RewardCall;
import io.replayflow.actor.serve.log.ServeLog;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import io.replayflow.schemas.avro.Reward;
import io.replayflow.schemas.avro.SessionEnd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision service's routes, as {@code docs/openapi.json} describes them:
 *
 * <pre>
 *   POST /v1/decisions            {policy, session_id, obs, [allowed_actions]}
 *                                 → {decision_id, action, probability, policy_version}
 *   POST /v1/decisions/batch      {"decisions": [...]} → {"decisions": [...], "failed": n}
 *   POST /v1/rewards              {decision_id, reward, [reward_id]} → {}
 *   POST /v1/rewards/batch        {"rewards": [...]} → {"accepted": n, "failed": n, "failures": [...]}
 *   POST /v1/sessions/{id}/end    {[final_obs], terminated, truncated} → {}
 *   GET  /healthz, /openapi.json, /metrics
 * </pre>
 *
 * <p>Every call is answered after its records are in the {@link ServeLog}. A refusal is a JSON
 * {@code {"error", "field"}} with a 4xx status (503 when the service is overloaded or the log
 * fails), counted in {@code serve/refused} by reason. A batch is checked all or nothing: one bad
 * item refuses the whole batch, naming it ({@code decisions[3].obs}). Logging is answered item by
 * item: when the log takes some items and fails others, the call answers 200 with each failed item
 * as {@code {"error", "field", "status"}} in its place ({@code "failed": n}), so the client retries
 * only those; when every item fails, the call is refused as a single one would be.
 *
 * <p>Non-blocking: bodies are read asynchronously and answers are written when the log
 * acknowledges, so no server thread waits on Kafka or on the batcher. The log's futures complete on
 * threads that must not do the answering: Kafka's producer completes them on its one I/O thread,
 * which meanwhile sends no request and reads no acknowledgement, and the batcher (when the answer
 * does not wait for the ack) on its one batching thread, which meanwhile gathers no batch. So each
 * answer is built and written on {@code answers} (the HTTP server's threads), one hand-over per
 * call.
 */
public final class ServeHandler extends Handler.Abstract.NonBlocking {
    private static final Logger LOG = LoggerFactory.getLogger(ServeHandler.class);
    private static final Pattern END = Pattern.compile("/v1/sessions/([^/]+)/end");
    private static final String JSON_TYPE = "application/json";

    private final RequestParser parser;
    private final DecisionBodyReader decisions;
    private final DecisionBatcher batcher;
    private final ServeLog log;
    private final SessionTable sessions;
    private final ServeMetrics metrics;
    private final PrometheusRegistry registry;
    private final InstantSource clock;
    private final String serviceId;
    private final int maxBodyBytes;
    private final LongSupplier policyVersion;
    private final Executor answers;
    private final byte[] openApi;
    private final PrometheusTextFormatWriter prometheus = PrometheusTextFormatWriter.create();

    public ServeHandler(
            RequestParser parser,
            DecisionBatcher batcher,
            ServeLog log,
            SessionTable sessions,
            ServeMetrics metrics,
            PrometheusRegistry registry,
            InstantSource clock,
            String serviceId,
            int maxBodyBytes,
            LongSupplier policyVersion,
            Executor answers) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.decisions = parser.streamingReader();
        this.batcher = Objects.requireNonNull(batcher, "batcher");
        this.log = Objects.requireNonNull(log, "log");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
        this.maxBodyBytes = maxBodyBytes;
        this.policyVersion = Objects.requireNonNull(policyVersion, "policyVersion");
        this.answers = Objects.requireNonNull(answers, "answers");
        this.openApi = openApiDocument();
        warmTreeModel();
    }

    /**
     * Decisions no longer touch Jackson's tree model, so without this the first reward or end would
     * pay for setting up its deserializer and serializer (hundreds of ms on a loaded machine), late
     * against a short reward horizon.
     */
    private static void warmTreeModel() {
        JsonNode node = RequestParser.object("{\"warm\":[1.5,true,\"x\"]}".getBytes(UTF_8));
        bytes(node);
    }

    /** The OpenAPI document served at {@code /openapi.json} (a copy of docs/openapi.json). */
    public static byte[] openApiDocument() {
        try (InputStream in = ServeHandler.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException(
                        "openapi.json is missing beside ServeHandler: the actor-service jar is"
                                + " incomplete; rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            if ("GET".equals(method)) {
                get(path, response, callback);
            } else if ("POST".equals(method)) {
                post(path, request, response, callback);
            } else {
                throw notFound(method, path);
            }
        } catch (ApiError e) {
            refuse(response, callback, e);
        }
        return true;
    }

    private void get(String path, Response response, Callback callback) {
        switch (path) {
            case "/healthz" -> {
                ObjectNode body = RequestParser.JSON.createObjectNode();
                body.put("status", "ok");
                body.put("policy_version", policyVersion.getAsLong());
                write(response, callback, 200, JSON_TYPE, bytes(body));
            }
            case "/openapi.json" -> write(response, callback, 200, JSON_TYPE, openApi);
            case "/metrics" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
                try {
                    prometheus.write(out, registry.scrape());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                write(response, callback, 200, prometheus.getContentType(), out.toByteArray());
            }
            default -> throw notFound("GET", path);
        }
    }

    private void post(String path, Request request, Response response, Callback callback) {
        Matcher end = END.matcher(path);
        String sessionId = end.matches() ? end.group(1) : null;
        if (sessionId == null
                && !path.equals("/v1/decisions")
                && !path.equals("/v1/decisions/batch")
                && !path.equals("/v1/rewards")
                && !path.equals("/v1/rewards/batch")) {
            throw notFound("POST", path);
        }
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared);
        }
        Content.Source.asByteArrayAsync(request, maxBodyBytes + 1)
                .thenCompose(
                        body -> {
                            if (body.length > maxBodyBytes) {
                                throw tooLarge(body.length);
                            }
                            if (path.equals("/v1/decisions")) {
                                return decide(body);
                            }
                            JsonNode json = RequestParser.object(body);
                            CompletableFuture<JsonNode> answer =
                                    switch (path) {
                                        case "/v1/decisions/batch" -> decideBatch(json);
                                        case "/v1/rewards" -> reward(json);
                                        case "/v1/rewards/batch" -> rewardBatch(json);
                                        default -> end(sessionId, json);
                                    };
                            return answer.thenApply(ServeHandler::bytes);
                        })
                .whenComplete(
                        (answer, error) -> {
                            if (error == null) {
                                write(response, callback, 200, JSON_TYPE, answer);
                            } else {
                                refuse(response, callback, asApiError(error));
                            }
                        });
    }

    /**
     * The hot path: the body read by the streaming {@link DecisionBodyReader} (the tree parser only
     * when it declines, to name the fault) and the answer written by a generator.
     */
    private CompletableFuture<byte[]> decide(byte[] body) {
        DecisionRequest request = decisions.read(body);
        if (request == null) {
            request = parser.decision(RequestParser.object(body), "");
        }
        return submit(request).thenApplyAsync(ServeHandler::answerBytes, answers);
    }

    private CompletableFuture<JsonNode> decideBatch(JsonNode json) {
        JsonNode items = items(json, "decisions");
        if (items.size() > batcher.capacity()) {
            throw new ApiError(
                    413,
                    Refusal.TOO_LARGE,
                    "decisions",
                    "decisions holds "
                            + items.size()
                            + " requests; one call takes at most "
                            + batcher.capacity()
                            + " (serve.batch.queue-capacity): split it into smaller calls");
        }
        List<DecisionRequest> requests = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            requests.add(parser.decision(item(items, i, "decisions"), "decisions[" + i + "]."));
        }
        List<Session> entries = new ArrayList<>(requests.size());
        for (DecisionRequest r : requests) {
            entries.add(sessions.touch(r.sessionId()));
        }
        List<CompletableFuture<Decision>> futures =
                batcher.submitAll(requests, entries).stream().map(this::counted).toList();
        return settled(futures)
                .<JsonNode>thenApplyAsync(
                        ignored -> {
                            ApiError firstFailure = firstFailure(futures);
                            int failed = failures(futures);
                            if (failed == futures.size()) {
                                throw firstFailure;
                            }
                            ObjectNode body = RequestParser.JSON.createObjectNode();
                            ArrayNode out = body.putArray("decisions");
                            for (int i = 0; i < futures.size(); i++) {
                                CompletableFuture<Decision> f = futures.get(i);
                                out.add(
                                        f.isCompletedExceptionally()
                                                ? itemFailure(f, "decisions[" + i + "]")
                                                : answer(f.join()));
                            }
                            body.put("failed", failed);
                            return body;
                        },
                        answers);
    }

    /**
     * Completes when every future has, failed or not: a batch answers item by item, so one item
     * whose log write fails must not hide the others' answers. (Answering 503 for the whole batch
     * when some of its decisions are already logged leaves decisions in the log that the client
     * never saw, and its retry makes new ones: the join job would then read the retried decision's
     * obs as the orphan's next_obs.)
     */
    private static CompletableFuture<Void> settled(List<? extends CompletableFuture<?>> futures) {
        // allOf completes only once every future has, whether or not one failed
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .handle((ok, error) -> null);
    }

    /** The failure of a future known to have completed exceptionally. */
    private static Throwable error(CompletableFuture<?> failed) {
        return failed.handle((ok, error) -> error).join();
    }

    private static int failures(List<? extends CompletableFuture<?>> futures) {
        return (int) futures.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    }

    private static ApiError firstFailure(List<? extends CompletableFuture<?>> futures) {
        for (CompletableFuture<?> f : futures) {
            if (f.isCompletedExceptionally()) {
                return asApiError(error(f));
            }
        }
        return null;
    }

    /**
     * One failed item of a partly answered batch, {@code {"error", "field", "status"}}, counted as
     * a refusal like a whole call; the client retries just these items.
     */
    private JsonNode itemFailure(CompletableFuture<?> failed, String field) {
        ApiError e = asApiError(error(failed));
        metrics.refused(e.reason());
        ObjectNode item = RequestParser.JSON.createObjectNode();
        item.put("error", e.getMessage());
        item.put("field", field);
        item.put("status", e.status());
        return item;
    }

    private CompletableFuture<Decision> submit(DecisionRequest request) {
        return counted(batcher.submit(request, sessions.touch(request.sessionId())));
    }

    private CompletableFuture<Decision> counted(CompletableFuture<Decision> decision) {
        return decision.thenApply(
                d -> {
                    metrics.decided();
                    return d;
                });
    }

    /** {@code {decision_id, action, probability, policy_version}}, as {@link #answer} has it. */
    private static byte[] answerBytes(Decision d) {
        ByteArrayBuilder out = new ByteArrayBuilder(128);
        try (JsonGenerator g = RequestParser.JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("decision_id", d.getDecisionId().toString());
            g.writeNumberField("action", d.getAction());
            g.writeNumberField("probability", d.getProbability());
            g.writeNumberField("policy_version", d.getPolicyVersion());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static JsonNode answer(Decision d) {
        ObjectNode body = RequestParser.JSON.createObjectNode();
        body.put("decision_id", d.getDecisionId().toString());
        body.put("action", d.getAction());
        body.put("probability", d.getProbability());
        body.put("policy_version", d.getPolicyVersion());
        return body;
    }

    private CompletableFuture<JsonNode> reward(JsonNode json) {
        RewardCall call = parser.reward(json, "");
        return log.append(outcome(call)).thenApplyAsync(ok -> (JsonNode) rewarded(1), answers);
    }

    private CompletableFuture<JsonNode> rewardBatch(JsonNode json) {
        JsonNode items = items(json, "rewards");
        List<Outcome> outcomes = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            outcomes.add(outcome(parser.reward(item(items, i, "rewards"), "rewards[" + i + "].")));
        }
        List<CompletableFuture<Void>> appends = outcomes.stream().map(log::append).toList();
        return settled(appends)
                .<JsonNode>thenApplyAsync(
                        ignored -> {
                            int failed = failures(appends);
                            if (failed == appends.size()) {
                                throw firstFailure(appends);
                            }
                            ObjectNode body = rewarded(appends.size() - failed);
                            body.put("failed", failed);
                            ArrayNode out = body.putArray("failures");
                            for (int i = 0; i < appends.size(); i++) {
                                if (appends.get(i).isCompletedExceptionally()) {
                                    out.add(itemFailure(appends.get(i), "rewards[" + i + "]"));
                                }
                            }
                            return body;
                        },
                        answers);
    }

    private ObjectNode rewarded(int n) {
        for (int i = 0; i < n; i++) {
            metrics.rewarded();
        }
        ObjectNode body = RequestParser.JSON.createObjectNode();
        body.put("accepted", n);
        return body;
    }

    private Outcome outcome(RewardCall call) {
        return Outcome.newBuilder()
                .setSessionId(call.sessionId())
                .setServiceId(serviceId)
                .setEventTimeMs(clock.millis())
                .setOutcome(
                        Reward.newBuilder()
                                .setDecisionId(call.decisionId())
                                .setReward(call.reward())
                                .setRewardId(call.rewardId())
                                .build())
                .build();
    }

    private CompletableFuture<JsonNode> end(String sessionId, JsonNode json) {
        EndCall call = parser.end(sessionId, json, "");
        if (!sessions.end(call.sessionId())) {
            throw new ApiError(
                    404,
                    Refusal.UNKNOWN_SESSION,
                    "session_id",
                    "unknown session '"
                            + call.sessionId()
                            + "': this service has no open session of that id (never decided"
                            + " for, already ended, or idle past the timeout); end a session"
                            + " once, after its last decision");
        }
        List<Float> finalObs = null;
        if (call.finalObs() != null) {
            finalObs = new ArrayList<>(call.finalObs().length);
            for (float v : call.finalObs()) {
                finalObs.add(v);
            }
        }
        Outcome outcome =
                Outcome.newBuilder()
                        .setSessionId(call.sessionId())
                        .setServiceId(serviceId)
                        .setEventTimeMs(clock.millis())
                        .setOutcome(
                                SessionEnd.newBuilder()
                                        .setFinalObs(finalObs)
                                        .setTerminated(call.terminated())
                                        .setTruncated(call.truncated())
                                        .build())
                        .build();
        return log.append(outcome)
                .thenApplyAsync(
                        ok -> {
                            metrics.sessionEnded();
                            ObjectNode body = RequestParser.JSON.createObjectNode();
                            body.put("session_id", call.sessionId());
                            return body;
                        },
                        answers);
    }

    private static JsonNode items(JsonNode json, String name) {
        JsonNode items = json.get(name);
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiError.badField(
                    name, name + " is required and must be a non-empty array of requests");
        }
        return items;
    }

    private static JsonNode item(JsonNode items, int i, String name) {
        JsonNode item = items.get(i);
        if (!item.isObject()) {
            throw ApiError.badField(name + "[" + i + "]", name + "[" + i + "] must be an object");
        }
        return item;
    }

    private ApiError tooLarge(long length) {
        return new ApiError(
                413,
                Refusal.TOO_LARGE,
                "body",
                "the body is "
                        + length
                        + " bytes; the limit is "
                        + maxBodyBytes
                        + " (split a batch into smaller ones)");
    }

    private static ApiError notFound(String method, String path) {
        return new ApiError(
                404,
                Refusal.NOT_FOUND,
                "path",
                "no route "
                        + method
                        + " "
                        + path
                        + "; see GET /openapi.json for the routes this service answers");
    }

    private static ApiError asApiError(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiError api) {
            return api;
        }
        if (cause instanceof OverloadedException overloaded) {
            return new ApiError(503, Refusal.OVERLOADED, "body", overloaded.getMessage());
        }
        if (cause instanceof IllegalArgumentException tooBig) {
            // Content.Source.asByteArrayAsync past its limit
            return new ApiError(
                    413,
                    Refusal.TOO_LARGE,
                    "body",
                    "the body is too large: " + tooBig.getMessage());
        }
        LOG.warn("a call could not be logged: {}", cause.toString());
        return new ApiError(
                503,
                Refusal.LOG_FAILED,
                "body",
                "the record could not be logged ("
                        + cause
                        + "); nothing was answered, so retry after a short back-off");
    }

    private void refuse(Response response, Callback callback, ApiError e) {
        metrics.refused(e.reason());
        ObjectNode body = RequestParser.JSON.createObjectNode();
        body.put("error", e.getMessage());
        body.put("field", e.field());
        write(response, callback, e.status(), JSON_TYPE, bytes(body));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return RequestParser.JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(
            Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
