package io.replayflow.actor.env;

import io.replayflow.actor.env.minatar.MinAtar;
import io.replayflow.actor.env.minatar.MinAtarOptions;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.FrameStacking;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * Environment ids mapped to factories: the built-ins plus whatever a user registers.
 *
 * <pre>{@code
 * EnvRegistry registry = EnvRegistry.withBuiltIns();
 * registry.register("MyPlant-v0", MyPlantEnv::new);
 * Environment env = registry.make("MyPlant-v0");  // wrapped in a TimeLimit
 * }</pre>
 *
 * <p>Thread-safe: registering and looking up may happen from any thread.
 */
public final class EnvRegistry {

    private record Entry(EnvSpec spec, Supplier<? extends Environment> factory) {}

    private final Map<String, Entry> entries = new ConcurrentSkipListMap<>();

    private EnvRegistry() {}

    /** An empty registry. */
    public static EnvRegistry empty() {
        return new EnvRegistry();
    }

    /**
     * A registry holding CartPole-v1, CartPole-v1-masked (velocities hidden), Acrobot-v1,
     * MountainCar-v0 and the MinAtar games with MinAtar's defaults ({@link
     * MinAtarOptions#DEFAULTS}: sticky actions p = 0.1, full actions).
     */
    public static EnvRegistry withBuiltIns() {
        return withBuiltIns(MinAtarOptions.DEFAULTS);
    }

    /** The built-ins, with the MinAtar games made with {@code minAtar}. */
    public static EnvRegistry withBuiltIns(MinAtarOptions minAtar) {
        EnvRegistry registry =
                empty().register(CartPole.SPEC.id(), CartPole::new)
                        .register(CartPole.MASKED_SPEC.id(), CartPole::masked)
                        .register(Acrobot.SPEC.id(), Acrobot::new)
                        .register(MountainCar.SPEC.id(), MountainCar::new);
        return MinAtar.registerAll(registry, minAtar);
    }

    /**
     * Registers {@code factory} under {@code id}. The factory is called once here to read the spec,
     * whose id must equal {@code id}; afterwards it must return a new environment per call.
     *
     * @return this registry, for chaining
     * @throws IllegalArgumentException if the id is taken or the factory's spec disagrees
     */
    public EnvRegistry register(String id, Supplier<? extends Environment> factory) {
        if (id == null || id.isBlank() || factory == null) {
            throw new IllegalArgumentException(
                    "register needs a non-blank id and a factory; got id="
                            + id
                            + ", factory="
                            + factory);
        }
        Environment probe = factory.get();
        if (probe == null) {
            throw new IllegalArgumentException(
                    "the factory registered as "
                            + id
                            + " returned null; it must return a new"
                            + " environment per call");
        }
        EnvSpec spec = probe.spec();
        if (!id.equals(spec.id())) {
            throw new IllegalArgumentException(
                    "the factory registered as "
                            + id
                            + " makes environments whose spec id is "
                            + spec.id()
                            + "; register it under "
                            + spec.id()
                            + " or fix its EnvSpec");
        }
        if (entries.putIfAbsent(id, new Entry(spec, factory)) != null) {
            throw new IllegalArgumentException(
                    "environment id " + id + " is already registered; choose another id");
        }
        return this;
    }

    /**
     * A frame stack of a registered image environment ({@link FrameStacking}: {@code
     * <id>+stack<k>}); null when {@code id} is not one.
     */
    private Entry stacked(String id) {
        FrameStacking stacking = FrameStacking.parse(id).orElse(null);
        Entry base = stacking == null ? null : entries.get(stacking.baseId());
        if (base == null) {
            return null;
        }
        EnvSpec spec = stacking.apply(base.spec());
        return new Entry(spec, () -> new FrameStack(base.factory().get(), stacking.frames()));
    }

    /** The registered ids, sorted. */
    public List<String> ids() {
        return List.copyOf(entries.keySet());
    }

    /** Whether {@code id} is registered, or is a frame stack of a registered image environment. */
    public boolean contains(String id) {
        if (id == null) {
            return false;
        }
        if (entries.containsKey(id)) {
            return true;
        }
        try {
            return stacked(id) != null;
        } catch (IllegalArgumentException notAnImageEnv) {
            return false;
        }
    }

    /** The spec of {@code id}. */
    public EnvSpec spec(String id) {
        return entry(id).spec();
    }

    /** A new environment {@code id} wrapped in a {@link TimeLimit}, like {@code gym.make}. */
    public TimeLimit make(String id) {
        return new TimeLimit(makeUnwrapped(id));
    }

    /** A new environment {@code id} without a time limit: the bare MDP. */
    public Environment makeUnwrapped(String id) {
        return entry(id).factory().get();
    }

    private Entry entry(String id) {
        Entry entry = id == null ? null : entries.get(id);
        if (entry == null) {
            entry = stacked(id);
        }
        if (entry == null) {
            throw new IllegalArgumentException(
                    "unknown environment id \"" + id + "\"; known ids: " + entries.keySet());
        }
        return entry;
    }
}
