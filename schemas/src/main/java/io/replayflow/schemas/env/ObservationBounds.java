package io.replayflow.schemas.env;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The declared range of each component of a vector observation, as Gymnasium's {@code Box}
 * observation space gives it ({@code low}, {@code high}); an infinite bound means the component is
 * unbounded. A learner can use it to centre every bounded component and to widen one whose range is
 * narrower than {@code [-1, 1]} to that range before its first layer ({@link #shift}, {@link
 * #scale}), so that a velocity limited to {@code ±0.07} (MountainCar) weighs as much at
 * initialisation as a position in {@code [-1.2, 0.6]}. A wider range is not narrowed: a declared
 * bound is a limit, not a typical size (Acrobot's angular velocities are limited to ±4π and ±9π but
 * mostly move within a few radians per second, and dividing them by their limits made learning
 * worse, docs/BENCHMARKS.md).
 *
 * <pre>{@code
 * ObservationBounds mountainCar = ObservationBounds.parse("-1.2:0.6,-0.07:0.07");
 * ObservationBounds cartPole = ObservationBounds.parse("-4.8:4.8,-inf:inf,-0.4189:0.4189,-inf:inf");
 * mountainCar.format(); // "-1.2:0.6,-0.07:0.07"
 * }</pre>
 *
 * <p>Immutable and serializable: it travels inside Flink functions with its {@link EnvSpec}.
 *
 * @param low lower bound per component ({@code -Infinity}: none); empty for {@link #NONE}
 * @param high upper bound per component ({@code +Infinity}: none), as many as {@code low}
 */
public record ObservationBounds(List<Double> low, List<Double> high) implements Serializable {

    /** No bounds declared: observations are fed as they are. */
    public static final ObservationBounds NONE = new ObservationBounds(List.of(), List.of());

    /** Validates every component; messages name the component, the rule and the fix. */
    public ObservationBounds {
        low = List.copyOf(low);
        high = List.copyOf(high);
        if (low.size() != high.size()) {
            throw new IllegalArgumentException(
                    "observation bounds give "
                            + low.size()
                            + " lower and "
                            + high.size()
                            + " upper bounds; give one LOW:HIGH pair per component");
        }
        for (int i = 0; i < low.size(); i++) {
            double l = low.get(i);
            double h = high.get(i);
            if (Double.isNaN(l)
                    || Double.isNaN(h)
                    || l == Double.POSITIVE_INFINITY
                    || h == Double.NEGATIVE_INFINITY
                    || l >= h) {
                throw new IllegalArgumentException(
                        "observation bound of component "
                                + i
                                + " is "
                                + pair(l, h)
                                + "; it must be LOW:HIGH with LOW < HIGH (-inf and inf for an"
                                + " unbounded side), e.g. -0.07:0.07");
            }
        }
    }

    /**
     * Parses {@code LOW:HIGH,LOW:HIGH,...}, one pair per component, {@code -inf}/{@code inf} for an
     * unbounded side; the empty string is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the pair and what to write instead
     */
    public static ObservationBounds parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            return NONE;
        }
        List<Double> low = new ArrayList<>();
        List<Double> high = new ArrayList<>();
        for (String pair : trimmed.split(",", -1)) {
            String[] sides = pair.trim().split(":", -1);
            if (sides.length != 2) {
                throw new IllegalArgumentException(
                        "observation bound '"
                                + pair.trim()
                                + "' is not LOW:HIGH; write one pair per component, e.g."
                                + " -1.2:0.6,-0.07:0.07 (-inf:inf for an unbounded component)");
            }
            low.add(number(sides[0], pair));
            high.add(number(sides[1], pair));
        }
        return new ObservationBounds(low, high);
    }

    /** The {@code LOW:HIGH,...} form that {@link #parse} reads; empty for {@link #NONE}. */
    public String format() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < low.size(); i++) {
            out.append(i == 0 ? "" : ",").append(pair(low.get(i), high.get(i)));
        }
        return out.toString();
    }

    /** Whether no bounds are declared. */
    public boolean isNone() {
        return low.isEmpty();
    }

    /** Number of components described (0 for {@link #NONE}). */
    public int size() {
        return low.size();
    }

    /** Whether component {@code i} is bounded on both sides (and so is scaled). */
    public boolean isBounded(int i) {
        return Double.isFinite(low.get(i)) && Double.isFinite(high.get(i));
    }

    /**
     * Per component, what to subtract before {@link #scale}: the middle of a bounded range, 0 for a
     * component unbounded on either side.
     */
    public float[] shift() {
        float[] shift = new float[size()];
        for (int i = 0; i < shift.length; i++) {
            shift[i] = isBounded(i) ? (float) ((low.get(i) + high.get(i)) / 2) : 0f;
        }
        return shift;
    }

    /**
     * Per component, the factor applied after {@link #shift}: {@code 2 / (high - low)} for a
     * bounded range narrower than 2, which it widens onto {@code [-1, 1]}; 1 for a wider range
     * (never narrowed) and for a component unbounded on either side.
     */
    public float[] scale() {
        float[] scale = new float[size()];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = isBounded(i) ? (float) Math.max(1, 2 / (high.get(i) - low.get(i))) : 1f;
        }
        return scale;
    }

    private static double number(String side, String pair) {
        String s = side.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "inf", "+inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "observation bound '"
                                    + pair.trim()
                                    + "' has '"
                                    + side.trim()
                                    + "', not a number; write e.g. -0.07:0.07 or -inf:inf",
                            e);
                }
            }
        }
    }

    private static String pair(double low, double high) {
        return side(low) + ":" + side(high);
    }

    private static String side(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "inf";
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return "-inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? String.valueOf((long) v)
                : String.valueOf(v);
    }
}
