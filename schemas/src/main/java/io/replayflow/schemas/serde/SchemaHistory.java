package io.replayflow.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every released version of every ReplayFlow schema, loaded from the {@code INDEX} under {@code
 * schemas/src/main/avro/history/} (packaged as {@code io/replayflow/schemas/history/}).
 *
 * <p>Immutable and thread-safe once loaded; {@link #released()} loads it once per class loader.
 */
public final class SchemaHistory {

    /** Classpath folder of the released {@code .avsc} files and their {@code INDEX}. */
    public static final String RESOURCE_ROOT = "io/replayflow/schemas/history/";

    private static volatile SchemaHistory released;

    private final Map<String, List<Version>> byRecord;
    private final Map<Long, Version> byFingerprint;

    /** One released schema version. */
    public record Version(String path, int number, Schema schema, long fingerprint) {}

    private SchemaHistory(List<Version> versions) {
        Map<String, List<Version>> records = new LinkedHashMap<>();
        Map<Long, Version> fingerprints = new HashMap<>();
        for (Version v : versions) {
            records.computeIfAbsent(v.schema().getFullName(), k -> new ArrayList<>()).add(v);
            Version clash = fingerprints.putIfAbsent(v.fingerprint(), v);
            if (clash != null && !clash.schema().equals(v.schema())) {
                throw new IllegalStateException(
                        "schema history: "
                                + v.path()
                                + " and "
                                + clash.path()
                                + " share fingerprint "
                                + hex(v.fingerprint()));
            }
        }
        records.replaceAll((k, list) -> List.copyOf(list));
        this.byRecord = Collections.unmodifiableMap(records);
        this.byFingerprint = Map.copyOf(fingerprints);
    }

    /** The released history packaged with this jar. */
    public static SchemaHistory released() {
        SchemaHistory h = released;
        if (h == null) {
            synchronized (SchemaHistory.class) {
                h = released;
                if (h == null) {
                    h = load(SchemaHistory.class.getClassLoader());
                    released = h;
                }
            }
        }
        return h;
    }

    static SchemaHistory load(ClassLoader loader) {
        List<Version> versions = new ArrayList<>();
        for (String path : readIndex(loader)) {
            Schema schema = parse(loader, path);
            versions.add(
                    new Version(
                            path,
                            versionNumber(path),
                            schema,
                            SchemaNormalization.parsingFingerprint64(schema)));
        }
        return new SchemaHistory(versions);
    }

    /** Released versions of the record with this full name, oldest first (empty if none). */
    public List<Version> versionsOf(String fullName) {
        return byRecord.getOrDefault(fullName, List.of());
    }

    /** Full names of every record with a released version. */
    public List<String> recordNames() {
        return List.copyOf(byRecord.keySet());
    }

    public Optional<Version> byFingerprint(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }

    private static List<String> readIndex(ClassLoader loader) {
        String indexPath = RESOURCE_ROOT + "INDEX";
        try (InputStream in = loader.getResourceAsStream(indexPath)) {
            if (in == null) {
                throw new IllegalStateException(
                        indexPath
                                + " is not on the classpath: the replayflow-schemas jar is"
                                + " incomplete; rebuild it with ./mvnw -pl schemas install");
            }
            List<String> paths = new ArrayList<>();
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    paths.add(trimmed);
                }
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + indexPath, e);
        }
    }

    private static Schema parse(ClassLoader loader, String path) {
        try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException(
                        "schema history INDEX lists "
                                + path
                                + " but the file is missing from "
                                + RESOURCE_ROOT);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read released schema " + path, e);
        }
    }

    private static int versionNumber(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        if (!file.matches("v[0-9]+\\.avsc")) {
            throw new IllegalStateException(
                    "released schema "
                            + path
                            + " must be named v<N>.avsc, e.g. Transition/v3.avsc");
        }
        return Integer.parseInt(file.substring(1, file.length() - ".avsc".length()));
    }
}
