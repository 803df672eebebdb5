package io.replayflow.log.parquet;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** Parquet compression codecs the experience log may use. */
public enum LogCompression {
    ZSTD(CompressionCodecName.ZSTD),
    SNAPPY(CompressionCodecName.SNAPPY),
    GZIP(CompressionCodecName.GZIP),
    UNCOMPRESSED(CompressionCodecName.UNCOMPRESSED);

    private final CompressionCodecName codec;

    LogCompression(CompressionCodecName codec) {
        this.codec = codec;
    }

    public CompressionCodecName codec() {
        return codec;
    }
}
