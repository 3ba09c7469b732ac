package dev.finescope.ui.common;

import java.util.Locale;

/** How the app writes numbers: one place, so that hover, details and tables agree digit for digit. */
public final class Numbers {

    /** Significant digits of a metric shown on hover and in the details: the charts' own. */
    public static final int DIGITS = dev.finescope.chart.NumberText.DIGITS;

    private Numbers() {
    }

    /** A metric value with {@link #DIGITS} significant digits; "undefined" for NaN. */
    public static String metric(double v) {
        return dev.finescope.chart.NumberText.of(v);
    }

    /** A share as a percentage with {@link #DIGITS} significant digits. */
    public static String percent(double share) {
        return dev.finescope.chart.NumberText.percent(share);
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
