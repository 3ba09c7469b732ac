package dev.finescope.ui;

import dev.finescope.analysis.Histogram;
import dev.finescope.analysis.HistogramSpec;
import dev.finescope.analysis.Histograms;
import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.Sparsity;
import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.HistogramChart;
import dev.finescope.chart.SparsityChart;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.MaskScores;
import dev.finescope.checkpoint.overlay.OverlaidModel;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.Latest;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;

/**
 * The histograms tab: the distribution of weights (base and fine-tuned overlaid), of their change, or of their
 * magnitudes on a log scale, over one tensor, the selected cell, its row or the whole model; the share of
 * zeros per layer; and, for a sparsified result, the learned mask scores that chose its masks. Counting reads every value, so it runs in the background with progress and cancel.
 */
public final class HistogramsViewModel {

    /** Which tensors a histogram counts. */
    public enum Scope {
        TENSOR("one tensor"), CELL("the selected cell"), ROW("the selected cell's row"), MODEL("the whole model");

        private final String label;

        Scope(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What is counted, and on which axis. */
    public enum View {
        WEIGHTS("weights w: base and fine-tuned", Histogram.Values.BASE, false),
        LOG_WEIGHTS("log₁₀|w|: base and fine-tuned", Histogram.Values.BASE, true),
        DELTA("change Δ = fine-tuned − base", Histogram.Values.DELTA, false),
        LOG_DELTA("log₁₀|Δ|", Histogram.Values.DELTA, true),
        SPARSITY("exact zeros per layer", null, false),
        MASK_SCORES("mask scores of sparsified matrices", null, false);

        private final String label;
        private final Histogram.Values values;
        private final boolean log10;

        View(String label, Histogram.Values values, boolean log10) {
            this.label = label;
            this.values = values;
            this.log10 = log10;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A computed picture and the numbers behind it. */
    public record Result(JFreeChart chart, Figure figure, CsvTable table) {
    }

    /** What a sparsified result says when it was written without its scores. */
    public static final String NO_MASK_SCORES = "This overlay was written without mask scores: its masks are there, "
            + "but not the scores that chose them. Runs of this FineScope store them; train the plan again to see "
            + "them.";

    /** Figures of this tab are drawn at this size. */
    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    private final Workspace workspace;
    private final UiExecutor executor;
    private final Histograms histograms;
    private final ObjectProperty<Scope> scope = new SimpleObjectProperty<>(this, "scope", Scope.CELL);
    /** The change of a cell first: two overlaid weight distributions hide a change a thousand times smaller. */
    private final ObjectProperty<View> view = new SimpleObjectProperty<>(this, "view", View.DELTA);
    private final javafx.beans.property.BooleanProperty logY =
            new javafx.beans.property.SimpleBooleanProperty(this, "logY", false);
    private final javafx.beans.property.BooleanProperty robust =
            new javafx.beans.property.SimpleBooleanProperty(this, "robust", true);
    private final ObjectProperty<String> tensor = new SimpleObjectProperty<>(this, "tensor");
    private final ObservableList<String> tensorNames = FXCollections.observableArrayList();
    private final ObservableList<View> views = FXCollections.observableArrayList();
    private final ObjectProperty<ChartStyle> style = new SimpleObjectProperty<>(this, "style", ChartStyle.LIGHT);
    private final ReadOnlyObjectWrapper<Result> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final Latest requests = new Latest();
    private CountTask running;

    public HistogramsViewModel(Workspace workspace, UiExecutor executor, Histograms histograms) {
        this.workspace = workspace;
        this.executor = executor;
        this.histograms = histograms;
        InvalidationListener names = o -> {
            updateTensorNames();
            updateViews();
        };
        workspace.selectedTunedProperty().addListener(names);
        workspace.getComparisons().addListener(names);
        workspace.getTunedFolders().addListener(names);
        InvalidationListener recount = o -> recount();
        for (Observable o : List.<Observable>of(scope, view, tensor, style, logY, robust,
                workspace.selectedTunedProperty(),
                workspace.selectedRowProperty(), workspace.selectedColumnProperty(), workspace.getComparisons())) {
            o.addListener(recount);
        }
        workspace.selectedRowProperty().addListener(o -> followSelectedCell());
        updateTensorNames();
        updateViews();
    }

    public ObjectProperty<Scope> scopeProperty() {
        return scope;
    }

    public ObjectProperty<View> viewProperty() {
        return view;
    }

    /** The tensor counted for {@link Scope#TENSOR}. */
    public ObjectProperty<String> tensorProperty() {
        return tensor;
    }

    /** What can be shown for the selected fine-tuned model: mask scores only for one with learned masks. */
    public ObservableList<View> views() {
        return views;
    }

    /** The tensors of the shown fine-tuned model that are compared with the base. */
    public ObservableList<String> tensorNames() {
        return tensorNames;
    }

    public ObjectProperty<ChartStyle> styleProperty() {
        return style;
    }

    /** Counts on a log axis, so that the few entries of the tails show next to the peak. */
    public javafx.beans.property.BooleanProperty logYProperty() {
        return logY;
    }

    /**
     * The x axis over the {@value #ROBUST_LOW}th to {@value #ROBUST_HIGH}th percentiles of the values instead of
     * all of them, so that a few outliers do not squeeze the distribution into one bin; the chart says how many
     * values it left out on each side.
     */
    public javafx.beans.property.BooleanProperty robustProperty() {
        return robust;
    }

    /** The percentiles of the robust x range. */
    public static final double ROBUST_LOW = 0.1;
    public static final double ROBUST_HIGH = 99.9;
    /** Fine bins the percentiles are read from. */
    static final int PERCENTILE_BINS = 20_000;
    /** Bins of a histogram over the robust range. */
    static final int ROBUST_BINS = 120;

    /** The chart and its table; null while counting or when there is nothing to count. */
    public ReadOnlyObjectProperty<Result> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** What the tab waits for ("select a cell …"), empty when a chart is shown. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public Optional<Figure> figure() {
        return Optional.ofNullable(result.get()).map(Result::figure);
    }

    public CsvTable table() {
        Result r = result.get();
        return r == null ? new CsvTable(List.of("nothing")) : r.table();
    }

    private void updateTensorNames() {
        TunedModel t = workspace.getSelectedTuned();
        ModelComparison c = t == null ? null : workspace.getComparisons().get(t);
        List<String> names = c == null ? List.of() : c.tensors().stream().map(x -> x.name()).toList();
        if (!names.equals(tensorNames)) {
            tensorNames.setAll(names);
        }
        if (tensor.get() == null || !names.contains(tensor.get())) {
            tensor.set(names.isEmpty() ? null : names.get(0));
        }
    }

    private void updateViews() {
        List<View> now = new ArrayList<>(List.of(View.values()));
        if (selectedOverlay().map(o -> o.maskedNames().isEmpty()).orElse(true)) {
            now.remove(View.MASK_SCORES);
        }
        if (!now.equals(views)) {
            views.setAll(now);
        }
        if (!views.contains(view.get())) {
            view.set(View.DELTA);
        }
    }

    /** The overlay of the selected fine-tuned model, when it is base ⊕ overlay. */
    private Optional<Overlay> selectedOverlay() {
        TunedModel t = workspace.getSelectedTuned();
        ModelFolder folder = t == null ? null : workspace.getTunedFolders().get(t);
        return folder == null ? Optional.empty() : OverlaidModel.overlayOf(folder);
    }

    /** A click on the heatmap picks the tensor too, so "one tensor" shows the clicked matrix. */
    private void followSelectedCell() {
        GridRow row = workspace.selectedRowProperty().get();
        GridColumn column = workspace.selectedColumnProperty().get();
        if (row == null || column == null) {
            return;
        }
        selectedGrid().flatMap(g -> g.cellDetail(row, column)).ifPresent(cell -> {
                    if (!cell.weights().isEmpty()) {
                        tensor.set(cell.weights().get(0).name());
                    }
                });
    }

    private Optional<LayerGrid> selectedGrid() {
        TunedModel t = workspace.getSelectedTuned();
        ModelComparison c = t == null ? null : workspace.getComparisons().get(t);
        return c == null ? Optional.empty() : Optional.of(LayerGrid.of(c, false));
    }

    private void recount() {
        long id = requests.next();
        if (running != null) {
            running.cancel();
            running = null;
        }
        result.set(null);
        TunedModel t = workspace.getSelectedTuned();
        ModelFolder tunedFolder = t == null ? null : workspace.getTunedFolders().get(t);
        LayerGrid grid = selectedGrid().orElse(null);
        if (grid == null || tunedFolder == null || workspace.getBase() == null) {
            message.set("Open a base and a fine-tuned model to see their histograms.");
            return;
        }
        List<String> names;
        String what;
        GridRow row = workspace.selectedRowProperty().get();
        GridColumn column = workspace.selectedColumnProperty().get();
        switch (scope.get()) {
            case TENSOR -> {
                names = tensor.get() == null ? List.of() : List.of(tensor.get());
                what = tensor.get();
            }
            case CELL -> {
                names = row == null || column == null ? List.of()
                        : grid.cellDetail(row, column).map(LayerGrid.Cell::tensorNames).orElse(List.of());
                what = row == null || column == null ? null : CellRef.describe(row, column);
            }
            case ROW -> {
                names = row == null ? List.of() : grid.rowTensorNames(row);
                what = row == null ? null : row.label();
            }
            default -> {
                names = grid.rows().stream().flatMap(r -> grid.rowTensorNames(r).stream()).toList();
                what = "the whole model";
            }
        }
        if (view.get() != View.SPARSITY && names.isEmpty()) {
            message.set(scope.get() == Scope.TENSOR ? "Choose a tensor."
                    : "Click a cell of the heatmap, or choose \"the whole model\".");
            return;
        }
        if (view.get() == View.MASK_SCORES) {
            showMaskScores(id, t, names, what);
            return;
        }
        if ((view.get() == View.DELTA || view.get() == View.LOG_DELTA) && names.stream().allMatch(n ->
                grid.comparison().tensor(n).map(tc -> tc.metrics().fracChanged() == 0).orElse(false))) {
            message.set("Nothing changed in " + what + " of " + t.label() + ": every entry of Δ is exactly 0 (the "
                    + "fine-tuned values equal the pre-trained ones), so there is no distribution of changes to draw."
                    + (grid.comparison().onlyInTuned().isEmpty() ? "" : " What the fine-tune trained instead: "
                            + String.join(", ", grid.comparison().onlyInTuned()) + " (new in the fine-tuned model)."));
            return;
        }
        message.set("Counting …");
        running = new CountTask(id, workspace.getBase(), t, tunedFolder, grid, names, what, view.get(), style.get(),
                logY.get(), robust.get());
        executor.execute(running);
    }

    /**
     * The learned scores of the sparsified matrices among {@code names}, from the histograms the run stored in
     * its overlay (the scores themselves are not kept); the chart is drawn in the background.
     */
    private void showMaskScores(long id, TunedModel model, List<String> names, String what) {
        Optional<Overlay> overlay = selectedOverlay();
        if (overlay.isEmpty() || overlay.get().maskedNames().isEmpty()) {
            message.set("This model has no learned masks; only sparsified results have mask scores.");
            return;
        }
        MaskScores scores;
        try {
            Optional<MaskScores> stored = overlay.get().maskScores();
            if (stored.isEmpty()) {
                message.set(NO_MASK_SCORES);
                return;
            }
            scores = stored.get();
        } catch (RuntimeException e) {
            message.set("Could not read the mask scores: " + Problems.describe(e));
            return;
        }
        List<String> masked = names.stream().filter(scores::has).toList();
        if (masked.isEmpty()) {
            message.set("No sparsified matrix in " + what + ": choose a sparsified cell, or \"the whole model\".");
            return;
        }
        message.set("Drawing …");
        ChartStyle chartStyle = style.get();
        String label = model.label();
        ProgressTask<Result> task = new ProgressTask<>("Drawing the mask scores of " + what) {
            {
                deliver(this, id, "Could not draw the mask scores: ");
            }

            @Override
            protected Result call() {
                MaskScores.Counts sum = scores.sum(masked);
                Histogram h = new Histogram(Histogram.Values.TUNED, false, scores.lo(), scores.hi(), sum.counts(),
                        sum.below(), sum.above(), 0, sum.nonFinite(), sum.numel());
                String title = View.MASK_SCORES.label + " — " + what + " — " + label;
                double threshold = sum.threshold();
                Supplier<JFreeChart> chart = () -> maskScoreChart(title, h, threshold, masked.size());
                CsvTable table = new CsvTable(List.of("bin_lower", "bin_upper", "scores"));
                for (int k = 0; k < h.bins(); k++) {
                    table.add(Double.toString(h.binLower(k)), Double.toString(h.binUpper(k)),
                            Long.toString(h.count(k)));
                }
                return new Result(chartStyle.apply(chart.get()), Figure.of("mask-scores-" + what, chart, WIDTH,
                        HEIGHT), table);
            }
        };
        executor.execute(task);
    }

    /** The scores' histogram with the threshold that decides the masks marked on it. */
    static JFreeChart maskScoreChart(String title, Histogram h, double threshold, int matrices) {
        JFreeChart chart = HistogramChart.create(title, List.of(new HistogramChart.Series("mask scores", h)));
        XYPlot plot = chart.getXYPlot();
        plot.getDomainAxis().setLabel("learned mask score S (an entry is kept where S > threshold)");
        if (Double.isFinite(threshold)) {
            ValueMarker marker = new ValueMarker(threshold, new java.awt.Color(0xd55e00),
                    new java.awt.BasicStroke(1.6f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                            10f, new float[] {6f, 4f}, 0f));
            marker.setLabel("threshold " + Numbers.metric(threshold) + ": zeroed ← | → kept");
            marker.setLabelFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 12));
            marker.setLabelPaint(new java.awt.Color(0xd55e00));
            marker.setLabelBackgroundColor(new java.awt.Color(0, 0, 0, 0));
            marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP);
            marker.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_CENTER);
            plot.addDomainMarker(marker);
            if (!(plot.getDomainAxis().getRange().contains(threshold))) {
                plot.getDomainAxis().setRange(Math.min(threshold, h.lo()), Math.max(threshold, h.hi()));
            }
        } else {
            chart.addSubtitle(new org.jfree.chart.title.TextTitle("exact top-k masks: each of the " + matrices
                    + " matrices has its own threshold (pick one tensor to see it)"));
        }
        return chart;
    }

    /** The result of {@code task} becomes the shown one, or its failure the message, unless a newer request came. */
    private void deliver(ProgressTask<Result> task, long id, String failure) {
        task.setOnSucceeded(e -> {
            if (requests.isCurrent(id)) {
                result.set(task.getValue());
                message.set("");
            }
        });
        task.setOnFailed(e -> {
            if (requests.isCurrent(id)) {
                message.set(failure + Problems.describe(task.getException()));
            }
        });
    }

    /**
     * The edges of the bins holding the {@code pLow} and {@code pHigh} quantiles of the values counted in
     * {@code counts} (equal bins over {@code [lo, hi]}), and how many values lie outside them; null when nothing
     * was counted.
     */
    static double[] percentiles(long[] counts, double lo, double hi, double pLow, double pHigh) {
        long total = java.util.Arrays.stream(counts).sum();
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
        double from = dev.finescope.checkpoint.EqualBins.edge(lo, hi, n, first);
        double to = dev.finescope.checkpoint.EqualBins.edge(lo, hi, n, last + 1);
        long kept = 0;
        for (int k = first; k <= last; k++) {
            kept += counts[k];
        }
        return from < to ? new double[] {from, to, total - kept} : null;
    }

    /** Counts in the background; only the newest request's result is shown. */
    private final class CountTask extends ProgressTask<Result> {
        private final long id;
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

        CountTask(long id, ModelFolder base, TunedModel model, ModelFolder tuned, LayerGrid grid, List<String> names,
                String what, View view, ChartStyle chartStyle, boolean logY, boolean robust) {
            super("Counting values of " + (view == View.SPARSITY ? "every layer" : what));
            this.id = id;
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
            deliver(this, id, "Could not count: ");
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
            if (view.values == Histogram.Values.DELTA) {
                Histogram h = histograms.of(a, b, names, HistogramSpec.auto(view.values, view.log10), progress());
                double[] range = robust ? robustRange(List.of(h), List.of(Histogram.Values.DELTA)) : null;
                if (range != null) {
                    h = histograms.of(a, b, names, HistogramSpec.fixed(view.values, view.log10, range[0], range[1],
                            ROBUST_BINS), stage(1, 2, null));
                    clip = clipNote(List.of(h));
                }
                series = List.of(new HistogramChart.Series("Δ", h));
                table = bins(List.of("Δ"), List.of(h));
            } else {
                Histogram first = histograms.of(a, null, names, HistogramSpec.auto(Histogram.Values.BASE,
                        view.log10), stage(0, 4, base.label()));
                Histogram second = histograms.of(null, b, names, HistogramSpec.auto(Histogram.Values.TUNED,
                        view.log10), stage(1, 4, model.label()));
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
                        HistogramSpec.fixed(Histogram.Values.BASE, view.log10, lo, hi, bins), stage(2, 4, null));
                Histogram tunedH = histograms.of(null, b, names,
                        HistogramSpec.fixed(Histogram.Values.TUNED, view.log10, lo, hi, bins), stage(3, 4, null));
                series = List.of(new HistogramChart.Series(base.label(), baseH),
                        new HistogramChart.Series(model.label(), tunedH));
                table = bins(List.of(base.label(), model.label()), List.of(baseH, tunedH));
                clip = range == null ? null : clipNote(List.of(baseH, tunedH));
            }
            String title = chartTitle();
            String clipText = clip;
            return result(() -> HistogramChart.create(title, series, logY, clipText), "histogram-"
                    + view.name().toLowerCase(Locale.ROOT) + "-" + what, table);
        }

        /**
         * The robust x range of the values the auto histograms {@code full} counted: their
         * {@value #ROBUST_LOW}th and {@value #ROBUST_HIGH}th percentiles, read from a fine recount; null when it
         * would clip nothing or there is nothing to clip.
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
                        HistogramSpec.fixed(v, view.log10, lo, hi, PERCENTILE_BINS), Progress.NONE);
                for (int k = 0; k < PERCENTILE_BINS; k++) {
                    sum[k] += fine.count(k);
                }
                any = fine;
            }
            double[] range = percentiles(sum, lo, hi, ROBUST_LOW / 100, ROBUST_HIGH / 100);
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
                    Numbers.metric(ROBUST_LOW), Numbers.metric(ROBUST_HIGH), below, above);
        }

        private String chartTitle() {
            return view.label + " — " + what;
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
            return new Result(chartStyle.apply(chart.get()), Figure.of(name, chart, WIDTH, HEIGHT), table);
        }

        private CsvTable bins(List<String> labels, List<Histogram> hs) {
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
}
