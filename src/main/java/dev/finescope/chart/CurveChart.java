package dev.finescope.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Curves over a run's steps: the training loss, and the metrics of each evaluation. Panels stacked over one
 * shared step axis, so that a jump in the loss and a change in accuracy line up. The app draws a live run with
 * it and export writes the same picture, so what a user saw is what they keep.
 */
public final class CurveChart {

    /**
     * Line colours in order: the Okabe–Ito palette, told apart by colour-blind viewers (blue, vermillion,
     * bluish green, orange, reddish purple, sky blue, yellow, black).
     */
    public static final List<Color> PALETTE = List.of(new Color(0x0072b2), new Color(0xd55e00),
            new Color(0x009e73), new Color(0xe69f00), new Color(0xcc79a7), new Color(0x56b4e9),
            new Color(0xf0e442), Color.BLACK);

    /** The narrowest value range an axis shows, so a flat curve gets readable ticks rather than 5E-1 five times. */
    static final double MIN_VALUE_RANGE = 0.01;

    private static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 12);

    /**
     * One named curve: {@code y[i]} at step {@code x[i]}.
     *
     * @param markers draw a dot at every point (for sparse points such as evaluations)
     */
    public record Curve(String name, double[] x, double[] y, boolean markers) {

        public Curve {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("curve '" + name + "' has " + x.length + " steps and "
                        + y.length + " values");
            }
            x = x.clone();
            y = y.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }

        public int size() {
            return x.length;
        }
    }

    /**
     * One stacked plot: its value axis and its curves.
     *
     * @param emptyMessage shown in the panel while its curves hold no point
     */
    public record Panel(String valueLabel, List<Curve> curves, String emptyMessage) {

        public Panel {
            Objects.requireNonNull(valueLabel, "valueLabel");
            curves = List.copyOf(curves);
            emptyMessage = emptyMessage == null ? "no data yet" : emptyMessage;
        }
    }

    private CurveChart() {
    }

    /**
     * Stacks the panels top to bottom over one step axis labelled {@code stepLabel}; colours run through
     * {@link #PALETTE} across all curves, and the legend is shown when there is more than one curve.
     */
    public static JFreeChart create(String title, String stepLabel, List<Panel> panels) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a curve chart needs at least one panel");
        }
        NumberAxis steps = new NumberAxis(stepLabel);
        steps.setAutoRangeIncludesZero(false);
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        steps.setLabelFont(AXIS_FONT);
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(steps);
        combined.setGap(12);
        int colour = 0;
        int curves = 0;
        for (Panel panel : panels) {
            XYSeriesCollection dataset = new XYSeriesCollection();
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            for (Curve c : panel.curves()) {
                XYSeries series = new XYSeries(c.name(), false, true);
                for (int i = 0; i < c.size(); i++) {
                    series.add(c.x[i], c.y[i]);
                }
                int index = dataset.getSeriesCount();
                dataset.addSeries(series);
                renderer.setSeriesPaint(index, PALETTE.get(colour++ % PALETTE.size()));
                renderer.setSeriesStroke(index, new BasicStroke(1.6f));
                renderer.setSeriesShapesVisible(index, c.markers());
                curves++;
            }
            NumberAxis values = new NumberAxis(panel.valueLabel());
            values.setAutoRangeIncludesZero(false);
            values.setAutoRangeMinimumSize(MIN_VALUE_RANGE);
            values.setLabelFont(AXIS_FONT);
            XYPlot plot = new XYPlot(dataset, null, values, renderer);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xdddddd));
            plot.setRangeGridlinePaint(new Color(0xdddddd));
            plot.setNoDataMessage(panel.emptyMessage());
            plot.setNoDataMessageFont(AXIS_FONT);
            combined.add(plot, 1);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, curves > 1);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** As {@link #create}, with a subtitle under the title (the run's status, say). */
    public static JFreeChart create(String title, String subtitle, String stepLabel, List<Panel> panels) {
        JFreeChart chart = create(title, stepLabel, panels);
        chart.addSubtitle(new TextTitle(subtitle, AXIS_FONT));
        return chart;
    }
}
