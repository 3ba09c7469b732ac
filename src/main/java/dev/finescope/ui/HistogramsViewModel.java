package dev.finescope.ui;

import dev.finescope.analysis.Histogram;
import dev.finescope.analysis.Histograms;
import dev.finescope.analysis.LayerGrid;
import dev.finescope.chart.ChartStyle;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.MaskScores;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.Latest;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.util.List;
import java.util.Optional;
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

/**
 * The histograms tab: the distribution of weights (base and fine-tuned overlaid), of their change, or of their
 * magnitudes on a log scale, over one tensor, the selected cell, its row or the whole model; the share of
 * zeros per layer; and, for a sparsified result, the learned mask scores that chose its masks.
 *
 * <p>This class keeps the tab's state and decides what to count when any of it changes; {@link HistogramSelection}
 * reads what the workspace's selection means for the tab, and the counting and drawing run in the background as
 * {@link HistogramCountTask} and {@link MaskScoresTask}, with progress and cancel, of which only the newest
 * request's result is shown.
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

        String label() {
            return label;
        }

        /** The values a histogram of this view counts; null for the views that are not histograms of weights. */
        Histogram.Values counted() {
            return values;
        }

        /** True when the view counts log₁₀ of the magnitudes. */
        boolean log10() {
            return log10;
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
    private final HistogramSelection selection;
    private final Latest requests = new Latest();
    private HistogramCountTask running;

    public HistogramsViewModel(Workspace workspace, UiExecutor executor, Histograms histograms) {
        this.workspace = workspace;
        this.executor = executor;
        this.histograms = histograms;
        this.selection = new HistogramSelection(workspace);
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
        workspace.selectedRowProperty().addListener(o -> selection.clickedTensor().ifPresent(tensor::set));
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
        List<String> names = selection.tensorNames();
        if (!names.equals(tensorNames)) {
            tensorNames.setAll(names);
        }
        if (tensor.get() == null || !names.contains(tensor.get())) {
            tensor.set(names.isEmpty() ? null : names.get(0));
        }
    }

    private void updateViews() {
        List<View> now = selection.views();
        if (!now.equals(views)) {
            views.setAll(now);
        }
        if (!views.contains(view.get())) {
            view.set(View.DELTA);
        }
    }

    private void recount() {
        long id = requests.next();
        if (running != null) {
            running.cancel();
            running = null;
        }
        result.set(null);
        TunedModel t = selection.tuned();
        ModelFolder tunedFolder = selection.tunedFolder();
        LayerGrid grid = selection.grid().orElse(null);
        if (grid == null || tunedFolder == null || workspace.getBase() == null) {
            message.set("Open a base and a fine-tuned model to see their histograms.");
            return;
        }
        HistogramSelection.Target target = selection.target(scope.get(), grid, tensor.get());
        List<String> names = target.names();
        String what = target.what();
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
        running = new HistogramCountTask(histograms, workspace.getBase(), t, tunedFolder, grid, names, what,
                view.get(), style.get(), logY.get(), robust.get());
        deliver(running, id, "Could not count: ");
        executor.execute(running);
    }

    /**
     * The learned scores of the sparsified matrices among {@code names}, from the histograms the run stored in
     * its overlay (the scores themselves are not kept); the chart is drawn in the background.
     */
    private void showMaskScores(long id, TunedModel model, List<String> names, String what) {
        Optional<Overlay> overlay = selection.overlay();
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
        MaskScoresTask task = new MaskScoresTask(scores, masked, what, model.label(), style.get());
        deliver(task, id, "Could not draw the mask scores: ");
        executor.execute(task);
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
}
