package dev.finescope.ui.whatif;

import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.ColorMapPaintScale;
import dev.finescope.chart.DivergingColorMap;
import dev.finescope.whatif.PairedChange;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSpec;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYDataset;

/**
 * The two pictures of a sensitivity sweep, built once per sweep and then changed in place as its points arrive:
 * the layer × matrix heatmap of the change Δ against the unpruned model at one sparsity, drawn here, and the
 * metric against sparsity, one line per layer ({@link SweepCurves}). A new point writes one cell and moves one
 * point of one line; nothing is rebuilt.
 *
 * <p>The heatmap's colour is Δ on a diverging map centred on the unpruned model (white: no change; blue: pruning
 * hurt; red: it helped), over a range fixed before the first point: ± (unpruned − floor), where the floor is what a
 * ruined model scores (for accuracy, always answering the dev set's most common label). The scale cannot move
 * while points arrive or between sparsities, and its ends mean "all that fine-tuning gained over guessing is gone";
 * a drop below the floor takes the end colour. Between, the colour follows the square root of |Δ| / range (the
 * legend's ticks are placed accordingly), so that the few points most cells move stay visible next to the ruinous
 * drops of high sparsities, without any rescaling. A cell not yet evaluated is
 * flat grey with an ellipsis (no cell of a sweep lacks its tensor; the hatching that means "no tensor" elsewhere is
 * not used here); a cell whose Δ is beyond noise (McNemar's exact test at 5 %) carries a dot.
 *
 * <p>Built on any thread; once shown, changed and drawn on the FX thread only.
 */
final class SweepCharts {

    /** A cell not yet evaluated: a flat grey that no value of the diverging map takes. */
    static final Color NOT_YET_PAINT = new Color(0xc4c9cf);

    private static final Color NOT_YET_MARK = new Color(0x57606a);
    /** The font of the axes and subtitles of both charts. */
    static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font MARK_FONT = new Font("SansSerif", Font.BOLD, 13);

    private final String modelLabel;
    private final String metric;
    private final double baseline;
    private final double floor;
    private final double range;
    private final double unit;
    private final SweepSpec spec;
    private final double[] sparsities;
    private final List<String> columnKeys;
    private final int layers;
    private final SweepPoint[][][] cells;
    private final ColorMapPaintScale paintScale;
    private final JFreeChart heatmap;
    private final SweepCurves curves;
    private final TextTitle progress;
    private int shown;
    private int written;

    /**
     * @param floor  what a ruined model scores (chance accuracy); NaN when unknown (the floor is then 0)
     * @param shown  the index of the sparsity the heatmap shows first
     */
    SweepCharts(String modelLabel, String metric, double baseline, double floor, SweepSpec spec, int layers,
            int shown) {
        this.modelLabel = modelLabel;
        this.metric = metric;
        this.baseline = baseline;
        this.floor = Double.isNaN(floor) ? Math.min(0, baseline) : floor;
        this.range = deltaRange(baseline, floor);
        this.unit = metric.equals("accuracy") ? 100 : 1;
        this.spec = spec;
        this.sparsities = spec.sparsities();
        this.columnKeys = LiveSweep.columnKeys(spec);
        this.layers = layers;
        this.cells = new SweepPoint[sparsities.length][layers][columnKeys.size()];
        this.shown = Math.max(0, Math.min(shown, sparsities.length - 1));
        this.paintScale = DivergingColorMap.BLUE_WHITE_RED.centredOnZero(1);
        this.progress = new TextTitle("", AXIS_FONT);
        this.heatmap = buildHeatmap();
        this.curves = new SweepCurves(modelLabel, metric, baseline, spec, layers);
    }

    /** The same pictures of a finished (or partial) result, for export: every point written in. */
    static SweepCharts of(SweepResult r, int layers, double floor, int shown) {
        SweepCharts c = new SweepCharts(r.modelLabel(), r.primaryMetric(), r.baseline(), floor, r.spec(), layers,
                shown);
        LiveSweep live = new LiveSweep(r.modelLabel(), r.primaryMetric(), r.baseline(), r.spec(), layers,
                new LiveSweep.Sink() {
                    @Override
                    public void cell(int s, int layer, int column, SweepPoint point) {
                        c.write(s, layer, column, point);
                    }

                    @Override
                    public void curve(int layer, int s, double mean) {
                        c.curve(layer, s, mean);
                    }

                    @Override
                    public void flush(SweepResult soFar, int done, int total) {
                        c.progress(r.points().size(), r.points().size(), r.complete());
                    }
                }, null);
        int n = 0;
        for (SweepPoint p : r.points()) {
            live.queue(p, ++n, r.points().size());
        }
        live.finish(r.complete());
        return c;
    }

    /**
     * Half the width of the colour scale of Δ: what the unpruned model scores above the floor (at least a
     * hundredth, so a model at chance still gets a scale).
     */
    static double deltaRange(double baseline, double floor) {
        double f = Double.isNaN(floor) ? Math.min(0, baseline) : floor;
        double r = Math.abs(baseline - f);
        return Double.isFinite(r) && r >= 0.01 ? r : 0.01;
    }

    JFreeChart heatmap() {
        return heatmap;
    }

    JFreeChart curves() {
        return curves.chart();
    }

    int layers() {
        return layers;
    }

    double floor() {
        return floor;
    }

    /** Half the width of the colour scale, in the metric's units. */
    double range() {
        return range;
    }

    /** The sparsity the heatmap shows. */
    double sparsity() {
        return sparsities[shown];
    }

    /** Cells written since the charts were built: one per point. */
    int cellsWritten() {
        return written;
    }

    /** Shows sparsity {@code s} (an index into the spec's) on the heatmap. */
    void show(int s) {
        if (s >= 0 && s < sparsities.length && s != shown) {
            shown = s;
            heatmap.getTitle().setText(title());
        }
    }

    /** The index of {@code sparsity} among the spec's, or -1. */
    int indexOf(double sparsity) {
        for (int i = 0; i < sparsities.length; i++) {
            if (Double.compare(sparsities[i], sparsity) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The point at heatmap row {@code layer}, column {@code column} of the sparsity shown; null when not yet. */
    SweepPoint point(int layer, int column) {
        if (layer < 0 || layer >= layers || column < 0 || column >= columnKeys.size()) {
            return null;
        }
        return cells[shown][layer][column];
    }

    /** The label of heatmap column {@code column}. */
    String columnLabel(int column) {
        return column >= 0 && column < columnKeys.size() ? columnKeys.get(column) : "";
    }

    void write(int s, int layer, int column, SweepPoint p) {
        cells[s][layer][column] = p;
        written++;
    }

    void curve(int layer, int s, double mean) {
        curves.curve(layer, s, mean);
    }

    void progress(int done, int total, boolean complete) {
        progress.setText((spec.granularity() == SweepSpec.Granularity.CELL ? "cell = that matrix alone pruned"
                : "row = its matrices pruned together") + " · " + (complete ? "complete, " + done + " points"
                : done + " of " + total + " points"));
    }

    /** Runs {@code writes} with the line chart's own notifications held back, then redraws each chart once. */
    void batch(Runnable writes) {
        curves.chart().setNotify(false);
        try {
            writes.run();
        } finally {
            curves.chart().setNotify(true);
        }
        heatmap.fireChartChanged();
    }

    /** Puts on a theme's frame colours (data colours stay). */
    void restyle(ChartStyle style) {
        style.apply(heatmap);
        curves.restyle(style);
        heatmap.getTitle().setPaint(style.text());
    }

    // ------------------------------------------------------------------------------------------------ building

    private String title() {
        return metric + ", " + WhatIfCharts.unit(spec) + " pruned to " + WhatIfCharts.percent(sparsities[shown])
                + " — " + modelLabel;
    }

    private String deltaUnit() {
        return unit == 100 ? "percentage points" : metric;
    }

    private JFreeChart buildHeatmap() {
        String[] columnLabels = columnKeys.toArray(String[]::new);
        String[] rowLabels = new String[layers];
        for (int i = 0; i < layers; i++) {
            rowLabels[i] = "layer " + i;
        }
        SymbolAxis columnAxis = new SymbolAxis(spec.granularity() == SweepSpec.Granularity.CELL ? "matrix pruned"
                : "layer pruned (its matrices together)", columnLabels);
        SymbolAxis rowAxis = new SymbolAxis(null, rowLabels);
        for (SymbolAxis axis : List.of(columnAxis, rowAxis)) {
            axis.setGridBandsVisible(false);
            axis.setTickLabelFont(AXIS_FONT);
            axis.setLabelFont(AXIS_FONT);
            axis.setTickMarksVisible(false);
        }
        columnAxis.setRange(-0.5, columnLabels.length - 0.5);
        rowAxis.setRange(-0.5, Math.max(1, layers) - 0.5);
        rowAxis.setInverted(true);

        double[][] xyz = new double[3][layers * columnLabels.length];
        int i = 0;
        for (int row = 0; row < layers; row++) {
            for (int col = 0; col < columnLabels.length; col++) {
                xyz[0][i] = col;
                xyz[1][i] = row;
                i++;
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries("Δ " + metric, xyz);
        XYPlot plot = new XYPlot(dataset, columnAxis, rowAxis, new CellRenderer());
        plot.setDomainAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(Color.GRAY);

        JFreeChart chart = new JFreeChart(title(), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        String floorText = metric.equals("accuracy") ? "chance (" + WhatIfNumbers.sig3(floor) + ")"
                : WhatIfNumbers.sig3(floor);
        TextTitle key = new TextTitle("colour: Δ against the unpruned " + WhatIfNumbers.sig3(baseline)
                + " · scale ends at " + floorText, AXIS_FONT);
        key.setToolTipText("The scale is fixed before the first point: from the unpruned model down to "
                + floorText + ", always answering the most common label, and as far up; the colour follows the "
                + "square root of |Δ|.");
        key.setMaximumLinesToDisplay(2);
        chart.addSubtitle(key);
        TextTitle marks = new TextTitle("• beyond noise (McNemar, 95 %) · grey …: not yet evaluated", AXIS_FONT);
        marks.setMaximumLinesToDisplay(2);
        chart.addSubtitle(marks);
        progress(0, 0, false);
        chart.addSubtitle(progress);
        NumberAxis legendAxis = new DeltaAxis("Δ " + metric + ", " + deltaUnit() + ", one scale for every sparsity "
                + "(blue: pruning hurt, red: it helped)");
        legendAxis.setRange(paintScale.getLowerBound(), paintScale.getUpperBound());
        legendAxis.setTickLabelFont(AXIS_FONT);
        legendAxis.setLabelFont(AXIS_FONT);
        PaintScaleLegend legend = new PaintScaleLegend(paintScale, legendAxis);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setSubdivisionCount(256);
        legend.setStripWidth(14);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(6, 40, 6, 40));
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        return chart;
    }

    /** Paints each cell from the sweep's points at the sparsity shown. */
    private final class CellRenderer extends XYBlockRenderer {

        @Override
        public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea,
                PlotRenderingInfo info, XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis, XYDataset dataset,
                int series, int item, CrosshairState crosshairState, int pass) {
            double x = dataset.getXValue(series, item);
            double y = dataset.getYValue(series, item);
            double x0 = domainAxis.valueToJava2D(x - 0.5, dataArea, plot.getDomainAxisEdge());
            double x1 = domainAxis.valueToJava2D(x + 0.5, dataArea, plot.getDomainAxisEdge());
            double y0 = rangeAxis.valueToJava2D(y - 0.5, dataArea, plot.getRangeAxisEdge());
            double y1 = rangeAxis.valueToJava2D(y + 0.5, dataArea, plot.getRangeAxisEdge());
            Rectangle2D cell = new Rectangle2D.Double(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0),
                    Math.abs(y1 - y0));
            SweepPoint p = cells[shown][(int) y][(int) x];
            Color fill;
            String mark = null;
            if (p == null) {
                fill = NOT_YET_PAINT;
                mark = "…";
            } else if (Double.isNaN(p.delta())) {
                fill = ColorMapPaintScale.NAN_PAINT;
                mark = "NaN";
            } else {
                fill = paintScale.colorOf(position(p.delta()));
            }
            g2.setPaint(fill);
            g2.fill(cell);
            g2.setPaint(Color.WHITE);
            g2.setStroke(new BasicStroke(1.5f));
            g2.draw(cell);
            Color ink = dark(fill) ? Color.WHITE : p == null ? NOT_YET_MARK : Color.BLACK;
            if (mark != null) {
                g2.setFont(MARK_FONT);
                g2.setPaint(ink);
                FontMetrics fm = g2.getFontMetrics();
                g2.drawString(mark, (float) (cell.getCenterX() - fm.stringWidth(mark) / 2.0),
                        (float) (cell.getCenterY() + fm.getAscent() / 2.0 - 2));
            } else if (p.change() != null && p.change().significant()) {
                double r = Math.max(2.5, Math.min(4.5, Math.min(cell.getWidth(), cell.getHeight()) * 0.09));
                g2.setPaint(ink);
                g2.fill(new Ellipse2D.Double(cell.getCenterX() - r, cell.getCenterY() - r, 2 * r, 2 * r));
            }
        }
    }

    /** Where Δ sits on the colour map, −1 … 1: the square root of |Δ| / range, with Δ's sign. */
    double position(double delta) {
        double t = Math.min(1, Math.abs(delta) / range);
        return Math.signum(delta) * Math.sqrt(t);
    }

    /** The colour of a change Δ on the heatmap. */
    Color colourOf(double delta) {
        return paintScale.colorOf(position(delta));
    }

    /**
     * The legend's axis: the map's positions −1 … 1, ticks at round values of Δ (in the shown units) placed where
     * their colour is, and the ends labelled with the range.
     */
    private final class DeltaAxis extends NumberAxis {

        DeltaAxis(String label) {
            super(label);
        }

        @Override
        public java.util.List<org.jfree.chart.axis.ValueTick> refreshTicks(Graphics2D g2,
                org.jfree.chart.axis.AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            java.util.List<org.jfree.chart.axis.ValueTick> ticks = new java.util.ArrayList<>();
            double end = range * unit;
            java.util.List<Double> values = new java.util.ArrayList<>();
            double last = 0;
            for (double decade = Math.pow(10, Math.floor(Math.log10(end)) - 2); decade <= end; decade *= 10) {
                for (double m : new double[] {1, 2, 5}) {
                    double v = m * decade;
                    double u = Math.sqrt(v / end);
                    if (v < end && u - last >= 0.16 && 1 - u >= 0.12) {
                        values.add(v);
                        last = u;
                    }
                }
            }
            values.add(end);
            ticks.add(tick(0, "0"));
            for (double v : values) {
                String text = WhatIfNumbers.sig3(v);
                ticks.add(tick(Math.sqrt(v / end), "+" + text));
                ticks.add(tick(-Math.sqrt(v / end), "−" + text));
            }
            return ticks;
        }

        private org.jfree.chart.axis.NumberTick tick(double u, String text) {
            return new org.jfree.chart.axis.NumberTick(u, text, org.jfree.chart.ui.TextAnchor.TOP_CENTER,
                    org.jfree.chart.ui.TextAnchor.CENTER, 0.0);
        }
    }

    private static boolean dark(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 140;
    }

    /** The hover's words for a point: its metric, Δ with its interval, and whether that is beyond noise. */
    String describe(SweepPoint p) {
        String value = metric + " " + WhatIfNumbers.sig3(p.metric());
        String delta = "Δ " + WhatIfNumbers.signed(p.delta() * unit) + (unit == 100 ? " points" : "");
        PairedChange c = p.change();
        if (c == null) {
            return value + ", " + delta + " against " + WhatIfNumbers.sig3(baseline) + " unpruned (no per-example "
                    + "counts for this point: its uncertainty is unknown)";
        }
        if (c.flipped() == 0) {
            return value + ", Δ 0 against " + WhatIfNumbers.sig3(baseline) + " unpruned: no answer of the "
                    + c.examples() + " examples changed";
        }
        String interval = String.format(Locale.ROOT, "95 %% interval %s … %s", WhatIfNumbers.signed(c.lower() * unit),
                WhatIfNumbers.signed(c.upper() * unit));
        return value + ", " + delta + " against " + WhatIfNumbers.sig3(baseline) + " unpruned (" + interval
                + "; " + c.lost() + " of " + c.examples() + " examples lost, " + c.gained() + " gained) — "
                + (c.significant() ? "beyond noise (McNemar p = " + WhatIfNumbers.sig3(c.pValue()) + ")"
                : "within noise");
    }
}
