package dev.finescope.chart;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * Maps values in {@code [lower, upper]} onto a {@link ColorMap}, so that the cells of a chart and its legend
 * share one scale. Values outside the bounds take the end colours; NaN gets a grey that no map here uses.
 */
public final class ColorMapPaintScale implements PaintScale {

    /** The paint of a NaN value: a neutral grey outside viridis and the diverging map. */
    public static final Color NAN_PAINT = new Color(0x8c8c8c);

    /**
     * Values a log scale cannot place (0, which is plotted at minus infinity): white, not the lowest colour of
     * the map, which would pass a frozen matrix off as one that moved a little.
     */
    public static final Color OFF_SCALE_PAINT = Color.WHITE;

    private final ColorMap map;
    private final double lower;
    private final double upper;
    private final Color offScale;

    public ColorMapPaintScale(ColorMap map, double lower, double upper) {
        this(map, lower, upper, OFF_SCALE_PAINT);
    }

    /**
     * As {@link #ColorMapPaintScale(ColorMap, double, double)}, with values off a log scale (0) painted
     * {@code offScale}: the ground of the chart, so that "no change" is no colour in either theme.
     */
    public ColorMapPaintScale(ColorMap map, double lower, double upper, Color offScale) {
        if (!(lower < upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
            throw new IllegalArgumentException("a paint scale needs finite bounds with lower < upper, got ["
                    + lower + ", " + upper + "]");
        }
        this.map = map;
        this.lower = lower;
        this.upper = upper;
        this.offScale = offScale;
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    @Override
    public Paint getPaint(double value) {
        return colorOf(value);
    }

    /** The colour of {@code value}, as {@link #getPaint} but typed. */
    public Color colorOf(double value) {
        if (Double.isNaN(value)) {
            return NAN_PAINT;
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return offScale;
        }
        return map.at((value - lower) / (upper - lower));
    }
}
