package io.replayflow.replay.job.internal;

import io.replayflow.replay.row.ReplayRow;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * {@link ReplayRow}s under the {@link ReplayRowSerializer}: the row type of a backfill's streams.
 */
public final class ReplayRowTypeInfo extends TypeInformation<ReplayRow> {

    private static final long serialVersionUID = 1L;

    public static final ReplayRowTypeInfo INSTANCE = new ReplayRowTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<ReplayRow> getTypeClass() {
        return ReplayRow.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ReplayRow> createSerializer(SerializerConfig config) {
        return ReplayRowSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "ReplayRow(field by field)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ReplayRowTypeInfo;
    }

    @Override
    public int hashCode() {
        return ReplayRowTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof ReplayRowTypeInfo;
    }
}
