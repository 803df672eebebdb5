package io.replayflow.cli.lifecycle;

import io.replayflow.schemas.avro.PolicyAssignment;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A version's place in its policy's lifecycle.
 *
 * <ul>
 *   <li>{@code champion}: acts every episode the canary does not (without an assignment: the newest
 *       version, which actors follow);
 *   <li>{@code canary}: acts its share of episodes;
 *   <li>{@code candidate}: published after the champion and never assigned;
 *   <li>{@code retired}: acted once (champion or canary in the history) or is older than the
 *       champion.
 * </ul>
 */
public enum Stage {
    CHAMPION,
    CANARY,
    CANDIDATE,
    RETIRED;

    /** The name in {@code policy list}'s output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stage of {@code version}. */
    public static Stage of(
            long version,
            long newest,
            Optional<PolicyAssignment> current,
            List<PolicyAssignment> history) {
        if (current.isEmpty()) {
            return version == newest ? CHAMPION : RETIRED;
        }
        PolicyAssignment a = current.get();
        if (a.getChampion().getVersion() == version) {
            return CHAMPION;
        }
        if (a.getCanary() != null && a.getCanary().getVersion() == version) {
            return CANARY;
        }
        boolean assignedBefore =
                history.stream()
                        .anyMatch(
                                h ->
                                        h.getChampion().getVersion() == version
                                                || (h.getCanary() != null
                                                        && h.getCanary().getVersion() == version));
        if (assignedBefore || version < a.getChampion().getVersion()) {
            return RETIRED;
        }
        return CANDIDATE;
    }
}
