package io.replayflow.actor.env.minatar;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.util.List;
import java.util.function.Function;

/**
 * The five MinAtar games under their ids {@code MinAtar/<Game>-v1}: Breakout and Space Invaders
 * exactly as MinAtar plays them (both are deterministic given their state), Freeway, Asterix and
 * Seaquest with MinAtar's rules and ReplayFlow's random draws.
 *
 * <pre>{@code
 * Environment breakout = MinAtar.make("MinAtar/Breakout-v1", MinAtarOptions.DEFAULTS);
 * EnvRegistry registry = MinAtar.registerAll(EnvRegistry.withBuiltIns(), options);
 * }</pre>
 */
public final class MinAtar {
    private MinAtar() {}

    private record Game(EnvSpec spec, Function<MinAtarOptions, MinAtarGame> rules) {}

    private static final List<Game> GAMES =
            List.of(
                    new Game(EnvSpecs.MINATAR_BREAKOUT, o -> new Breakout()),
                    new Game(
                            EnvSpecs.MINATAR_SPACE_INVADERS,
                            o -> new SpaceInvaders(o.difficultyRamping())),
                    new Game(EnvSpecs.MINATAR_FREEWAY, o -> new Freeway()),
                    new Game(EnvSpecs.MINATAR_ASTERIX, o -> new Asterix(o.difficultyRamping())),
                    new Game(EnvSpecs.MINATAR_SEAQUEST, o -> new Seaquest(o.difficultyRamping())));

    /** The ids, in the env table's order. */
    public static List<String> ids() {
        return GAMES.stream().map(g -> g.spec().id()).toList();
    }

    public static boolean isMinAtar(String envId) {
        return GAMES.stream().anyMatch(g -> g.spec().id().equals(envId));
    }

    /**
     * A new game {@code envId} with {@code options}.
     *
     * @throws IllegalArgumentException for an id that is not a MinAtar game, naming the ids
     */
    public static MinAtarEnv make(String envId, MinAtarOptions options) {
        for (Game game : GAMES) {
            if (game.spec().id().equals(envId)) {
                return new MinAtarEnv(game.spec(), game.rules().apply(options), options);
            }
        }
        throw new IllegalArgumentException(
                "unknown MinAtar environment \"" + envId + "\"; the games are " + ids());
    }

    /**
     * Registers every game with {@code options} in {@code registry}. With the minimal action set
     * the registered spec has fewer actions than the env table's entry.
     */
    public static EnvRegistry registerAll(EnvRegistry registry, MinAtarOptions options) {
        for (String id : ids()) {
            registry.register(id, () -> make(id, options));
        }
        return registry;
    }
}
