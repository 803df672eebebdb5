package io.replayflow.ingest.internal;

import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.EpisodeSummary;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.AvroTrust;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Flink type information for the generated records: Flink serializes them with Avro (versioned,
 * schema-evolvable), never with Kryo.
 */
public final class AvroTypes {

    static {
        AvroTrust.ensureTrusted();
    }

    public static final TypeInformation<Transition> TRANSITION =
            new AvroTypeInfo<>(Transition.class);

    public static final TypeInformation<DeadLetter> DEAD_LETTER =
            new AvroTypeInfo<>(DeadLetter.class);

    public static final TypeInformation<EpisodeSummary> EPISODE_SUMMARY =
            new AvroTypeInfo<>(EpisodeSummary.class);

    public static final TypeInformation<EpisodeStats> EPISODE_STATS =
            new AvroTypeInfo<>(EpisodeStats.class);

    private AvroTypes() {}
}
