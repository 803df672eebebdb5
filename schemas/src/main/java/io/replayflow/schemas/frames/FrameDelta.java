package io.replayflow.schemas.frames;

import java.util.Arrays;

/**
 * How {@link FrameCodec#ONCE_V2} stores a new frame: as its difference (XOR) from a base frame the
 * decoder already has, in the shortest of three forms, each after a tag byte.
 *
 * <pre>
 *   0  RAW     the frameBytes bytes of frame XOR base
 *   1  ONES    varint n, then n varint gaps: the n bytes where frame and base differ, each differing
 *              by XOR 1 (so any 0/1 image, as MinAtar's); gap = positions skipped since the last one
 *   2  SPARSE  varint n, then n pairs (varint gap, the XOR byte): a few differing bytes of any value
 * </pre>
 *
 * A missing base is all zeros. Consecutive frames of an episode differ in a few pixels, so a
 * MinAtar frame takes a handful of bytes; general uint8 images fall back to RAW at worst, one byte
 * more than whole. Stateless.
 */
final class FrameDelta {

    static final int RAW = 0;
    static final int ONES = 1;
    static final int SPARSE = 2;

    private FrameDelta() {}

    /** A growable byte array: one row's new frames. */
    static final class Sink {
        byte[] bytes = new byte[64];
        int size;

        void clear() {
            size = 0;
        }

        void put(int b) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, 2 * bytes.length);
            }
            bytes[size++] = (byte) b;
        }

        void varint(int v) {
            while ((v & ~0x7f) != 0) {
                put((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            put(v);
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /**
     * Appends {@code frame[frameOff..frameOff+n)} as its difference from {@code base[baseOff..]}
     * (null: zeros) to {@code out}.
     */
    static void write(byte[] frame, int frameOff, byte[] base, int baseOff, int n, Sink out) {
        int differing = 0;
        boolean ones = true;
        int onesLength = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            int x = frame[frameOff + i] ^ (base == null ? 0 : base[baseOff + i]);
            if (x != 0) {
                differing++;
                ones &= x == 1;
                onesLength += varintLength(i - last - 1);
                last = i;
            }
        }
        int header = 1 + varintLength(differing);
        int onesTotal = ones ? header + onesLength : Integer.MAX_VALUE;
        int sparseTotal = header + onesLength + differing;
        int rawTotal = 1 + n;
        if (onesTotal <= sparseTotal && onesTotal <= rawTotal) {
            out.put(ONES);
            out.varint(differing);
            sparse(frame, frameOff, base, baseOff, n, out, false);
        } else if (sparseTotal <= rawTotal) {
            out.put(SPARSE);
            out.varint(differing);
            sparse(frame, frameOff, base, baseOff, n, out, true);
        } else {
            out.put(RAW);
            for (int i = 0; i < n; i++) {
                out.put(frame[frameOff + i] ^ (base == null ? 0 : base[baseOff + i]));
            }
        }
    }

    private static void sparse(
            byte[] frame, int frameOff, byte[] base, int baseOff, int n, Sink out, boolean values) {
        int last = -1;
        for (int i = 0; i < n; i++) {
            int x = (frame[frameOff + i] ^ (base == null ? 0 : base[baseOff + i])) & 0xff;
            if (x != 0) {
                out.varint(i - last - 1);
                if (values) {
                    out.put(x);
                }
                last = i;
            }
        }
    }

    /**
     * The number of frames of {@code n} bytes stored in {@code src[from..to)}.
     *
     * @throws IllegalStateException when the bytes are not whole stored frames
     */
    static int count(byte[] src, int from, int to, int n) {
        int frames = 0;
        int at = from;
        while (at < to) {
            at = skip(src, at, to, n);
            frames++;
        }
        return frames;
    }

    private static int skip(byte[] src, int at, int to, int n) {
        int tag = src[at++];
        if (tag == RAW) {
            at += n;
        } else if (tag == ONES || tag == SPARSE) {
            long[] v = new long[1];
            at = varint(src, at, to, v);
            long differing = v[0];
            for (long i = 0; i < differing; i++) {
                at = varint(src, at, to, v) + (tag == SPARSE ? 1 : 0);
            }
        } else {
            throw corrupt("an unknown frame tag " + tag);
        }
        if (at > to) {
            throw corrupt("a stored frame runs past the row's bytes");
        }
        return at;
    }

    /**
     * Rebuilds the frame stored at {@code src[at..)} on {@code base[baseOff..]} (null: zeros) into
     * {@code dst[dstOff..dstOff+n)}; returns the position after it.
     */
    static int read(
            byte[] src, int at, int to, byte[] base, int baseOff, byte[] dst, int dstOff, int n) {
        if (base == null) {
            Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
        } else if (base != dst || baseOff != dstOff) {
            System.arraycopy(base, baseOff, dst, dstOff, n);
        }
        int tag = src[at++];
        if (tag == RAW) {
            if (at + n > to) {
                throw corrupt("a stored frame runs past the row's bytes");
            }
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] ^= src[at + i];
            }
            return at + n;
        }
        long[] v = new long[1];
        at = varint(src, at, to, v);
        long differing = v[0];
        int position = -1;
        for (long i = 0; i < differing; i++) {
            at = varint(src, at, to, v);
            position += (int) v[0] + 1;
            if (position >= n || v[0] >= n) {
                throw corrupt("a stored frame changes byte " + position + " of " + n);
            }
            dst[dstOff + position] ^= tag == SPARSE ? src[at++] : 1;
        }
        return at;
    }

    private static int varint(byte[] src, int at, int to, long[] value) {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at >= to) {
                throw corrupt("a stored frame runs past the row's bytes");
            }
            int b = src[at++];
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                value[0] = v;
                return at;
            }
        }
        throw corrupt("a malformed number in a stored frame");
    }

    private static int varintLength(int v) {
        int length = 1;
        while ((v & ~0x7f) != 0) {
            v >>>= 7;
            length++;
        }
        return length;
    }

    static IllegalStateException corrupt(String detail) {
        return new IllegalStateException(
                "cannot rebuild an image row stored as frames once: "
                        + detail
                        + "; read the file from its start, row groups in order, or rewrite it");
    }
}
