package dev.finescope.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Weight matrices ranked by how far fine-tuning moved them: a Cleveland dot plot, one dot per matrix, furthest
 * first, each dot in the heatmap's colour for its value on the heatmap's scale, so that the ranking and the grid
 * read as one picture. Positions, not lengths, carry the values, which is what a log axis allows.
 */
public final class RankingChart {

    private static final Font LABEL_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final int ROW_PIXELS = 16;

    /**
     * What to rank.
     *
     * @param entries furthest first, as {@code LayerGrid.ranking} orders them
     */
    public record Data(String metricLabel, String baseLabel, String tunedLabel, List<Entry> entries) {
        public Data {
            entries = List.copyOf(entries);
        }
    }

    /**
     * One bar.
     *
     * @param label the matrix in words ("layer 3 · attention · value"); unique within a ranking
     * @param value the metric; NaN bars are left out and counted in the subtitle
     */
    public record Entry(String label, double value) {
        public Entry {
            Objects.requireNonNull(label, "label");
        }
    }

    private RankingChart() {
    }

    /**
     * The ranking on {@code scale} over {@code range} (in the metric's units), as the heatmap colours it: a
     * Cleveland dot plot, one dot per matrix at its value, on a line from the matrix's label. There are no bars:
     * on a log axis a bar's length from an arbitrary edge would suggest ratios that are not there.
     */
    public static JFreeChart create(Data data, HeatmapChart.Scale scale, Range range) {
        ColorMapPaintScale paintScale = HeatmapChart.paintScale(scale, range);
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        int undefined = 0;
        int offScale = 0;
        for (Entry e : data.entries()) {
            double plotted = HeatmapChart.plotted(scale, e.value());
            if (Double.isNaN(plotted)) {
                undefined++;
            } else if (plotted == Double.NEGATIVE_INFINITY) {
                offScale++;
            } else {
                dataset.addValue(plotted, data.metricLabel(), e.label());
            }
        }
        CategoryAxis matrices = new CategoryAxis(null);
        matrices.setTickLabelFont(LABEL_FONT);
        matrices.setCategoryMargin(0);
        matrices.setLowerMargin(0.005);
        matrices.setUpperMargin(0.005);
        matrices.setMaximumCategoryLabelWidthRatio(0.45f);

        ValueAxis values = scale == HeatmapChart.Scale.LOG
                ? new DecadeAxis(data.metricLabel() + " (log scale)")
                : new NumberAxis(data.metricLabel());
        if (values instanceof NumberAxis n && scale == HeatmapChart.Scale.LINEAR) {
            n.setNumberFormatOverride(NumberText.format());
        }
        double pad = (paintScale.getUpperBound() - paintScale.getLowerBound()) * 0.03;
        values.setRange(paintScale.getLowerBound() - pad, paintScale.getUpperBound() + pad);
        values.setTickLabelFont(AXIS_FONT);
        values.setLabelFont(AXIS_FONT);

        LineAndShapeRenderer renderer = new ValueColouredDots(dataset, paintScale);
        renderer.setDefaultLinesVisible(false);
        renderer.setDefaultShapesVisible(true);
        renderer.setDefaultShapesFilled(true);
        renderer.setUseOutlinePaint(true);
        renderer.setDefaultOutlinePaint(new Color(0x59636e));
        renderer.setSeriesShape(0, new Ellipse2D.Double(-DOT / 2, -DOT / 2, DOT, DOT));
        renderer.setDrawOutlines(true);

        CategoryPlot plot = new CategoryPlot(dataset, matrices, values, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xd0d7de));
        // a faint line per matrix leads the eye from its label to its dot
        plot.setDomainGridlinesVisible(true);
        plot.setDomainGridlinePosition(org.jfree.chart.axis.CategoryAnchor.MIDDLE);
        plot.setDomainGridlinePaint(new Color(0xd0d7de));
        plot.setDomainGridlineStroke(new BasicStroke(0.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[] {1f, 3f}, 0f));

        JFreeChart chart = new JFreeChart("Matrices ranked by " + data.metricLabel() + " — " + data.tunedLabel()
                + " vs " + data.baseLabel(), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        StringBuilder note = new StringBuilder("furthest moved first · one dot per matrix, coloured as on the heatmap, ")
                .append(scale == HeatmapChart.Scale.LOG ? "log" : "linear").append(" scale");
        if (undefined > 0) {
            note.append(" · ").append(undefined).append(" undefined (NaN) left out");
        }
        if (offScale > 0) {
            note.append(" · ").append(offScale).append(" at 0, off the log scale, left out");
        }
        chart.addSubtitle(new TextTitle(note.toString(), AXIS_FONT));
        return chart;
    }

    /** Diameter of a dot, in pixels. */
    private static final double DOT = 9;

    /** A size that gives every bar a readable label. */
    public static Dimension preferredSize(Data data) {
        return new Dimension(900, 120 + ROW_PIXELS * Math.max(1, data.entries().size()));
    }

    /** Dots painted by their own value's colour. */
    private static final class ValueColouredDots extends LineAndShapeRenderer {
        private final transient DefaultCategoryDataset dataset;
        private final transient ColorMapPaintScale paintScale;

        ValueColouredDots(DefaultCategoryDataset dataset, ColorMapPaintScale paintScale) {
            this.dataset = dataset;
            this.paintScale = paintScale;
        }

        @Override
        public Paint getItemPaint(int row, int column) {
            Number v = dataset.getValue(row, column);
            return v == null ? ColorMapPaintScale.NAN_PAINT : paintScale.colorOf(v.doubleValue());
        }
    }
}
