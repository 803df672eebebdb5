package io.replayflow.ingest.stats;

import io.replayflow.schemas.avro.EpisodeSummary;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;

/** Keys episode summaries by (env_id, policy_version). */
public final class StatsKey implements KeySelector<EpisodeSummary, Tuple2<String, Long>> {

    private static final long serialVersionUID = 1L;

    public static final TypeInformation<Tuple2<String, Long>> TYPE =
            Types.TUPLE(Types.STRING, Types.LONG);

    @Override
    public Tuple2<String, Long> getKey(EpisodeSummary summary) {
        return Tuple2.of(summary.getEnvId(), summary.getPolicyVersion());
    }
}
