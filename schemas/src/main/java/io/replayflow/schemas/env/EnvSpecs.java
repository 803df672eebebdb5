package io.replayflow.schemas.env;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The table of environments: the built-ins (the environments the actor service runs) plus those a
 * user declares (ingest's {@code ingest.env-specs}). The actors' environments take their spec from
 * here, ingest validates transitions against it and the trainer reads action counts from it, so an
 * environment is described once.
 *
 * <pre>{@code
 * EnvSpec cartPole = EnvSpecs.builtIn("CartPole-v1").orElseThrow();
 * EnvSpecs table = EnvSpecs.withDeclared(List.of(EnvSpec.parse("MyPlant-v0:8:4")));
 * }</pre>
 *
 * <p>Immutable and serializable: it travels inside Flink functions.
 */
public final class EnvSpecs implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * CartPole-v1: Gymnasium's classic control task, 500-step limit, solved at 475. Observation
     * bounds as Gymnasium's {@code Box}: x within ±4.8 and the angle within ±0.419 rad (twice the
     * termination thresholds), both velocities unbounded.
     */
    public static final EnvSpec CART_POLE =
            new EnvSpec(
                            "CartPole-v1",
                            List.of(4),
                            2,
                            500,
                            475.0,
                            "a uniformly random policy averages ~22")
                    .withObservationBounds(
                            ObservationBounds.parse(
                                    "-4.8:4.8,-inf:inf,-0.41887903:0.41887903,-inf:inf"));

    /**
     * CartPole-v1-masked: CartPole-v1 with the velocities hidden, a partially observed benchmark
     * for recurrent policies. The observation is {@code [x, theta]} (CartPole-v1's components 0 and
     * 2); dynamics, rewards, termination and the 500-step limit are CartPole-v1's. A feed-forward
     * policy sees no velocity, so it cannot tell which way the pole is falling from one
     * observation.
     */
    public static final EnvSpec CART_POLE_MASKED =
            new EnvSpec(
                            "CartPole-v1-masked",
                            List.of(2),
                            2,
                            500,
                            475.0,
                            "a uniformly random policy averages ~22, as on CartPole-v1")
                    .withObservationBounds(
                            ObservationBounds.parse("-4.8:4.8,-0.41887903:0.41887903"));

    /**
     * Acrobot-v1: swing the two-link arm up, 500-step limit, solved at -100. Observation bounds as
     * Gymnasium's {@code Box}: the four cosines and sines within ±1, the velocities within ±4π and
     * ±9π (the limits the dynamics clip them to).
     */
    public static final EnvSpec ACROBOT =
            new EnvSpec(
                            "Acrobot-v1",
                            List.of(6),
                            3,
                            500,
                            -100.0,
                            "a uniformly random policy scores about -499: nearly every episode is"
                                    + " truncated")
                    .withObservationBounds(
                            ObservationBounds.parse(
                                    "-1:1,-1:1,-1:1,-1:1,-12.566371:12.566371,"
                                            + "-28.274334:28.274334"));

    /**
     * MountainCar-v0: drive up the hill, 200-step limit, solved at -110. Observation bounds as
     * Gymnasium's {@code Box}: position in [-1.2, 0.6], velocity within ±0.07.
     */
    public static final EnvSpec MOUNTAIN_CAR =
            new EnvSpec(
                            "MountainCar-v0",
                            List.of(2),
                            3,
                            200,
                            -110.0,
                            "a uniformly random policy scores -200: it does not reach the goal in"
                                    + " 200 steps")
                    .withObservationBounds(ObservationBounds.parse("-1.2:0.6,-0.07:0.07"));

    /**
     * The time limit of the MinAtar games. MinAtar itself has none (only Freeway ends on its own,
     * after 2500 frames); ReplayFlow's {@code TimeLimit} needs one so that a policy that never
     * loses still ends its episodes.
     */
    public static final int MINATAR_TIME_LIMIT = 100_000;

    /**
     * MinAtar Breakout (Young &amp; Tian, 2019): 10×10×4 binary image (paddle, ball, trail, brick),
     * MinAtar's six actions {@code n l u r d f}.
     */
    public static final EnvSpec MINATAR_BREAKOUT = minAtar("Breakout", 4);

    /** MinAtar Space Invaders: 10×10×6 (cannon, alien, alien_left, alien_right, bullets). */
    public static final EnvSpec MINATAR_SPACE_INVADERS = minAtar("SpaceInvaders", 6);

    /** MinAtar Freeway: 10×10×7 (chicken, car, five speed trails). */
    public static final EnvSpec MINATAR_FREEWAY = minAtar("Freeway", 7);

    /** MinAtar Asterix: 10×10×4 (player, enemy, trail, gold). */
    public static final EnvSpec MINATAR_ASTERIX = minAtar("Asterix", 4);

    /** MinAtar Seaquest: 10×10×10 (sub front/back, bullets, trail, enemies, gauges, diver). */
    public static final EnvSpec MINATAR_SEAQUEST = minAtar("Seaquest", 10);

    /** The built-in environments, in the order the actor service registers them. */
    public static final List<EnvSpec> BUILT_IN =
            List.of(
                    CART_POLE,
                    CART_POLE_MASKED,
                    ACROBOT,
                    MOUNTAIN_CAR,
                    MINATAR_BREAKOUT,
                    MINATAR_SPACE_INVADERS,
                    MINATAR_FREEWAY,
                    MINATAR_ASTERIX,
                    MINATAR_SEAQUEST);

    private final Map<String, EnvSpec> byId;

    private EnvSpecs(Map<String, EnvSpec> byId) {
        this.byId = Map.copyOf(byId);
    }

    /**
     * A MinAtar game's spec: id {@code MinAtar/<game>-v1}, a uint8 image of shape {@code [10, 10,
     * channels]} (row-major, channel last, values 0 or 1), MinAtar's six full actions, no solved
     * threshold (MinAtar defines none).
     */
    private static EnvSpec minAtar(String game, int channels) {
        return new EnvSpec(
                "MinAtar/" + game + "-v1",
                List.of(10, 10, channels),
                ObservationType.UINT8,
                6,
                MINATAR_TIME_LIMIT,
                Double.NaN,
                "");
    }

    /**
     * The built-in spec of {@code envId}, if there is one: a built-in environment, or a frame stack
     * of a built-in image environment ({@link FrameStacking}, e.g. {@code
     * MinAtar/Breakout-v1+stack4}).
     */
    public static Optional<EnvSpec> builtIn(String envId) {
        Optional<EnvSpec> plain = plainBuiltIn(envId);
        return plain.isPresent() ? plain : stacked(envId, EnvSpecs::plainBuiltIn);
    }

    private static Optional<EnvSpec> plainBuiltIn(String envId) {
        return BUILT_IN.stream().filter(spec -> spec.id().equals(envId)).findFirst();
    }

    /**
     * The spec of {@code envId} if it names a frame stack of an image env that {@code base} knows.
     */
    private static Optional<EnvSpec> stacked(
            String envId, java.util.function.Function<String, Optional<EnvSpec>> base) {
        return FrameStacking.parse(envId)
                .flatMap(
                        stack ->
                                base.apply(stack.baseId())
                                        .filter(b -> b.observationType() == ObservationType.UINT8)
                                        .filter(b -> b.observationShape().size() == 3)
                                        .map(stack::apply));
    }

    /** Only the built-in environments. */
    public static EnvSpecs builtIns() {
        return withDeclared(List.of());
    }

    /**
     * The built-ins plus {@code declared}. A declared spec may repeat a built-in (same id, shape,
     * type and actions; the built-in entry is kept); one that contradicts a built-in, or two
     * declarations of one id, are refused.
     *
     * @throws IllegalArgumentException naming both entries and the fix
     */
    public static EnvSpecs withDeclared(Collection<EnvSpec> declared) {
        Map<String, EnvSpec> byId = new TreeMap<>();
        BUILT_IN.forEach(spec -> byId.put(spec.id(), spec));
        Map<String, EnvSpec> seen = new TreeMap<>();
        for (EnvSpec spec : declared) {
            EnvSpec earlier = seen.put(spec.id(), spec);
            if (earlier != null) {
                throw new IllegalArgumentException(
                        "env "
                                + spec.id()
                                + " is declared twice ("
                                + earlier.format()
                                + " and "
                                + spec.format()
                                + "): keep one entry");
            }
            EnvSpec builtIn = builtIn(spec.id()).orElse(null);
            if (builtIn == null) {
                byId.put(spec.id(), spec);
            } else if (!builtIn.describesSameDataAs(spec)) {
                throw new IllegalArgumentException(
                        "env "
                                + spec.id()
                                + " is built in as "
                                + builtIn.format()
                                + " but declared as "
                                + spec.format()
                                + ": remove the declaration, or give your environment another id");
            }
        }
        return new EnvSpecs(byId);
    }

    /**
     * The spec of {@code envId}, if it is built in or declared, or a frame stack of such an image
     * environment ({@link FrameStacking}).
     */
    public Optional<EnvSpec> find(String envId) {
        EnvSpec spec = byId.get(envId);
        return spec != null
                ? Optional.of(spec)
                : stacked(envId, id -> Optional.ofNullable(byId.get(id)));
    }

    /** Every known spec, sorted by id. */
    public List<EnvSpec> all() {
        return new TreeMap<>(byId).values().stream().toList();
    }

    /** The declared specs that are not built in, sorted by id. */
    public List<EnvSpec> declaredOnly() {
        return all().stream().filter(spec -> builtIn(spec.id()).isEmpty()).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvSpecs other && byId.equals(other.byId);
    }

    @Override
    public int hashCode() {
        return byId.hashCode();
    }

    @Override
    public String toString() {
        return all().stream().map(EnvSpec::format).toList().toString();
    }
}
