package dev.finescope.ui;

import dev.finescope.analysis.Histogram;
import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.HistogramChart;
import dev.finescope.checkpoint.overlay.MaskScores;
import dev.finescope.ui.HistogramsViewModel.Result;
import dev.finescope.ui.HistogramsViewModel.View;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.common.ProgressTask;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.function.Supplier;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;

/**
 * Draws the learned mask scores of sparsified matrices in the background. A run keeps histograms of its scores in
 * the overlay rather than the scores themselves, so nothing large is read here; the chart is still drawn off the FX
 * thread, as every chart of the tab is.
 */
final class MaskScoresTask extends ProgressTask<Result> {

    private static final Color THRESHOLD_COLOUR = new Color(0xd55e00);

    private final MaskScores scores;
    private final List<String> masked;
    private final String what;
    private final String modelLabel;
    private final ChartStyle chartStyle;

    /** The summed scores of the sparsified matrices {@code masked} (described as {@code what}) of a model. */
    MaskScoresTask(MaskScores scores, List<String> masked, String what, String modelLabel, ChartStyle chartStyle) {
        super("Drawing the mask scores of " + what);
        this.scores = scores;
        this.masked = masked;
        this.what = what;
        this.modelLabel = modelLabel;
        this.chartStyle = chartStyle;
    }

    @Override
    protected Result call() {
        MaskScores.Counts sum = scores.sum(masked);
        Histogram h = new Histogram(Histogram.Values.TUNED, false, scores.lo(), scores.hi(), sum.counts(),
                sum.below(), sum.above(), 0, sum.nonFinite(), sum.numel());
        String title = View.MASK_SCORES.label() + " — " + what + " — " + modelLabel;
        double threshold = sum.threshold();
        Supplier<JFreeChart> chart = () -> maskScoreChart(title, h, threshold, masked.size());
        CsvTable table = new CsvTable(List.of("bin_lower", "bin_upper", "scores"));
        for (int k = 0; k < h.bins(); k++) {
            table.add(Double.toString(h.binLower(k)), Double.toString(h.binUpper(k)), Long.toString(h.count(k)));
        }
        return new Result(chartStyle.apply(chart.get()), Figure.of("mask-scores-" + what, chart,
                HistogramsViewModel.WIDTH, HistogramsViewModel.HEIGHT), table);
    }

    /** The scores' histogram with the threshold that decides the masks marked on it. */
    static JFreeChart maskScoreChart(String title, Histogram h, double threshold, int matrices) {
        JFreeChart chart = HistogramChart.create(title, List.of(new HistogramChart.Series("mask scores", h)));
        XYPlot plot = chart.getXYPlot();
        plot.getDomainAxis().setLabel("learned mask score S (an entry is kept where S > threshold)");
        if (Double.isFinite(threshold)) {
            ValueMarker marker = new ValueMarker(threshold, THRESHOLD_COLOUR, new BasicStroke(1.6f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            marker.setLabel("threshold " + Numbers.metric(threshold) + ": zeroed ← | → kept");
            marker.setLabelFont(new Font("SansSerif", Font.PLAIN, 12));
            marker.setLabelPaint(THRESHOLD_COLOUR);
            marker.setLabelBackgroundColor(new Color(0, 0, 0, 0));
            marker.setLabelAnchor(RectangleAnchor.TOP);
            marker.setLabelTextAnchor(TextAnchor.TOP_CENTER);
            plot.addDomainMarker(marker);
            if (!(plot.getDomainAxis().getRange().contains(threshold))) {
                plot.getDomainAxis().setRange(Math.min(threshold, h.lo()), Math.max(threshold, h.hi()));
            }
        } else {
            chart.addSubtitle(new TextTitle("exact top-k masks: each of the " + matrices
                    + " matrices has its own threshold (pick one tensor to see it)"));
        }
        return chart;
    }
}
