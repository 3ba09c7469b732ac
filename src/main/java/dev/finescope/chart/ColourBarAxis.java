package dev.finescope.chart;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * The axis of a colour bar: its two ends labelled with the values they stand for (so a reader knows the range
 * without guessing from the ticks) with three significant digits, round values in between where they do not crowd
 * the ends. On a log bar the axis runs over log10 of the value and speaks the value.
 */
final class ColourBarAxis extends NumberAxis {

    private final boolean log;

    ColourBarAxis(String label, boolean log) {
        super(label);
        this.log = log;
        setAutoRange(false);
        setNumberFormatOverride(NumberText.format());
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        TextAnchor anchor = horizontal
                ? (edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER)
                : (edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT);
        double lo = getLowerBound();
        double hi = getUpperBound();
        List<NumberTick> inner = new ArrayList<>();
        if (log) {
            for (BigDecimal v : DecadeAxis.tickValues(lo, hi)) {
                inner.add(new NumberTick(Math.log10(v.doubleValue()), DecadeAxis.label(v), anchor, anchor, 0.0));
            }
        } else {
            for (Object o : super.refreshTicks(g2, state, dataArea, edge)) {
                double v = ((ValueTick) o).getValue();
                inner.add(new NumberTick(v, NumberText.of(v), anchor, anchor, 0.0));
            }
        }
        double length = horizontal ? dataArea.getWidth() : dataArea.getHeight();
        double room = g2.getFontMetrics(getTickLabelFont()).stringWidth("0.000e-00") * 0.8;
        double perUnit = length / Math.max(1e-12, hi - lo);
        List<NumberTick> ticks = new ArrayList<>();
        ticks.add(tick(lo, anchor));
        for (NumberTick t : inner) {
            double v = t.getValue();
            if ((v - lo) * perUnit > room && (hi - v) * perUnit > room) {
                ticks.add(t);
            }
        }
        ticks.add(tick(hi, anchor));
        return ticks;
    }

    private NumberTick tick(double at, TextAnchor anchor) {
        // a log bar writes its ends as its decade ticks are written (6.32e-4 … 2.05e-1)
        String text = log ? DecadeAxis.label(new BigDecimal(Math.pow(10, at)).round(new java.math.MathContext(
                NumberText.DIGITS))) : NumberText.of(at);
        return new NumberTick(at, text, anchor, anchor, 0.0);
    }
}
