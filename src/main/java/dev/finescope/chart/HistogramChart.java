package dev.finescope.chart;

import dev.finescope.analysis.Histogram;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepAreaRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Histograms of weights or of their change, overlaid as translucent steps so that the base and the fine-tuned
 * distribution can be told apart where they overlap. Colours come from the Okabe–Ito palette, which colour-blind
 * readers tell apart. Values a histogram could not place (outside its range, exact zeros on a log10|x| axis,
 * NaN) are counted in the subtitle, never dropped silently.
 */
public final class HistogramChart {

    /** Blue, vermilion, bluish green, reddish purple (Okabe–Ito). */
    private static final Color[] SERIES_COLOURS = {
        new Color(0x0072b2), new Color(0xd55e00), new Color(0x009e73), new Color(0xcc79a7)};
    private static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 12);

    /** One histogram and its name in the legend. */
    public record Series(String label, Histogram histogram) {
        public Series {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(histogram, "histogram");
        }
    }

    private HistogramChart() {
    }

    /**
     * The histograms overlaid, on one x axis ("value", "Δ" or "log₁₀|x|" by what the first one counts).
     *
     * @param title what the values are from ("layer 3 · attention · value")
     */
    public static JFreeChart create(String title, List<Series> series) {
        return create(title, series, false, null);
    }

    /**
     * As {@link #create(String, List)}, with the counts on a log axis when {@code logY} (bins with no entry sit
     * on the floor), and {@code clipNote}, when not null, saying how the x range was chosen and what it left out.
     */
    public static JFreeChart create(String title, List<Series> series, boolean logY, String clipNote) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("a histogram chart needs at least one histogram");
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        for (Series s : series) {
            dataset.addSeries(steps(s));
        }
        Histogram first = series.get(0).histogram();
        NumberAxis x = new NumberAxis(xLabel(first));
        x.setAutoRangeIncludesZero(false);
        x.setNumberFormatOverride(NumberText.format());
        long most = series.stream().flatMap(s -> java.util.Arrays.stream(s.histogram().counts()).boxed())
                .mapToLong(Long::longValue).max().orElse(0);
        org.jfree.chart.axis.ValueAxis y;
        if (logY) {
            org.jfree.chart.axis.LogAxis log = new org.jfree.chart.axis.LogAxis("entries per bin (log scale)");
            log.setSmallestValue(0.5);
            log.setBase(10);
            log.setNumberFormatOverride(NumberText.format());
            log.setRange(0.5, Math.max(10, most * 2.0));
            y = log;
        } else {
            NumberAxis counts = new NumberAxis("entries per bin");
            // counts are whole and never negative, also when there is nothing to count
            counts.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            counts.setRangeType(org.jfree.data.RangeType.POSITIVE);
            counts.setNumberFormatOverride(NumberText.format());
            // room between tick labels, so that the axis is not a wall of numbers
            counts.setTickLabelInsets(new org.jfree.chart.ui.RectangleInsets(14, 4, 14, 4));
            if (most == 0) {
                // nothing to draw: no made-up ticks on either axis, the subtitle says why
                counts.setAutoRange(false);
                counts.setRange(0, 1);
                counts.setTickLabelsVisible(false);
                x.setTickLabelsVisible(false);
            }
            y = counts;
        }
        for (org.jfree.chart.axis.ValueAxis axis : List.of(x, y)) {
            axis.setTickLabelFont(AXIS_FONT);
            axis.setLabelFont(AXIS_FONT);
        }
        XYStepAreaRenderer renderer = new XYStepAreaRenderer(XYStepAreaRenderer.AREA_AND_SHAPES);
        renderer.setShapesVisible(false);
        renderer.setOutline(true);
        for (int i = 0; i < series.size(); i++) {
            Color c = SERIES_COLOURS[i % SERIES_COLOURS.length];
            renderer.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
            renderer.setSeriesOutlinePaint(i, c);
            renderer.setSeriesOutlineStroke(i, new BasicStroke(1.2f));
        }
        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xd0d7de));
        plot.setRangeGridlinePaint(new Color(0xd0d7de));

        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(note(series), AXIS_FONT));
        if (clipNote != null) {
            chart.addSubtitle(new TextTitle(clipNote, AXIS_FONT));
        }
        if (series.size() > 1) {
            LegendTitle legend = new LegendTitle(plot);
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setItemFont(AXIS_FONT);
            chart.addSubtitle(legend);
        }
        return chart;
    }

    /** The x axis in words: what was counted, and on which scale. */
    static String xLabel(Histogram h) {
        boolean delta = h.values() == Histogram.Values.DELTA;
        if (h.log10()) {
            return delta ? "log₁₀|Δ|" : "log₁₀|w|";
        }
        return delta ? "Δ = tuned − base" : "w";
    }

    /** One line: how many values each histogram holds, and where the rest went. */
    static String note(List<Series> series) {
        List<String> parts = new ArrayList<>();
        for (Series s : series) {
            Histogram h = s.histogram();
            StringBuilder b = new StringBuilder(series.size() > 1 ? s.label() + ": " : "")
                    .append(String.format(Locale.ROOT, "%,d values", h.numel()));
            if (h.zeros() > 0) {
                b.append(String.format(Locale.ROOT, ", %,d exact zeros not on the log axis", h.zeros()));
            }
            long outside = h.below() + h.above();
            if (outside > 0) {
                b.append(String.format(Locale.ROOT, ", %,d outside the range", outside));
            }
            if (h.nonFinite() > 0) {
                b.append(String.format(Locale.ROOT, ", %,d NaN", h.nonFinite()));
            }
            if (h.numel() > 0 && h.inRange() == 0) {
                b.append(h.log10() && h.zeros() == h.numel() ? ": every value is exactly 0, nothing to draw"
                        : ": none on this axis");
            }
            parts.add(b.toString());
        }
        return String.join(" · ", parts);
    }

    /** The bins as a step outline: a point at each bin's lower edge, and one closing the last bin. */
    private static XYSeries steps(Series s) {
        Histogram h = s.histogram();
        XYSeries xy = new XYSeries(s.label(), false, true);
        for (int b = 0; b < h.bins(); b++) {
            xy.add(h.binLower(b), h.count(b));
        }
        xy.add(h.binUpper(h.bins() - 1), h.bins() == 0 ? 0 : h.count(h.bins() - 1));
        return xy;
    }
}
