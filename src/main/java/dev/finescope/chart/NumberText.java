package dev.finescope.chart;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;

/**
 * The one way pictures and views write a number: three significant digits, plain between 0.001 and 1 000 000
 * ({@code 0.0125}, {@code 385}), otherwise as {@code 6.81e-4} or {@code 2.1e7}; trailing zeros dropped, so that
 * an axis, a legend, a tooltip and the details pane write the same value the same way. Files (CSV) keep full
 * precision and do not use this.
 */
public final class NumberText {

    /** Significant digits in views. */
    public static final int DIGITS = 3;

    private NumberText() {
    }

    /** {@code v} with {@link #DIGITS} significant digits; "undefined" for NaN, "∞" for infinities. */
    public static String of(double v) {
        if (Double.isNaN(v)) {
            return "undefined";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal r = new BigDecimal(v).round(new MathContext(DIGITS)).stripTrailingZeros();
        double abs = Math.abs(r.doubleValue());
        if (abs >= 1e-3 && abs < 1e6) {
            return r.toPlainString();
        }
        int k = r.precision() - r.scale() - 1;
        return r.scaleByPowerOfTen(-k).stripTrailingZeros().toPlainString() + "e" + k;
    }

    /** A share as a percentage with {@link #DIGITS} significant digits ({@code 12.5 %}, {@code 100 %}). */
    public static String percent(double share) {
        return Double.isNaN(share) ? "undefined" : of(100 * share) + " %";
    }

    /** The same, as a {@link NumberFormat} for JFreeChart axes and legends. */
    public static NumberFormat format() {
        return new Format();
    }

    private static final class Format extends NumberFormat {
        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return to.append(of(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return to.append(Math.abs(number) < 1_000_000 ? Long.toString(number) : of(number));
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("display only");
        }
    }
}
