package io.replayflow.cluster.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.cluster.ClusterException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client of a Flink REST endpoint (the JobManager's {@code rest.port}). */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;

    FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    /** GET {@code path}; a non-2xx answer is an exception naming the path and the body. */
    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** POST {@code body} (JSON) to {@code path}. */
    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    /** PATCH {@code path} without a body. */
    JsonNode patch(String path) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** Sends a prepared request (e.g. a multipart upload) and parses the JSON answer. */
    JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.timeout(Duration.ofMinutes(2)).build();
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new ClusterException(
                    built.method()
                            + " "
                            + built.uri()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + abbreviate(response.body()));
        }
        String body = response.body();
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    /** The first line of the server's error and its "Caused by" lines, not the stack frames. */
    private static String abbreviate(String body) {
        String text = body == null ? "" : body;
        try {
            JsonNode errors = JSON.readTree(text).path("errors");
            if (errors.isArray()) {
                text = errors.toString().replace("\\n", "\n").replace("\\t", "\t");
            }
        } catch (IOException e) {
            // not JSON: keep the raw body
        }
        StringBuilder summary = new StringBuilder();
        for (String line : text.split("\n")) {
            if (summary.length() == 0
                    || line.contains("Caused by")
                    || line.contains("Exception:")) {
                summary.append(summary.length() == 0 ? "" : " | ").append(line.strip());
            }
        }
        String flat = summary.toString();
        return flat.length() > 3000 ? flat.substring(0, 3000) + "..." : flat;
    }
}
