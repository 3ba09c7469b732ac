package dev.finescope.chart;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * An axis over log10 of a metric whose ticks read in the metric's own units ({@code 1e-4}, {@code 2e-4} …),
 * so that a log colour legend shares the paint scale's coordinates yet speaks the metric's numbers.
 */
final class DecadeAxis extends NumberAxis {

    DecadeAxis(String label) {
        super(label);
        setAutoRange(false);
        setNumberFormatOverride(new PowerOfTenFormat());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        TextAnchor anchor = horizontal
                ? (edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER)
                : (edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT);
        List<NumberTick> ticks = new ArrayList<>();
        for (BigDecimal v : tickValues(getLowerBound(), getUpperBound())) {
            ticks.add(new NumberTick(Math.log10(v.doubleValue()), label(v), anchor, anchor, 0.0));
        }
        return ticks.isEmpty() ? super.refreshTicks(g2, state, dataArea, edge) : ticks;
    }

    /**
     * The values to mark between {@code 10^lo} and {@code 10^hi}, each once: every decade over more than three
     * decades, 1-2-5 over more than one, and inside about one decade evenly spaced round values (a step of 1, 2 or
     * 5 times a power of ten, about five of them), since powers of ten and their multiples leave too few marks
     * there and rounding log positions to two digits repeats labels.
     */
    static List<BigDecimal> tickValues(double lo, double hi) {
        List<BigDecimal> out = new ArrayList<>();
        if (!(hi >= lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            return out;
        }
        if (hi - lo > 1) {
            int[] mantissas = hi - lo > 3 ? new int[] {1} : new int[] {1, 2, 5};
            for (int k = (int) Math.floor(lo); k <= (int) Math.ceil(hi); k++) {
                for (int m : mantissas) {
                    double v = k + Math.log10(m);
                    if (v >= lo - 1e-9 && v <= hi + 1e-9) {
                        out.add(BigDecimal.valueOf(m).scaleByPowerOfTen(k));
                    }
                }
            }
            return out;
        }
        double from = Math.pow(10, lo);
        double to = Math.pow(10, hi);
        if (to - from <= 0) {
            out.add(new BigDecimal(from).round(new java.math.MathContext(3)));
            return out;
        }
        BigDecimal step = niceStep((to - from) / 5);
        BigDecimal first = BigDecimal.valueOf(Math.ceil(from / step.doubleValue() - 1e-9));
        for (BigDecimal n = first; ; n = n.add(BigDecimal.ONE)) {
            BigDecimal v = n.multiply(step);
            double d = v.doubleValue();
            if (d > to * (1 + 1e-12)) {
                break;
            }
            if (d > 0 && d >= from * (1 - 1e-12)) {
                out.add(v);
            }
        }
        return out;
    }

    /** The smallest of 1, 2 or 5 times a power of ten that is at least {@code raw}. */
    private static BigDecimal niceStep(double raw) {
        int k = (int) Math.floor(Math.log10(raw));
        for (int m : new int[] {1, 2, 5, 10}) {
            BigDecimal step = BigDecimal.valueOf(m).scaleByPowerOfTen(k);
            if (step.doubleValue() >= raw * (1 - 1e-12)) {
                return step;
            }
        }
        return BigDecimal.TEN.scaleByPowerOfTen(k);
    }

    /** A decimal value written as {@link #label(double, int)} writes {@code m·10^k}, with all its digits. */
    static String label(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        int k = s.precision() - s.scale() - 1;
        return label(s.scaleByPowerOfTen(-k), k);
    }

    /** {@code m·10^k} with the mantissa's digits as given. */
    static String label(BigDecimal m, int k) {
        if (k >= 0 && k <= 3) {
            return m.scaleByPowerOfTen(k).stripTrailingZeros().toPlainString();
        }
        return m.stripTrailingZeros().toPlainString() + "e" + k;
    }

    /** {@code m·10^k} as a reader writes it: {@code 2e-4} below one, plain up to 1000, {@code 1e5} above. */
    static String label(double m, int k) {
        return label(BigDecimal.valueOf(m), k);
    }

    /** Formats a log10 coordinate as the value it stands for, with two significant digits. */
    private static final class PowerOfTenFormat extends NumberFormat {

        @Override
        public StringBuffer format(double log10, StringBuffer to, FieldPosition pos) {
            int k = (int) Math.floor(log10);
            double m = Math.round(Math.pow(10, log10 - k) * 10) / 10.0;
            if (m >= 10) {
                m = 1;
                k++;
            }
            return to.append(label(m, k));
        }

        @Override
        public StringBuffer format(long value, StringBuffer to, FieldPosition pos) {
            return format((double) value, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("display only");
        }
    }
}
