package dev.finescope.chart;

import dev.finescope.sweep.SweepReport;
import dev.finescope.sweep.SweepRun;
import java.awt.BasicStroke;
import java.awt.Color;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * A sweep's answer as a picture: the dev metric against sparsity, one line per plan (and per task and swept
 * hyper-parameter value, when there are several), each point the mean over seeds with a bar of ± one standard
 * deviation. A plan that takes no sparsity (full fine-tuning, say) is one point at sparsity 0, where it belongs:
 * it zeroes nothing.
 */
public final class SweepReportChart {

    private SweepReportChart() {
    }

    /** The chart of a report; points without a finished run are left out. */
    public static JFreeChart create(SweepReport report) {
        boolean severalTasks = report.rows().stream().map(r -> r.point().task()).distinct().count() > 1;
        Map<String, YIntervalSeries> lines = new LinkedHashMap<>();
        for (SweepReport.Row r : report.rows()) {
            SweepRun.GroupKey p = r.point();
            String key = p.label(severalTasks, false);
            YIntervalSeries s = lines.computeIfAbsent(key, k -> new YIntervalSeries(k, true, false));
            SweepReport.Stats st = r.stats();
            if (st.n() == 0) {
                continue;
            }
            double spread = Double.isNaN(st.std()) ? 0 : st.std();
            s.add(p.sparsity() == null ? 0 : p.sparsity(), st.mean(), st.mean() - spread, st.mean() + spread);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        lines.values().forEach(data::addSeries);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        renderer.setDrawXError(false);
        renderer.setErrorStroke(new BasicStroke(1.2f));
        renderer.setCapLength(6);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, CurveChart.PALETTE.get(i % CurveChart.PALETTE.size()));
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        NumberAxis x = new NumberAxis("sparsity (share of zeros)");
        x.setNumberFormatOverride(new DecimalFormat("0%"));
        x.setRange(-0.02, 1.0);
        String metric = report.metric().isEmpty() ? "dev metric" : "dev " + report.metric();
        NumberAxis y = new NumberAxis(metric + (report.value() == SweepReport.Value.BEST ? " (best)" : "")
                + ", mean ± std over seeds");
        y.setAutoRangeIncludesZero(false);
        y.setAutoRangeMinimumSize(CurveChart.MIN_VALUE_RANGE);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setNoDataMessage("no finished run yet");
        String title = report.name().isEmpty() ? "Sweep: " + metric + " against sparsity" : report.name();
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
