package io.replayflow.cluster.drill;

import java.util.Map;
import java.util.Set;

/**
 * What arrived compared with what was sent, identity by identity ({@code actor/episode/step}).
 *
 * @param where what was read (e.g. "experience log (DuckDB)")
 * @param sent identities the cluster acknowledged to the producer
 * @param rows records found
 * @param distinct distinct identities found
 * @param missing sent but not found
 * @param duplicated found more than once
 * @param unexpected found but never sent
 */
public record DeliveryCheck(
        String where,
        long sent,
        long rows,
        long distinct,
        long missing,
        long duplicated,
        long unexpected) {

    /**
     * Compares the identities found ({@code counts}: identity to occurrences) with {@code sent}.
     */
    static DeliveryCheck of(String where, Set<String> sent, Map<String, Integer> counts) {
        long rows = 0;
        long duplicated = 0;
        long unexpected = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            rows += e.getValue();
            if (e.getValue() > 1) {
                duplicated++;
            }
            if (!sent.contains(e.getKey())) {
                unexpected++;
            }
        }
        long missing = sent.stream().filter(id -> !counts.containsKey(id)).count();
        return new DeliveryCheck(
                where, sent.size(), rows, counts.size(), missing, duplicated, unexpected);
    }

    /** Every sent identity exactly once, nothing else. */
    public boolean exactlyOnce() {
        return missing == 0 && duplicated == 0 && unexpected == 0 && rows == sent;
    }

    /** One line for the report. */
    public String line() {
        return String.format(
                "%s: %d rows, %d distinct; missing %d, duplicated %d, unexpected %d -> %s",
                where,
                rows,
                distinct,
                missing,
                duplicated,
                unexpected,
                exactlyOnce() ? "exactly once" : "NOT exactly once");
    }
}
