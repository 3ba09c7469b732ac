package dev.finescope.ui.whatif;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.common.Progress;
import dev.finescope.plan.MatrixCell;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Workspace;
import dev.finescope.whatif.Edit;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.Outcome;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.Selection;
import dev.finescope.whatif.SensitivitySweep;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.WhatIfSession;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jfree.chart.JFreeChart;

/**
 * The Prune &amp; revert page: prune chosen matrices, set matrices or layers back to their pre-trained values, or
 * revert each layer alone, each answer a row of the results table. The experiments run on the session of the
 * {@link WhatIfViewModel}, one at a time like every other experiment of the tab.
 */
public final class PruneRevertViewModel {

    /** One evaluated experiment, as the results table shows and exports it. */
    public record ResultRow(int number, String model, String experiment, String metric, double value,
            double baseline, double delta, long zeroed, long entries, int firstLayer, double seconds) {
    }

    /** The revert-each-layer sweep as drawn: one bar per layer reverted so far. */
    public record RevertPicture(String modelLabel, String metric, double baseline, List<SweepPoint> points,
            boolean complete, JFreeChart chart) {
        public RevertPicture {
            points = List.copyOf(points);
        }

        WhatIfCharts.RevertData data() {
            return new WhatIfCharts.RevertData(modelLabel, metric, baseline, points, complete);
        }
    }

    private final WhatIfViewModel session;

    private final StringProperty pruneSelection = new SimpleStringProperty(this, "pruneSelection", "all");
    private final DoubleProperty prunePercent = new SimpleDoubleProperty(this, "prunePercent", 30);
    private final ObjectProperty<PruneMethod> pruneMethod =
            new SimpleObjectProperty<>(this, "pruneMethod", PruneMethod.MAGNITUDE);
    private final LongProperty pruneSeed = new SimpleLongProperty(this, "pruneSeed", 42);
    private final StringProperty revertSelection = new SimpleStringProperty(this, "revertSelection", "layer:0");
    private final BooleanProperty revertWholeLayers = new SimpleBooleanProperty(this, "revertWholeLayers", true);
    private final ObservableList<ResultRow> results = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<RevertPicture> revertPicture = new ReadOnlyObjectWrapper<>(this, "revert");

    private Supplier<? extends Collection<MatrixCell>> planSelection = List::of;

    PruneRevertViewModel(WhatIfViewModel session) {
        this.session = session;
    }

    /** Which matrices to prune, in the selection syntax ({@code all}, {@code layer:3}, {@code 3:V,4:FFN-out} …). */
    public StringProperty pruneSelectionProperty() {
        return pruneSelection;
    }

    /** The share of each matrix's entries to zero, in percent. */
    public DoubleProperty prunePercentProperty() {
        return prunePercent;
    }

    public ObjectProperty<PruneMethod> pruneMethodProperty() {
        return pruneMethod;
    }

    /** The seed of random pruning, so a result can be repeated. */
    public LongProperty pruneSeedProperty() {
        return pruneSeed;
    }

    /** Which matrices or layers to set back to their pre-trained values. */
    public StringProperty revertSelectionProperty() {
        return revertSelection;
    }

    /** Revert whole layers (LayerNorms included) rather than just the named matrices. */
    public BooleanProperty revertWholeLayersProperty() {
        return revertWholeLayers;
    }

    /** Every experiment evaluated so far, oldest first. */
    public ObservableList<ResultRow> results() {
        return results;
    }

    /** The revert-each-layer bars; null until that sweep ran. */
    public ReadOnlyObjectProperty<RevertPicture> revertPictureProperty() {
        return revertPicture.getReadOnlyProperty();
    }

    /** Where "use the plan's selection" reads the cells the plan editor has selected. */
    public void setPlanSelection(Supplier<? extends Collection<MatrixCell>> cells) {
        this.planSelection = cells == null ? List::of : cells;
    }

    /** Puts the heatmap's selected cell into the prune selection, if it is an encoder matrix. */
    public void usePlotSelection() {
        Workspace workspace = session.workspace();
        GridRow row = workspace.selectedRowProperty().get();
        GridColumn column = workspace.selectedColumnProperty().get();
        if (row == null || column == null || row.kind() != GridRow.Kind.LAYER
                || !MatrixRef.matrixColumns().contains(column)) {
            session.dialogs().showInfo("No matrix selected", "Click a weight matrix of an encoder layer (Q, K, V, "
                    + "AttnOut, FFN-in or FFN-out) on the heatmap first.");
            return;
        }
        pruneSelection.set(Selection.format(List.of(new MatrixRef(row.layer(), column))));
    }

    /** Puts the plan editor's selected encoder matrices into the prune selection. */
    public void usePlanSelection() {
        List<MatrixRef> refs = new ArrayList<>();
        for (MatrixCell c : new TreeSet<>(planSelection.get())) {
            if (c.row().kind() == GridRow.Kind.LAYER && MatrixRef.matrixColumns().contains(c.column())) {
                refs.add(new MatrixRef(c.row().layer(), c.column()));
            }
        }
        if (refs.isEmpty()) {
            session.dialogs().showInfo("No matrix selected", "Select weight matrices of encoder layers in the Plan "
                    + "tab first (click or drag over cells).");
            return;
        }
        pruneSelection.set(Selection.format(refs));
    }

    /** Prunes the chosen matrices and evaluates: the answer joins the results table. */
    public void evaluatePrune() {
        String selection = pruneSelection.get();
        double sparsity = clampPercent(prunePercent.get()) / 100;
        PruneMethod method = pruneMethod.get();
        long seed = pruneSeed.get();
        String what = "prune " + selection.strip() + " to " + WhatIfCharts.percent(sparsity) + " by "
                + describe(method, seed);
        session.startExperiment(new ExperimentTask<Outcome>(session, "What-if: " + what) {
            @Override
            Outcome work(WhatIfSession s, WhatIfViewModel.SessionInfo info) {
                List<MatrixRef> refs = Selection.parse(selection, s.layerCount());
                say("Evaluating: " + what);
                return s.evaluate(List.of(new Edit.Prune(refs, sparsity, method, seed)),
                        Progress.cancelledWhen(this::isCancelled));
            }

            @Override
            void done(Outcome o) {
                addResult(label(), what, o);
            }
        });
    }

    /** Sets the chosen matrices (or whole layers) back to the base's values and evaluates. */
    public void evaluateRevert() {
        String selection = revertSelection.get();
        boolean layers = revertWholeLayers.get();
        String what = "revert " + selection.strip() + (layers ? " (whole layers)" : " (matrices)");
        session.startExperiment(new ExperimentTask<Outcome>(session, "What-if: " + what) {
            @Override
            Outcome work(WhatIfSession s, WhatIfViewModel.SessionInfo info) {
                requireRevert(s, info);
                List<MatrixRef> refs = Selection.parse(selection, s.layerCount());
                Edit edit = layers
                        ? new Edit.RevertLayers(refs.stream().map(MatrixRef::layer).distinct().sorted().toList())
                        : new Edit.Revert(refs);
                say("Evaluating: " + what);
                return s.evaluate(List.of(edit), Progress.cancelledWhen(this::isCancelled));
            }

            @Override
            void done(Outcome o) {
                addResult(label(), what, o);
            }
        });
    }

    /** Reverts each layer alone, one evaluation per layer: which layers' fine-tuning carries the task. */
    public void revertEachLayer() {
        session.startExperiment(new ExperimentTask<SweepResult>(session, "What-if: revert each layer") {
            @Override
            SweepResult work(WhatIfSession s, WhatIfViewModel.SessionInfo info) {
                requireRevert(s, info);
                List<SweepPoint> points = new ArrayList<>();
                AtomicReference<RevertPicture> pending = new AtomicReference<>();
                SweepResult r = SensitivitySweep.revertEachLayer(s, (p, done, total) -> {
                    points.add(p);
                    updateProgress(done, total);
                    say("Reverted layer " + p.layer() + " (" + done + " of " + total + ")");
                    publish(pending, revertPicture, pictureOf(new WhatIfCharts.RevertData(label(),
                            info.metric(), info.baseline(), points, false)));
                }, Progress.cancelledWhen(this::isCancelled));
                SweepResult named = new SweepResult(label(), r.primaryMetric(), r.baseline(), r.spec(), r.points(),
                        r.complete());
                publish(pending, revertPicture, pictureOf(new WhatIfCharts.RevertData(label(),
                        r.primaryMetric(), r.baseline(), r.points(), r.complete())));
                return named;
            }

            @Override
            void done(SweepResult r) {
                for (SweepPoint p : r.points()) {
                    results.add(new ResultRow(results.size() + 1, r.modelLabel(), "revert layer " + p.layer()
                            + " (each-layer sweep)", r.primaryMetric(), p.metric(),
                            r.baseline(), p.delta(), 0, 0, p.layer(), Double.NaN));
                }
                session.say("revert each layer: " + r.points().size() + " layers evaluated");
            }
        });
    }

    /** The revert-each-layer bars, for export and copy. */
    Optional<Figure> figure() {
        return Optional.ofNullable(revertPicture.get()).map(p -> Figure.of("whatif-revert-each-layer-"
                + p.modelLabel(), () -> WhatIfCharts.revertBars(p.data()), 900, 480));
    }

    /** Every result row, numbers in full precision. */
    public CsvTable resultsTable() {
        CsvTable t = new CsvTable(List.of("number", "model", "experiment", "metric", "value", "baseline", "delta",
                "zeroed", "entries", "first_layer_recomputed", "seconds"));
        for (ResultRow r : results) {
            t.add(Integer.toString(r.number()), r.model(), r.experiment(), r.metric(), Double.toString(r.value()),
                    Double.toString(r.baseline()), Double.toString(r.delta()), Long.toString(r.zeroed()),
                    Long.toString(r.entries()), Integer.toString(r.firstLayer()), Double.toString(r.seconds()));
        }
        return t;
    }

    /** The bars drawn in the style the workers draw with (any thread). */
    RevertPicture pictureOf(WhatIfCharts.RevertData d) {
        return new RevertPicture(d.modelLabel(), d.metric(), d.baseline(), d.points(), d.complete(),
                session.drawingStyle().apply(WhatIfCharts.revertBars(d)));
    }

    /** Shows {@code redrawn} in place of {@code old}, unless a newer picture came meanwhile. */
    void replacePicture(RevertPicture old, RevertPicture redrawn) {
        if (old != null && revertPicture.get() == old) {
            revertPicture.set(redrawn);
        }
    }

    private void addResult(String modelLabel, String what, Outcome o) {
        results.add(new ResultRow(results.size() + 1, modelLabel, what, o.primaryMetric(), o.primary(),
                o.baseline(), o.delta(), o.zeroed(), o.entries(), o.firstLayerRecomputed(), o.nanos() / 1e9));
        session.say(what + ": " + o.primaryMetric() + " " + String.format(Locale.ROOT, "%.4f", o.primary())
                + " (Δ " + String.format(Locale.ROOT, "%+.4f", o.delta()) + " against " + String.format(Locale.ROOT,
                "%.4f", o.baseline()) + ") in " + String.format(Locale.ROOT, "%.2f", o.nanos() / 1e9) + " s");
    }

    private static void requireRevert(WhatIfSession s, WhatIfViewModel.SessionInfo info) {
        if (!s.canRevert()) {
            throw new IllegalArgumentException(info.modelLabel() + ": no pre-trained base is known for this model, "
                    + "so nothing can be set back to it (open the workspace's base model)");
        }
    }

    /** A pruning method in the words of an experiment's name. */
    static String describe(PruneMethod method, long seed) {
        return method == PruneMethod.RANDOM ? "random (seed " + seed + ")" : "magnitude";
    }

    private static double clampPercent(double p) {
        return Double.isNaN(p) ? 0 : Math.max(0, Math.min(100, p));
    }
}
