package dev.finescope.ui;

import dev.finescope.analysis.Histogram;
import dev.finescope.analysis.HistogramSpec;
import dev.finescope.analysis.Histograms;
import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Sparsity;
import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.HistogramChart;
import dev.finescope.chart.SparsityChart;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.EqualBins;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.common.Progress;
import dev.finescope.ui.HistogramsViewModel.Result;
import dev.finescope.ui.HistogramsViewModel.View;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jfree.chart.JFreeChart;

/**
 * Counts the values of the histograms tab in the background and draws them: every value of every counted tensor
 * is read, which takes seconds on a large model, so it reports progress per stage and stops at the next tensor
 * when cancelled. It captures what the tab asked for when it was made and never touches the view model; the view
 * model decides whether its result is still wanted.
 */
final class HistogramCountTask extends ProgressTask<Result> {

    /** Fine bins the percentiles are read from. */
    static final int PERCENTILE_BINS = 20_000;
    /** Bins of a histogram over the robust range. */
    static final int ROBUST_BINS = 120;

    private final Histograms histograms;
    private final ModelFolder base;
    private final TunedModel model;
    private final ModelFolder tuned;
    private final LayerGrid grid;
    private final List<String> names;
    private final String what;
    private final View view;
    private final ChartStyle chartStyle;
    private final boolean logY;
    private final boolean robust;

    /**
     * A count of the tensors {@code names} (described as {@code what}) of {@code base} and {@code tuned} as
     * {@code view} shows them; {@link View#SPARSITY} counts the zeros of every row of {@code grid} instead.
     */
    HistogramCountTask(Histograms histograms, ModelFolder base, TunedModel model, ModelFolder tuned, LayerGrid grid,
            List<String> names, String what, View view, ChartStyle chartStyle, boolean logY, boolean robust) {
        super("Counting values of " + (view == View.SPARSITY ? "every layer" : what));
        this.histograms = histograms;
        this.base = base;
        this.model = model;
        this.tuned = tuned;
        this.grid = grid;
        this.names = names;
        this.what = what;
        this.view = view;
        this.chartStyle = chartStyle;
        this.logY = logY;
        this.robust = robust;
    }

    @Override
    protected Result call() {
        if (view == View.SPARSITY) {
            return sparsity();
        }
        List<HistogramChart.Series> series;
        CsvTable table;
        Checkpoint a = base.weights();
        Checkpoint b = tuned.weights();
        String clip = null;
        if (view.counted() == Histogram.Values.DELTA) {
            Histogram h = histograms.of(a, b, names, HistogramSpec.auto(view.counted(), view.log10()), progress());
            double[] range = robust ? robustRange(List.of(h), List.of(Histogram.Values.DELTA)) : null;
            if (range != null) {
                h = histograms.of(a, b, names, HistogramSpec.fixed(view.counted(), view.log10(), range[0], range[1],
                        ROBUST_BINS), stage(1, 2, null));
                clip = clipNote(List.of(h));
            }
            series = List.of(new HistogramChart.Series("Δ", h));
            table = bins(List.of("Δ"), List.of(h));
        } else {
            Histogram first = histograms.of(a, null, names, HistogramSpec.auto(Histogram.Values.BASE,
                    view.log10()), stage(0, 4, base.label()));
            Histogram second = histograms.of(null, b, names, HistogramSpec.auto(Histogram.Values.TUNED,
                    view.log10()), stage(1, 4, model.label()));
            double lo = Math.min(first.lo(), second.lo());
            double hi = Math.max(first.hi(), second.hi());
            int bins = Math.max(first.bins(), second.bins());
            double[] range = robust ? robustRange(List.of(first, second),
                    List.of(Histogram.Values.BASE, Histogram.Values.TUNED)) : null;
            if (range != null) {
                lo = range[0];
                hi = range[1];
                bins = ROBUST_BINS;
            }
            Histogram baseH = histograms.of(a, null, names,
                    HistogramSpec.fixed(Histogram.Values.BASE, view.log10(), lo, hi, bins), stage(2, 4, null));
            Histogram tunedH = histograms.of(null, b, names,
                    HistogramSpec.fixed(Histogram.Values.TUNED, view.log10(), lo, hi, bins), stage(3, 4, null));
            series = List.of(new HistogramChart.Series(base.label(), baseH),
                    new HistogramChart.Series(model.label(), tunedH));
            table = bins(List.of(base.label(), model.label()), List.of(baseH, tunedH));
            clip = range == null ? null : clipNote(List.of(baseH, tunedH));
        }
        String title = view.label() + " — " + what;
        String clipText = clip;
        return result(() -> HistogramChart.create(title, series, logY, clipText), "histogram-"
                + view.name().toLowerCase(Locale.ROOT) + "-" + what, table);
    }

    /**
     * The edges of the bins holding the {@code pLow} and {@code pHigh} quantiles of the values counted in
     * {@code counts} (equal bins over {@code [lo, hi]}), and how many values lie outside them; null when nothing
     * was counted.
     */
    static double[] percentiles(long[] counts, double lo, double hi, double pLow, double pHigh) {
        long total = Arrays.stream(counts).sum();
        if (total == 0) {
            return null;
        }
        int n = counts.length;
        long seen = 0;
        int first = 0;
        while (first < n - 1 && seen + counts[first] <= pLow * total) {
            seen += counts[first++];
        }
        seen = 0;
        int last = n - 1;
        while (last > first && seen + counts[last] <= (1 - pHigh) * total) {
            seen += counts[last--];
        }
        double from = EqualBins.edge(lo, hi, n, first);
        double to = EqualBins.edge(lo, hi, n, last + 1);
        long kept = 0;
        for (int k = first; k <= last; k++) {
            kept += counts[k];
        }
        return from < to ? new double[] {from, to, total - kept} : null;
    }

    /**
     * The robust x range of the values the auto histograms {@code full} counted: their
     * {@value HistogramsViewModel#ROBUST_LOW}th and {@value HistogramsViewModel#ROBUST_HIGH}th percentiles, read
     * from a fine recount; null when it would clip nothing or there is nothing to clip.
     */
    private double[] robustRange(List<Histogram> full, List<Histogram.Values> values) {
        double lo = full.stream().mapToDouble(Histogram::lo).min().orElse(Double.NaN);
        double hi = full.stream().mapToDouble(Histogram::hi).max().orElse(Double.NaN);
        if (!(lo < hi)) {
            return null;
        }
        long[] sum = new long[PERCENTILE_BINS];
        Histogram any = null;
        for (int i = 0; i < full.size(); i++) {
            Histogram.Values v = values.get(i);
            Histogram fine = histograms.of(v == Histogram.Values.TUNED ? null : base.weights(),
                    v == Histogram.Values.BASE ? null : tuned.weights(), names,
                    HistogramSpec.fixed(v, view.log10(), lo, hi, PERCENTILE_BINS), Progress.NONE);
            for (int k = 0; k < PERCENTILE_BINS; k++) {
                sum[k] += fine.count(k);
            }
            any = fine;
        }
        double[] range = percentiles(sum, lo, hi, HistogramsViewModel.ROBUST_LOW / 100,
                HistogramsViewModel.ROBUST_HIGH / 100);
        if (range == null || range[2] == 0 || any == null) {
            return null;
        }
        return range;
    }

    private String clipNote(List<Histogram> clipped) {
        long below = clipped.stream().mapToLong(Histogram::below).max().orElse(0);
        long above = clipped.stream().mapToLong(Histogram::above).max().orElse(0);
        Histogram h = clipped.get(0);
        return String.format(Locale.ROOT, "x range %s to %s (the %s–%sth percentiles): %,d values below and "
                + "%,d above not drawn", Numbers.metric(h.lo()), Numbers.metric(h.hi()),
                Numbers.metric(HistogramsViewModel.ROBUST_LOW), Numbers.metric(HistogramsViewModel.ROBUST_HIGH),
                below, above);
    }

    private Result sparsity() {
        List<GridRow> rows = grid.rows();
        List<String> all = rows.stream().flatMap(r -> grid.rowTensorNames(r).stream()).toList();
        Map<String, Sparsity> inBase = histograms.sparsityByTensor(base.weights(), all, 0,
                stage(0, 2, base.label()));
        Map<String, Sparsity> inTuned = histograms.sparsityByTensor(tuned.weights(), all, 0,
                stage(1, 2, model.label()));
        double[] a = new double[rows.size()];
        double[] b = new double[rows.size()];
        CsvTable table = new CsvTable(List.of("row", "numel", "zeros in " + base.label(),
                "zeros in " + model.label()));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Sparsity sa = Sparsity.empty(0);
            Sparsity sb = Sparsity.empty(0);
            for (String n : grid.rowTensorNames(rows.get(i))) {
                sa = sa.plus(inBase.get(n));
                sb = sb.plus(inTuned.get(n));
            }
            a[i] = sa.fracZero();
            b[i] = sb.fracZero();
            labels.add(rows.get(i).label());
            table.add(rows.get(i).csvName(), Long.toString(sa.numel()), Long.toString(sa.zeros()),
                    Long.toString(sb.zeros()));
        }
        String title = "Exact zeros per layer — " + model.label() + " vs " + base.label();
        List<SparsityChart.Series> series = List.of(new SparsityChart.Series(base.label(), a),
                new SparsityChart.Series(model.label(), b));
        return result(() -> SparsityChart.create(title, labels, series), "zeros-per-layer-" + model.label(),
                table);
    }

    private Result result(Supplier<JFreeChart> chart, String name, CsvTable table) {
        return new Result(chartStyle.apply(chart.get()), Figure.of(name, chart, HistogramsViewModel.WIDTH,
                HistogramsViewModel.HEIGHT), table);
    }

    private static CsvTable bins(List<String> labels, List<Histogram> hs) {
        List<String> header = new ArrayList<>(List.of("bin_lower", "bin_upper"));
        header.addAll(labels);
        CsvTable table = new CsvTable(header);
        Histogram first = hs.get(0);
        for (int k = 0; k < first.bins(); k++) {
            List<String> fields = new ArrayList<>(List.of(Double.toString(first.binLower(k)),
                    Double.toString(first.binUpper(k))));
            for (Histogram h : hs) {
                fields.add(Long.toString(h.count(k)));
            }
            table.add(fields.toArray(String[]::new));
        }
        return table;
    }
}
