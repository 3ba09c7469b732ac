package dev.finescope.ui;

import java.util.Locale;

/** How the app writes numbers: one place, so that hover, details and tables agree digit for digit. */
public final class Numbers {

    /** Significant digits of a metric shown on hover and in the details. */
    public static final int DIGITS = 6;

    private Numbers() {
    }

    /** A metric value with {@link #DIGITS} significant digits; "undefined" for NaN. */
    public static String metric(double v) {
        if (Double.isNaN(v)) {
            return "undefined";
        }
        if (v == 0) {
            return "0";
        }
        double abs = Math.abs(v);
        return abs >= 1e-3 && abs < 1e4
                ? String.format(Locale.ROOT, "%." + DIGITS + "g", v)
                : String.format(Locale.ROOT, "%." + (DIGITS - 1) + "e", v);
    }

    /** A share as a percentage with two decimals. */
    public static String percent(double share) {
        return Double.isNaN(share) ? "undefined" : String.format(Locale.ROOT, "%.2f %%", 100 * share);
    }

    /** A whole number with thousands separators. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A shape such as {@code 384 × 1536}. */
    public static String shape(long[] shape) {
        if (shape.length == 0) {
            return "scalar";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : " × ").append(shape[i]);
        }
        return b.toString();
    }
}
