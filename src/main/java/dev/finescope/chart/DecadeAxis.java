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
        List<NumberTick> ticks = new ArrayList<>();
        double lo = getLowerBound();
        double hi = getUpperBound();
        int[] mantissas = hi - lo > 3 ? new int[] {1} : hi - lo > 1 ? new int[] {1, 2, 5}
                : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        TextAnchor anchor = horizontal
                ? (edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER)
                : (edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT);
        for (int k = (int) Math.floor(lo); k <= (int) Math.ceil(hi); k++) {
            for (int m : mantissas) {
                double v = k + Math.log10(m);
                if (v >= lo - 1e-9 && v <= hi + 1e-9) {
                    ticks.add(new NumberTick(v, label(m, k), anchor, anchor, 0.0));
                }
            }
        }
        return ticks.size() >= 2 ? ticks : super.refreshTicks(g2, state, dataArea, edge);
    }

    /** {@code m·10^k} as a reader writes it: {@code 2e-4} below one, plain up to 1000, {@code 1e5} above. */
    static String label(double m, int k) {
        if (k >= 0 && k <= 3) {
            return BigDecimal.valueOf(m).scaleByPowerOfTen(k).stripTrailingZeros().toPlainString();
        }
        return BigDecimal.valueOf(m).stripTrailingZeros().toPlainString() + "e" + k;
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
