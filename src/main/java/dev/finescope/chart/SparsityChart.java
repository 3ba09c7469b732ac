package dev.finescope.chart;

import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The share of exactly-zero weights per row of the grid (embeddings, each layer, pooler, head), for each model
 * side by side: where a sparsified run put its zeros, against the base's.
 */
public final class SparsityChart {

    private static final Color[] MODEL_COLOURS = {new Color(0x0072b2), new Color(0xd55e00), new Color(0x009e73)};
    private static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 12);

    /**
     * One model's shares.
     *
     * @param shares per row, in the order of the rows; NaN for a row the model lacks
     */
    public record Series(String label, double[] shares) {
        public Series {
            Objects.requireNonNull(label, "label");
            shares = shares.clone();
        }

        @Override
        public double[] shares() {
            return shares.clone();
        }
    }

    private SparsityChart() {
    }

    /** Grouped bars: one group per row label, one bar per model, in percent. */
    public static JFreeChart create(String title, List<String> rows, List<Series> models) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        double max = 0;
        for (Series s : models) {
            if (s.shares.length != rows.size()) {
                throw new IllegalArgumentException(s.label() + " has " + s.shares.length + " shares for "
                        + rows.size() + " rows");
            }
            for (int i = 0; i < rows.size(); i++) {
                double share = s.shares[i];
                dataset.addValue(Double.isNaN(share) ? null : 100 * share, s.label(), rows.get(i));
                if (!Double.isNaN(share)) {
                    max = Math.max(max, 100 * share);
                }
            }
        }
        CategoryAxis rowAxis = new CategoryAxis(null);
        rowAxis.setTickLabelFont(AXIS_FONT);
        rowAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        NumberAxis percent = new NumberAxis("exact zeros (% of entries)");
        percent.setTickLabelFont(AXIS_FONT);
        percent.setLabelFont(AXIS_FONT);
        percent.setRange(0, max <= 0 ? 1 : Math.min(100, max * 1.1));

        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < models.size(); i++) {
            renderer.setSeriesPaint(i, MODEL_COLOURS[i % MODEL_COLOURS.length]);
        }
        CategoryPlot plot = new CategoryPlot(dataset, rowAxis, percent, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xd0d7de));

        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(max == 0 ? "no entry is exactly zero in any row"
                : "share of entries that are exactly zero, per row of the grid", AXIS_FONT));
        LegendTitle legend = new LegendTitle(plot);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(AXIS_FONT);
        chart.addSubtitle(legend);
        return chart;
    }
}
