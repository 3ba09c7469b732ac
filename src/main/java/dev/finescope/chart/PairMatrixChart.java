package dev.finescope.chart;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;

/**
 * A runs × runs matrix of a share in 0..1 (how two learned masks compare), on viridis over the whole 0..1 range so
 * that several matrices read on one scale. One convention for all of them, as on the heatmap: more colour = more
 * different. A similarity (an overlap, where 1 means the same) is therefore drawn as its distance 1 − s, and its
 * labels say so; small matrices have their values written in.
 */
public final class PairMatrixChart {

    /** What the values measure. */
    public enum Measure {
        /** A difference: 0 = the same, 1 = nothing alike (Hamming distance). Drawn as given. */
        DIFFERENCE,
        /** A similarity: 1 = the same (Jaccard overlap). Drawn as 1 − value. */
        SIMILARITY
    }

    private static final Font CELL_FONT = new Font("SansSerif", Font.PLAIN, 11);

    private PairMatrixChart() {
    }

    /**
     * The matrix of {@code values} between runs named {@code labels}; {@code valueLabel} names the measure as
     * given. With {@code writeValues} the value of each cell is written in it.
     */
    public static JFreeChart create(List<String> labels, double[][] values, Measure measure, String title,
            String valueLabel, String cellNote, boolean writeValues) {
        boolean flip = measure == Measure.SIMILARITY;
        String shownLabel = flip ? "1 − " + valueLabel + " (distance)" : valueLabel;
        double[][] shown = new double[labels.size()][labels.size()];
        List<GridData.Row> rows = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            List<GridData.Cell> cells = new ArrayList<>();
            for (int j = 0; j < labels.size(); j++) {
                shown[i][j] = flip ? 1 - values[i][j] : values[i][j];
                cells.add(GridData.Cell.of(null, shown[i][j]));
            }
            rows.add(new GridData.Row(labels.get(i), cells));
        }
        GridData grid = new GridData(shownLabel, "", "", cellNote + " · more colour = more different", labels,
                rows);
        Range range = new Range(0, 1);
        JFreeChart chart = HeatmapChart.create(grid, HeatmapChart.Scale.LINEAR, range, false);
        chart.setTitle(new TextTitle(flip ? title + ", as a distance (1 − overlap)" : title,
                JFreeChart.DEFAULT_TITLE_FONT));
        if (chart.getPlot() instanceof XYPlot plot) {
            plot.getDomainAxis().setLabel(null);
            plot.getDomainAxis().setVerticalTickLabels(labels.size() > 3);
            if (writeValues) {
                ColorMapPaintScale paint = HeatmapChart.paintScale(HeatmapChart.Scale.LINEAR, range);
                for (int i = 0; i < labels.size(); i++) {
                    for (int j = 0; j < labels.size(); j++) {
                        double v = shown[i][j];
                        XYTextAnnotation a = new XYTextAnnotation(NumberText.of(v), j, i);
                        a.setFont(CELL_FONT);
                        Color c = paint.colorOf(v);
                        a.setPaint(0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 140
                                ? Color.WHITE : Color.BLACK);
                        plot.addAnnotation(a);
                    }
                }
            }
        }
        return chart;
    }
}
