package dev.finescope.ui.whatif;

import dev.finescope.chart.ColorMapPaintScale;
import dev.finescope.chart.DivergingColorMap;
import dev.finescope.chart.GridData;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.chart.PairMatrixChart;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepSpec;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Paint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The what-if pictures, built from the {@code chart} package's heatmap and colour maps so that they look like every
 * other chart of the product (the sweep's own live charts are {@link SweepCharts}): the revert-each-layer bars
 * (a signed change, so a diverging map centred on zero) and the mask-overlap matrices. Pure functions of their
 * data: the view model calls them off the FX thread, and exports call them again for fresh light-style charts.
 */
final class WhatIfCharts {

    /** Matrices up to this many runs get their value written in each cell. */
    static final int MAX_LABELLED_RUNS = 10;

    private static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 12);

    private WhatIfCharts() {
    }

    /** "30 %" for 0.3. */
    static String percent(double share) {
        double p = 100 * share;
        return (Math.abs(p - Math.rint(p)) < 1e-9 ? String.format(Locale.ROOT, "%.0f", p)
                : String.format(Locale.ROOT, "%.1f", p)) + " %";
    }

    /** What one sweep point prunes: "each matrix" or "each layer". */
    static String unit(SweepSpec spec) {
        return spec.granularity() == SweepSpec.Granularity.CELL ? "each matrix" : "each layer";
    }

    /**
     * The revert-each-layer sweep: one bar per layer, the change of the metric when that layer alone is set back
     * to its pre-trained values; blue when reverting hurts, red when it helps, white at no change.
     */
    static JFreeChart revertBars(RevertData data) {
        List<SweepPoint> points = new ArrayList<>(data.points());
        points.sort(Comparator.comparingInt(SweepPoint::layer));
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        double maxAbs = 0;
        for (SweepPoint p : points) {
            dataset.addValue(p.delta(), "Δ " + data.metric(), "layer " + p.layer());
            if (Double.isFinite(p.delta())) {
                maxAbs = Math.max(maxAbs, Math.abs(p.delta()));
            }
        }
        ColorMapPaintScale colours = DivergingColorMap.BLUE_WHITE_RED.centredOnZero(maxAbs);
        CategoryAxis layers = new CategoryAxis("layer set back to its pre-trained values");
        layers.setTickLabelFont(AXIS_FONT);
        layers.setLabelFont(AXIS_FONT);
        NumberAxis delta = new NumberAxis("Δ " + data.metric());
        delta.setTickLabelFont(AXIS_FONT);
        delta.setLabelFont(AXIS_FONT);
        double pad = maxAbs > 0 ? maxAbs * 1.15 : 0.01;
        delta.setRange(-pad, pad);
        BarRenderer renderer = new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                Number v = dataset.getValue(row, column);
                return v == null || Double.isNaN(v.doubleValue()) ? ColorMapPaintScale.NAN_PAINT
                        : colours.colorOf(v.doubleValue());
            }
        };
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(true);
        renderer.setDefaultOutlinePaint(Color.GRAY);
        renderer.setMaximumBarWidth(0.12);
        CategoryPlot plot = new CategoryPlot(dataset, layers, delta, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xd0d7de));
        plot.addRangeMarker(new ValueMarker(0, Color.GRAY, new java.awt.BasicStroke(1f)));
        plot.setNoDataMessage("no layer reverted yet");
        JFreeChart chart = new JFreeChart("Each layer reverted alone — " + data.modelLabel(),
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle("Δ against the fine-tuned " + String.format(Locale.ROOT, "%.4f",
                data.baseline()) + " · a big drop: that layer's fine-tuning matters"
                + (data.complete() ? "" : " · more to come"), AXIS_FONT));
        return chart;
    }

    /**
     * The points of the revert-each-layer sweep, with what they mean.
     *
     * @param complete false while layers are still to come, or after a cancel
     */
    record RevertData(String modelLabel, String metric, double baseline, List<SweepPoint> points, boolean complete) {
        RevertData {
            points = List.copyOf(points);
        }
    }

    /**
     * A runs × runs matrix of a share in 0..1 (Hamming distance, or Jaccard overlap drawn as its distance), on
     * viridis over the whole 0..1 range: more colour = more different in both; small matrices have their values
     * written in.
     */
    static JFreeChart maskMatrix(List<String> labels, double[][] values, PairMatrixChart.Measure measure,
            String title, String valueLabel, String cellNote) {
        return PairMatrixChart.create(labels, values, measure, title, valueLabel, cellNote,
                labels.size() <= MAX_LABELLED_RUNS);
    }

    /** The size a runs × runs matrix reads well at. */
    static Dimension maskSize(int runs) {
        return new Dimension(Math.max(520, 160 + 90 * runs), 220 + 40 * Math.max(1, runs));
    }
}
