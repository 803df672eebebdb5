package io.replayflow.cli.report;

import java.awt.Color;

/**
 * Colours for policy versions: a sequential palette (viridis, dark purple through teal to green,
 * stopping before the pale yellow end so every colour reads on white), so that order shows even
 * with many versions: early versions dark, late ones light.
 */
public final class VersionPalette {

    /** Viridis at 0, 1/4, 1/2, 3/4 and 0.9. */
    private static final int[] ANCHORS = {0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xB5DE2B};

    private VersionPalette() {}

    /**
     * The colour of the {@code index}-th of {@code count} versions (both counted from 0 in version
     * order); one version gets the middle of the palette.
     */
    public static Color color(int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException(
                    "version index " + index + " is outside 0.." + (count - 1));
        }
        double t = count == 1 ? 0.5 : index / (double) (count - 1);
        double position = t * (ANCHORS.length - 1);
        int low = Math.min((int) Math.floor(position), ANCHORS.length - 2);
        double f = position - low;
        return new Color(
                mix(ANCHORS[low] >> 16, ANCHORS[low + 1] >> 16, f),
                mix(ANCHORS[low] >> 8, ANCHORS[low + 1] >> 8, f),
                mix(ANCHORS[low], ANCHORS[low + 1], f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
    }
}
