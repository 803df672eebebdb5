package io.replayflow.actor;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity fields of an actor's transitions.
 *
 * <ul>
 *   <li>actor id: {@code <name>-<actorIndex>/<slot>}, e.g. {@code host-a-0/17}: one vector slot of
 *       one actor of one process;
 *   <li>episode id: {@code <actorId>-<runNonce>-<episodeIndex>}, e.g. {@code
 *       host-a-0/17-k3x9f2m1qa-42}; the run nonce is fresh per process start, so a restarted actor
 *       never reuses an episode id (ingest would drop its transitions as duplicates).
 * </ul>
 *
 * @param name the process's name (host name by default)
 * @param actorIndex which actor of the process
 * @param runNonce random, unique per run
 */
public record EpisodeIds(String name, int actorIndex, String runNonce) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    public EpisodeIds {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(runNonce, "runNonce");
        if (!SAFE.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "actor name '"
                            + name
                            + "' may only use letters, digits, '.', '_' and '-' (it becomes part of"
                            + " every actor and episode id)");
        }
        if (!SAFE.matcher(runNonce).matches()) {
            throw new IllegalArgumentException("run nonce '" + runNonce + "' has unsafe chars");
        }
        if (actorIndex < 0) {
            throw new IllegalArgumentException("actorIndex must be >= 0; got " + actorIndex);
        }
    }

    /** {@code <name>-<actorIndex>/<slot>}. */
    public String actorId(int slot) {
        return name + "-" + actorIndex + "/" + slot;
    }

    /** {@code <actorId>-<runNonce>-<episodeIndex>}. */
    public String episodeId(int slot, long episodeIndex) {
        return actorId(slot) + "-" + runNonce + "-" + episodeIndex;
    }
}
