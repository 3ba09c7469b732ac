package dev.finescope.chart;

import java.awt.Color;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;

/**
 * The colours of a chart's frame (background, words, axes), so that charts follow the app's light or dark
 * theme while their data colours (viridis, the diverging map) stay the same: a value has one colour whatever
 * the theme. Files exported for papers use {@link #LIGHT}, as the command line does.
 */
public enum ChartStyle {
    /** Black on white: the command line's charts and every exported file. */
    LIGHT(Color.WHITE, new Color(0x1f2328), new Color(0x59636e), new Color(0xd0d7de)),
    /** Light words on the dark theme's background. */
    DARK(new Color(0x0d1117), new Color(0xe6edf3), new Color(0x9198a1), new Color(0x30363d));

    private final Color background;
    private final Color text;
    private final Color lines;
    private final Color grid;

    ChartStyle(Color background, Color text, Color lines, Color grid) {
        this.background = background;
        this.text = text;
        this.lines = lines;
        this.grid = grid;
    }

    public Color background() {
        return background;
    }

    public Color text() {
        return text;
    }

    /** Applies this style's frame colours to {@code chart} and returns it. */
    public JFreeChart apply(JFreeChart chart) {
        chart.setBackgroundPaint(background);
        if (chart.getTitle() != null) {
            chart.getTitle().setPaint(text);
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            style(chart.getSubtitle(i));
        }
        Plot plot = chart.getPlot();
        plot.setOutlinePaint(lines);
        // A heatmap's grid keeps its white ground in every theme: its cell separators, hatched empty cells and
        // blank slots outside a row are drawn for white and read as data on any other ground.
        boolean heatmap = plot instanceof XYPlot xyPlot && xyPlot.getRenderer() instanceof XYBlockRenderer;
        if (!heatmap) {
            plot.setBackgroundPaint(background);
        }
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(grid);
            xy.setRangeGridlinePaint(grid);
            for (int i = 0; i < xy.getDomainAxisCount(); i++) {
                style(xy.getDomainAxis(i));
            }
            for (int i = 0; i < xy.getRangeAxisCount(); i++) {
                style(xy.getRangeAxis(i));
            }
            if (xy instanceof org.jfree.chart.plot.CombinedDomainXYPlot combined) {
                for (XYPlot sub : combined.getSubplots()) {
                    sub.setBackgroundPaint(background);
                    sub.setOutlinePaint(lines);
                    sub.setDomainGridlinePaint(grid);
                    sub.setRangeGridlinePaint(grid);
                    for (int i = 0; i < sub.getRangeAxisCount(); i++) {
                        style(sub.getRangeAxis(i));
                    }
                }
            }
        } else if (plot instanceof CategoryPlot cat) {
            cat.setRangeGridlinePaint(grid);
            cat.setDomainGridlinePaint(grid);
            for (int i = 0; i < cat.getDomainAxisCount(); i++) {
                style(cat.getDomainAxis(i));
            }
            for (int i = 0; i < cat.getRangeAxisCount(); i++) {
                style(cat.getRangeAxis(i));
            }
        }
        return chart;
    }

    private void style(Title title) {
        if (title instanceof TextTitle t) {
            t.setPaint(text);
            t.setBackgroundPaint(null);
        } else if (title instanceof PaintScaleLegend legend) {
            legend.setBackgroundPaint(background);
            style(legend.getAxis());
        } else if (title instanceof LegendTitle legend) {
            legend.setBackgroundPaint(background);
            legend.setItemPaint(text);
        }
    }

    private void style(Axis axis) {
        if (axis == null) {
            return;
        }
        axis.setLabelPaint(text);
        axis.setTickLabelPaint(text);
        // one way of writing numbers in every view: axes without their own format use the views' format
        if (axis instanceof org.jfree.chart.axis.NumberAxis n && !(axis instanceof org.jfree.chart.axis.SymbolAxis)
                && n.getNumberFormatOverride() == null) {
            n.setNumberFormatOverride(NumberText.format());
        } else if (axis instanceof org.jfree.chart.axis.LogAxis l && l.getNumberFormatOverride() == null) {
            l.setNumberFormatOverride(NumberText.format());
        }
        axis.setAxisLinePaint(lines);
        axis.setTickMarkPaint(lines);
    }
}
