package io.replayflow.trainer.metrics;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads TFRecord framing, the container of TensorBoard event files, so tests can check what
 * TensorFlow's summary writer wrote:
 *
 * <pre>
 *   uint64 length          (little-endian)
 *   uint32 masked_crc32c(length bytes)
 *   byte   data[length]
 *   uint32 masked_crc32c(data)
 * </pre>
 *
 * with {@code masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8} over CRC-32C (Castagnoli).
 */
public final class TfRecord {

    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {}

    /** The masked CRC-32C of {@code data[offset, offset + length)}. */
    public static int maskedCrc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    /**
     * Reads one framed record, checking both CRCs.
     *
     * @return the data, or null at a clean end of stream
     * @throws IOException on a CRC mismatch or a truncated record, saying which
     */
    public static byte[] read(InputStream in) throws IOException {
        byte[] header = new byte[12];
        int n = in.readNBytes(header, 0, 12);
        if (n == 0) {
            return null;
        }
        if (n < 12) {
            throw new EOFException("truncated TFRecord header (" + n + " of 12 bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = h.getLong();
        int lengthCrc = h.getInt();
        if (lengthCrc != maskedCrc32c(header, 0, 8)) {
            throw new IOException("TFRecord length CRC mismatch: the file is corrupt");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IOException("TFRecord length " + length + " is out of range");
        }
        byte[] data = in.readNBytes((int) length);
        byte[] footer = in.readNBytes(4);
        if (data.length < length || footer.length < 4) {
            throw new EOFException("truncated TFRecord body");
        }
        int dataCrc = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dataCrc != maskedCrc32c(data, 0, data.length)) {
            throw new IOException("TFRecord data CRC mismatch: the file is corrupt");
        }
        return data;
    }
}
