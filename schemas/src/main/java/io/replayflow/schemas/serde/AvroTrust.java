package io.replayflow.schemas.serde;

/**
 * Avro 1.12.2 instantiates generated classes only from packages listed in the system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES}. Every ReplayFlow JVM is started with it (Maven
 * test argLine, the launcher, Flink's {@code env.java.opts.all}); this class also adds our package
 * in code so an embedding application cannot forget it. It must run before Avro's {@code
 * SpecificData} is first initialised, which is why the serde calls it from a static initialiser.
 */
public final class AvroTrust {

    public static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    public static final String GENERATED_PACKAGE = "io.replayflow.schemas.avro";

    private AvroTrust() {}

    /** Adds {@link #GENERATED_PACKAGE} to the trusted packages if it is not there yet. */
    public static synchronized void ensureTrusted() {
        String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, GENERATED_PACKAGE);
        } else if (!current.contains(GENERATED_PACKAGE)) {
            System.setProperty(PROPERTY, current + "," + GENERATED_PACKAGE);
        }
    }
}
