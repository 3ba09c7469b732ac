package dev.finescope.ui.whatif;

import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.CurveChart;
import dev.finescope.whatif.SweepSpec;
import java.awt.BasicStroke;
import java.awt.Color;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The second picture of a sensitivity sweep: the metric against sparsity, one line per layer beside the dashed
 * unpruned model, built once and changed in place (a new mean moves one point of one line). Part of
 * {@link SweepCharts}, which owns it and says when to draw.
 */
final class SweepCurves {

    private static final Color BASELINE_PAINT = new Color(0x8c959f);

    private final double[] sparsities;
    private final XYSeries[] lines;
    private final JFreeChart chart;

    SweepCurves(String modelLabel, String metric, double baseline, SweepSpec spec, int layers) {
        this.sparsities = spec.sparsities();
        this.lines = new XYSeries[layers];
        this.chart = build(modelLabel, metric, baseline, spec, layers);
    }

    JFreeChart chart() {
        return chart;
    }

    /** The mean metric of {@code layer}'s matrices pruned to sparsity {@code s} is now {@code mean}. */
    void curve(int layer, int s, double mean) {
        lines[layer].addOrUpdate(sparsities[s] * 100, mean);
    }

    /** Puts on a theme's frame colours (data colours stay). */
    void restyle(ChartStyle style) {
        style.apply(chart);
        // the style reaches the combined plot's shared axis; its panel and value axis are the line chart's own
        for (Object o : ((CombinedDomainXYPlot) chart.getPlot()).getSubplots()) {
            XYPlot panel = (XYPlot) o;
            panel.setBackgroundPaint(style.background());
            ValueAxis values = panel.getRangeAxis();
            values.setLabelPaint(style.text());
            values.setTickLabelPaint(style.text());
            Color grid = style == ChartStyle.DARK ? new Color(0x30363d) : new Color(0xdddddd);
            panel.setDomainGridlinePaint(grid);
            panel.setRangeGridlinePaint(grid);
        }
    }

    private JFreeChart build(String modelLabel, String metric, double baseline, SweepSpec spec, int layers) {
        XYSeriesCollection perLayer = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int layer = 0; layer < layers; layer++) {
            XYSeries s = new XYSeries("layer " + layer, true, false);
            s.add(0, baseline);
            lines[layer] = s;
            perLayer.addSeries(s);
            renderer.setSeriesPaint(layer, CurveChart.PALETTE.get(layer % CurveChart.PALETTE.size()));
            renderer.setSeriesStroke(layer, new BasicStroke(1.6f));
        }
        XYSeriesCollection unpruned = new XYSeriesCollection();
        XYSeries flat = new XYSeries("unpruned " + WhatIfNumbers.sig3(baseline), true, false);
        flat.add(0, baseline);
        flat.add(100, baseline);
        unpruned.addSeries(flat);
        XYLineAndShapeRenderer dashed = new XYLineAndShapeRenderer(true, false);
        dashed.setSeriesPaint(0, BASELINE_PAINT);
        dashed.setSeriesStroke(0, new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));

        NumberAxis values = new NumberAxis(metric);
        values.setAutoRangeIncludesZero(false);
        values.setAutoRangeMinimumSize(0.02);
        TickUnits ticks = new TickUnits();
        for (double t : new double[] {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5}) {
            ticks.add(new NumberTickUnit(t));
        }
        values.setStandardTickUnits(ticks);
        values.setLabelFont(SweepCharts.AXIS_FONT);
        XYPlot plot = new XYPlot(perLayer, null, values, renderer);
        plot.setDataset(1, unpruned);
        plot.setRenderer(1, dashed);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        NumberAxis sparsity = new NumberAxis("sparsity (% of entries zeroed)");
        sparsity.setRange(0, 100);
        sparsity.setLabelFont(SweepCharts.AXIS_FONT);
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(sparsity);
        combined.add(plot, 1);
        // the legend lists the layers and the dashed unpruned line, in that order
        LegendItemCollection items = new LegendItemCollection();
        for (int layer = 0; layer < layers; layer++) {
            items.add(renderer.getLegendItem(0, layer));
        }
        LegendItem base = dashed.getLegendItem(1, 0);
        if (base != null) {
            items.add(base);
        }
        combined.setFixedLegendItems(items);
        JFreeChart chart = new JFreeChart(metric + " per layer — " + modelLabel, JFreeChart.DEFAULT_TITLE_FONT,
                combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(spec.granularity() == SweepSpec.Granularity.CELL
                ? "mean over the layer's matrices, each pruned alone" : "the layer's matrices pruned together",
                SweepCharts.AXIS_FONT));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setItemFont(SweepCharts.AXIS_FONT);
        legend.setFrame(BlockBorder.NONE);
        return chart;
    }
}
