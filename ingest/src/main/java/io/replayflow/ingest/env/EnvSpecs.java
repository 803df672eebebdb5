package io.replayflow.ingest.env;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The environments ingest knows: the built-ins (the same specs as the actor service's envs) plus
 * those declared in {@code ingest.env-specs}. An env id that is in neither is still accepted; its
 * observation shape is learned from its first record (see {@code validate.ShapeLearner}).
 *
 * <p>The built-in table repeats the actor service's {@code EnvRegistry} so that ingest does not
 * depend on the actor service; if the specs move into {@code schemas}, this table goes.
 *
 * <p>Immutable and serializable: it travels inside Flink functions.
 */
public final class EnvSpecs implements Serializable {

    private static final long serialVersionUID = 1L;

    /** CartPole-v1, Acrobot-v1 and MountainCar-v0, as the actor service defines them. */
    public static final List<EnvSpec> BUILT_IN =
            List.of(
                    new EnvSpec("CartPole-v1", List.of(4), 2),
                    new EnvSpec("Acrobot-v1", List.of(6), 3),
                    new EnvSpec("MountainCar-v0", List.of(2), 3));

    private final Map<String, EnvSpec> byId;

    private EnvSpecs(Map<String, EnvSpec> byId) {
        this.byId = Map.copyOf(byId);
    }

    /** Only the built-in environments. */
    public static EnvSpecs builtIns() {
        return withDeclared(List.of());
    }

    /**
     * The built-ins plus {@code declared}. A declared spec may repeat a built-in exactly; one that
     * contradicts a built-in, or two declarations of one id, are refused.
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
            EnvSpec builtIn = byId.get(spec.id());
            if (builtIn != null && !builtIn.equals(spec)) {
                throw new IllegalArgumentException(
                        "env "
                                + spec.id()
                                + " is built in as "
                                + builtIn.format()
                                + " but declared as "
                                + spec.format()
                                + ": remove the declaration, or give your environment another id");
            }
            byId.put(spec.id(), spec);
        }
        return new EnvSpecs(byId);
    }

    /** The spec of {@code envId}, if it is built in or declared. */
    public Optional<EnvSpec> find(String envId) {
        return Optional.ofNullable(byId.get(envId));
    }

    /** Every known spec, sorted by id. */
    public List<EnvSpec> all() {
        return new TreeMap<>(byId).values().stream().toList();
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
