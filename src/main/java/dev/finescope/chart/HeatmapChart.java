package dev.finescope.chart;

import dev.finescope.analysis.Metric;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYShapeAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.Range;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The layer × sublayer heatmap of one metric: the picture that shows where fine-tuning moved a model. Colours
 * come from viridis on a log scale by default, because distances span orders of magnitude; cells the model
 * lacks are hatched rather than painted as a value; NaN cells are grey and say so.
 */
public final class HeatmapChart {

    /** How values map onto the colour map. */
    public enum Scale { LOG, LINEAR }

    /** The fill of a cell the model has no tensor for; hatched so it never reads as a value. */
    public static final Color EMPTY_PAINT = new Color(0xf0f0f0);

    private static final Color HATCH_PAINT = new Color(0xa0a0a0);
    private static final Font CELL_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font SMALL_AXIS_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Font SMALL_CELL_FONT = new Font("SansSerif", Font.PLAIN, 10);
    private static final Font SMALL_TITLE_FONT = new Font("SansSerif", Font.BOLD, 13);

    private HeatmapChart() {
    }

    /** A heatmap coloured over the range of its own values. */
    public static JFreeChart create(GridData data, Scale scale) {
        return create(data, scale, range(scale, List.of(data)), false);
    }

    /**
     * A heatmap coloured over a given range in the metric's units: one shared with other charts (small
     * multiples of several tuned models; the subtitle then says so) or the metric's natural range. Values
     * outside take the end colours.
     */
    public static JFreeChart create(GridData data, Scale scale, Range range, boolean shared) {
        return create(data, scale, range, shared, ChartStyle.LIGHT);
    }

    /** As {@link #create(GridData, Scale, Range, boolean)}, its ground and empty cells in {@code style}. */
    public static JFreeChart create(GridData data, Scale scale, Range range, boolean shared, ChartStyle style) {
        Ground ground = Ground.of(style);
        ColorMapPaintScale paintScale = paintScale(scale, range, ground.plot);
        JFreeChart chart = chart(data, scale, paintScale, false, ground);
        chart.setTitle(new TextTitle(data.metricLabel() + " — " + data.tunedLabel() + " vs " + data.baseLabel(),
                JFreeChart.DEFAULT_TITLE_FONT));
        chart.addSubtitle(new TextTitle(note(data, scale, shared), AXIS_FONT));
        if (!data.allZero()) {
            chart.addSubtitle(legend(data.metricLabel(), scale, paintScale));
        }
        return style.apply(chart);
    }

    /**
     * One of several heatmaps side by side: titled by its fine-tuned model alone, with short column and row
     * labels and neither subtitle nor colour bar (the view shows one {@link #colourBar} and one note for all).
     */
    public static JFreeChart smallMultiple(GridData data, Scale scale, Range range, ChartStyle style) {
        Ground ground = Ground.of(style);
        JFreeChart chart = chart(data, scale, paintScale(scale, range, ground.plot), true, ground);
        chart.setTitle(new TextTitle(data.tunedLabel(), SMALL_TITLE_FONT));
        return style.apply(chart);
    }

    /**
     * The smallest cell of a small multiple, in pixels: a short column label ("FFo") and a row label fit, and a
     * colour is still a patch one can see.
     */
    public static final int MIN_CELL_WIDTH = 30;
    public static final int MIN_CELL_HEIGHT = 18;

    /** The size of a small multiple whose cells are {@code cellWidth × cellHeight}. */
    public static Dimension smallMultipleSize(GridData data, int cellWidth, int cellHeight) {
        int columns = data.columnLabels().size();
        int rows = Math.max(1, data.rows().size());
        return new Dimension(SMALL_ROW_AXIS + columns * cellWidth + 16, SMALL_FRAME + rows * cellHeight);
    }

    /** Room a small multiple takes besides its cells: row labels across, title and column labels down. */
    private static final int SMALL_ROW_AXIS = 52;
    private static final int SMALL_FRAME = 62;

    /** What a grid's cells are and how they are coloured, in one line (shown once for small multiples). */
    public static String note(GridData data, Scale scale, boolean shared) {
        if (data.allZero()) {
            return data.cellNote() + " · every cell is 0: nothing moved, so no colour scale"
                    + (data.anyAdded() ? " · hatched: nothing to compare" : "");
        }
        String scaleNote = (scale == Scale.LOG ? "log" : "linear") + " colour scale"
                + (shared ? ", shared across the compared models" : "") + " · more colour = more change";
        boolean anyEmpty = data.rows().stream().flatMap(r -> r.cells().stream()).anyMatch(c -> !c.present());
        String emptyNote = anyEmpty ? " · hatched: nothing to compare" : "";
        boolean anyOffScale = scale == Scale.LOG && data.rows().stream().flatMap(r -> r.cells().stream())
                .anyMatch(c -> c.present() && !(c.value() > 0) && !Double.isNaN(c.value()));
        emptyNote += anyOffScale ? " · blank \"0\": unchanged" : "";
        return data.cellNote() + " · " + scaleNote + emptyNote;
    }

    /** The grid itself: axes, cells, marks and borders, without titles. */
    private static JFreeChart chart(GridData data, Scale scale, ColorMapPaintScale paintScale, boolean compact,
            Ground ground) {
        int columns = data.columnLabels().size();
        int rows = data.rows().size();
        List<String> columnLabels = compact ? shortColumnLabels(data.columnLabels()) : data.columnLabels();
        SymbolAxis columnAxis = new ThinningSymbolAxis(compact ? null : "sublayer",
                columnLabels.toArray(String[]::new));
        SymbolAxis rowAxis = new ThinningSymbolAxis(null, data.rows().stream()
                .map(r -> compact ? shortRowLabel(r.label()) : r.label()).toArray(String[]::new));
        for (SymbolAxis axis : List.of(columnAxis, rowAxis)) {
            axis.setGridBandsVisible(false);
            axis.setTickLabelFont(compact ? SMALL_AXIS_FONT : AXIS_FONT);
            axis.setTickMarksVisible(false);
        }
        columnAxis.setRange(-0.5, columns - 0.5);
        rowAxis.setRange(-0.5, Math.max(1, rows) - 0.5);
        rowAxis.setInverted(true);

        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(paintScale);
        renderer.setBlockWidth(1);
        renderer.setBlockHeight(1);

        XYPlot plot = new XYPlot(dataset(data, scale), columnAxis, rowAxis, renderer);
        plot.setDomainAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setBackgroundPaint(ground.plot);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(Color.GRAY);
        addCellMarks(plot, data, scale, paintScale, compact, ground);
        plot.addAnnotation(new XYShapeAnnotation(cellBorders(columns, rows), new BasicStroke(compact ? 1f : 1.5f),
                ground.border));

        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(ground.border);
        return chart;
    }

    /** The colours behind the data: the plot's ground (also "0" on a log scale), borders, empty cells. */
    private record Ground(Color plot, Color border, Color empty, Color hatch, Color text) {
        static Ground of(ChartStyle style) {
            return style == ChartStyle.DARK
                    ? new Ground(new Color(0x161b22), style.background(), new Color(0x21262d), new Color(0x6e7681),
                            style.text())
                    : new Ground(Color.WHITE, Color.WHITE, EMPTY_PAINT, HATCH_PAINT, Color.BLACK);
        }
    }

    /** Q K V AO LN1 FFi FFo LN2: the encoder's columns in three letters at most. */
    static List<String> shortColumnLabels(List<String> labels) {
        return labels.stream().map(l -> switch (l) {
            case "AttnOut" -> "AO";
            case "AttnLN" -> "LN1";
            case "FFN-in" -> "FFi";
            case "FFN-out" -> "FFo";
            case "OutLN" -> "LN2";
            default -> l;
        }).toList();
    }

    /** "emb", "0" … "11", "pool", "head". */
    static String shortRowLabel(String label) {
        if (label.startsWith("layer ")) {
            return label.substring("layer ".length());
        }
        return switch (label) {
            case "embeddings" -> "emb";
            case "pooler" -> "pool";
            default -> label;
        };
    }

    /**
     * The colour bar of a heatmap on its own: the metric in words (with its units), its ends labelled, drawn by
     * the view once under small multiples.
     */
    public static PaintScaleLegend colourBar(String metricLabel, Scale scale, Range range, ChartStyle style) {
        PaintScaleLegend legend = legend(metricLabel, scale, paintScale(scale, range));
        legend.setBackgroundPaint(style.background());
        legend.getAxis().setLabelPaint(style.text());
        legend.getAxis().setTickLabelPaint(style.text());
        legend.getAxis().setAxisLinePaint(style.text());
        return legend;
    }

    /**
     * The range of values to colour over: the finite values of all present cells, positive ones only for a
     * log scale; widened when it is a single value.
     */
    public static Range range(Scale scale, Collection<GridData> charts) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (GridData d : charts) {
            for (double v : d.presentValues()) {
                if (Double.isFinite(v) && (scale == Scale.LINEAR || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return scale == Scale.LOG ? new Range(0.1, 1) : new Range(0, 1);
        }
        if (lo == hi) {
            if (scale == Scale.LOG) {
                return new Range(lo / Math.sqrt(10), lo * Math.sqrt(10));
            }
            double pad = lo == 0 ? 1 : Math.abs(lo) / 2;
            return new Range(lo - pad, hi + pad);
        }
        return new Range(lo, hi);
    }

    /** The paint scale of a value range, in plotted coordinates (log10 of the value for a log scale). */
    public static ColorMapPaintScale paintScale(Scale scale, Range range) {
        return paintScale(scale, range, ColorMapPaintScale.OFF_SCALE_PAINT);
    }

    /** As {@link #paintScale(Scale, Range)}, with 0 on a log scale painted {@code ground}. */
    public static ColorMapPaintScale paintScale(Scale scale, Range range, Color ground) {
        return new ColorMapPaintScale(Viridis.MAP, plotted(scale, range.getLowerBound()),
                plotted(scale, range.getUpperBound()), ground);
    }

    /** The coordinate a value is coloured at: log10 for a log scale (minus infinity for values ≤ 0). */
    public static double plotted(Scale scale, double value) {
        if (scale == Scale.LINEAR || Double.isNaN(value)) {
            return value;
        }
        return value > 0 ? Math.log10(value) : Double.NEGATIVE_INFINITY;
    }

    /**
     * The honest scale for a metric: log for distances (the cosine shown as 1 − cos among them), which span
     * orders of magnitude; linear for shares (fraction changed, sparsity), which live on 0 to 1.
     */
    public static Scale defaultScale(Metric metric) {
        return switch (metric) {
            case FRAC_CHANGED, FRAC_ZERO -> Scale.LINEAR;
            default -> Scale.LOG;
        };
    }

    /** The fixed range of a metric that has one (shares: 0 to 1), so that 100 % always looks the same. */
    public static Optional<Range> naturalRange(Metric metric) {
        return metric == Metric.FRAC_CHANGED || metric == Metric.FRAC_ZERO
                ? Optional.of(new Range(0, 1)) : Optional.empty();
    }

    /** A size at which every label of the chart is readable. */
    public static Dimension preferredSize(GridData data) {
        return new Dimension(900, 190 + 34 * Math.max(1, data.rows().size()));
    }


    private static DefaultXYZDataset dataset(GridData data, Scale scale) {
        int n = 0;
        for (GridData.Row r : data.rows()) {
            n += (int) r.cells().stream().filter(GridData.Cell::present).count();
        }
        double[][] xyz = new double[3][n];
        int i = 0;
        for (int row = 0; row < data.rows().size(); row++) {
            List<GridData.Cell> cells = data.rows().get(row).cells();
            for (int col = 0; col < cells.size(); col++) {
                if (cells.get(col).present()) {
                    xyz[0][i] = col;
                    xyz[1][i] = row;
                    xyz[2][i] = plotted(scale, cells.get(col).value());
                    i++;
                }
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries(data.metricLabel(), xyz);
        return dataset;
    }

    /** Hatching for empty cells; in-cell words for cells with their own label, NaN, and values off a log scale. */
    private static void addCellMarks(XYPlot plot, GridData data, Scale scale, ColorMapPaintScale paintScale,
            boolean compact, Ground ground) {
        for (int row = 0; row < data.rows().size(); row++) {
            List<GridData.Cell> cells = data.rows().get(row).cells();
            for (int col = 0; col < cells.size(); col++) {
                GridData.Cell cell = cells.get(col);
                Color background;
                String mark = null;
                if (!cell.present()) {
                    plot.addAnnotation(new XYShapeAnnotation(
                            new Rectangle2D.Double(col - 0.5, row - 0.5, 1, 1), null, null, ground.empty));
                    plot.addAnnotation(new XYShapeAnnotation(hatch(col, row), new BasicStroke(1f), ground.hatch));
                    background = ground.empty;
                } else {
                    double plottedValue = plotted(scale, cell.value());
                    background = paintScale.colorOf(plottedValue);
                    if (Double.isNaN(cell.value())) {
                        mark = "NaN";
                    } else if (plottedValue == Double.NEGATIVE_INFINITY) {
                        mark = NumberText.of(cell.value());
                    }
                }
                String label = compact && !cell.isAdded() ? null : cell.label();
                String text = label == null ? mark : mark == null ? label : label + " " + mark;
                if (text != null) {
                    XYTextAnnotation a = new XYTextAnnotation(compact && cell.isAdded() ? "new" : text, col, row);
                    a.setFont(compact ? SMALL_CELL_FONT : CELL_FONT);
                    a.setPaint(isDark(background) ? Color.WHITE : Color.BLACK);
                    plot.addAnnotation(a);
                }
            }
        }
    }

    /** White lines between cells, so that neighbours of equal colour still read as separate matrices. */
    private static Path2D cellBorders(int columns, int rows) {
        Path2D path = new Path2D.Double();
        for (int c = 1; c < columns; c++) {
            path.moveTo(c - 0.5, -0.5);
            path.lineTo(c - 0.5, rows - 0.5);
        }
        for (int r = 1; r < rows; r++) {
            path.moveTo(-0.5, r - 0.5);
            path.lineTo(columns - 0.5, r - 0.5);
        }
        return path;
    }

    /** Four diagonal strokes across the cell centred at (x, y), none through its centre. */
    private static Path2D hatch(double x, double y) {
        Path2D path = new Path2D.Double();
        for (double k : new double[] {-0.75, -0.25, 0.25, 0.75}) {
            double from = Math.max(-0.5, -0.5 - k);
            double to = Math.min(0.5, 0.5 - k);
            path.moveTo(x + from, y + from + k);
            path.lineTo(x + to, y + to + k);
        }
        return path;
    }

    private static boolean isDark(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 140;
    }

    private static PaintScaleLegend legend(String metricLabel, Scale scale, ColorMapPaintScale paintScale) {
        ValueAxis axis = new ColourBarAxis(metricLabel + (scale == Scale.LOG ? " (log scale)" : ""),
                scale == Scale.LOG);
        axis.setRange(paintScale.getLowerBound(), paintScale.getUpperBound());
        axis.setTickLabelFont(AXIS_FONT);
        PaintScaleLegend legend = new PaintScaleLegend(paintScale, axis);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setSubdivisionCount(256);
        legend.setStripWidth(14);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(6, 80, 6, 80));
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }
}
