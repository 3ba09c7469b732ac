package dev.finescope.ui.whatif;

import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.GridData;
import dev.finescope.chart.PairMatrixChart;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.Latest;
import dev.finescope.common.Progress;
import dev.finescope.plan.MatrixCell;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.whatif.Edit;
import dev.finescope.whatif.MaskComparison;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.Outcome;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.Selection;
import dev.finescope.whatif.SensitivitySweep;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSpec;
import dev.finescope.whatif.WhatIfSession;
import java.awt.Dimension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.jfree.chart.JFreeChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The What-if tab: experiments that answer "what would this model lose if…" without training. Prune chosen
 * matrices, set matrices or layers back to their pre-trained values, sweep every matrix over several sparsities,
 * and compare the learned masks of several runs.
 *
 * <p>Experiments run in-process through the {@code whatif} API on the app's one executor, one at a time (a
 * session is not thread-safe), as cancellable tasks whose progress shows in the status bar. The session (model
 * read, data tokenized, hidden states cached) opens with the first experiment on a model and is reused until the
 * model, the data or their settings change, or the app closes. Pictures are built off the FX thread and swapped
 * in on it; a sweep shows its points as they arrive and keeps them in a CSV in the workspace's folder, so a
 * cancelled sweep resumes where it stopped.
 */
public final class WhatIfViewModel {

    /** The tab's pages, which decide what "export chart" and "export table" take. */
    public enum Page { PRUNE, SWEEP, MASKS }

    /** The session's model and data as the user reads them, with the unedited model's metric. */
    public record SessionInfo(String modelLabel, String task, String split, int examples, String metric,
            double baseline, int layers, boolean canRevert, double chance) {

        /** "full fine-tune · SST-2 dev, 450 examples · accuracy 0.8711 unedited". */
        public String describe() {
            return modelLabel + " · " + task + " " + split + ", " + examples + " examples · " + metric + " "
                    + String.format(Locale.ROOT, "%.4f", baseline) + " unedited"
                    + (canRevert ? "" : " · no base known: revert unavailable");
        }
    }

    /** One evaluated experiment, as the results table shows and exports it. */
    public record ResultRow(int number, String model, String experiment, String metric, double value,
            double baseline, double delta, long zeroed, long entries, int firstLayer, double seconds) {
    }

    /**
     * The sweep as drawn: its points so far, and its charts (built once per sweep, changed in place as points
     * arrive) showing the grid at {@code sparsity} and the curves.
     */
    public record SweepPicture(SweepResult result, SweepCharts charts, double sparsity, int done, int total) {

        public JFreeChart heatmap() {
            return charts.heatmap();
        }

        public JFreeChart curves() {
            return charts.curves();
        }

        /** One line under the charts. */
        public String note() {
            String state = result.complete() ? "complete" : done + " of " + total + " points";
            return result.points().size() + " points · " + state + " · " + result.spec().method().name()
                    .toLowerCase(Locale.ROOT) + " pruning of " + WhatIfCharts.unit(result.spec());
        }
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

    /** The mask comparison as drawn. */
    public record MaskPicture(MaskComparison comparison, JFreeChart hamming, JFreeChart jaccard) {
    }

    /** One run of the mask comparison, for the table beside the matrices. */
    public record MaskRow(String label, Double accuracy, double meanHamming, double meanJaccard) {
    }

    /** Percent sparsities a sweep starts with. */
    public static final String DEFAULT_SPARSITIES = "10, 30, 50, 70, 90";

    private static final Logger LOGGER = LoggerFactory.getLogger(WhatIfViewModel.class);

    /** The thread that turns a sweep's points into chart writes, at most every 100 ms (see LiveSweep). */
    private static final java.util.concurrent.ScheduledExecutorService DRAWING =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "what-if drawing");
                t.setDaemon(true);
                return t;
            });

    private final Workspace workspace;
    private final UiExecutor executor;
    private final DialogService dialogs;
    private final BiFunction<SessionSpec, Progress, WhatIfSession> opener;

    private final ObservableList<TunedModel> models = FXCollections.observableArrayList();
    private final ObservableList<TunedModel> maskCandidates = FXCollections.observableArrayList();
    private final ObservableList<TunedModel> maskChosen = FXCollections.observableArrayList();
    private final ObjectProperty<TunedModel> model = new SimpleObjectProperty<>(this, "model");
    private final ObjectProperty<Path> data = new SimpleObjectProperty<>(this, "data");
    private final StringProperty task = new SimpleStringProperty(this, "task", "SST-2");
    private final IntegerProperty maxExamples = new SimpleIntegerProperty(this, "maxExamples", 0);
    private final ReadOnlyObjectWrapper<SessionInfo> session = new ReadOnlyObjectWrapper<>(this, "session");
    private final ReadOnlyObjectWrapper<Task<?>> running = new ReadOnlyObjectWrapper<>(this, "running");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyStringWrapper blocker = new ReadOnlyStringWrapper(this, "blocker", "");
    private final ObjectProperty<Page> page = new SimpleObjectProperty<>(this, "page", Page.PRUNE);
    private final ObjectProperty<ChartStyle> style = new SimpleObjectProperty<>(this, "style", ChartStyle.LIGHT);

    private final StringProperty pruneSelection = new SimpleStringProperty(this, "pruneSelection", "all");
    private final DoubleProperty prunePercent = new SimpleDoubleProperty(this, "prunePercent", 30);
    private final ObjectProperty<PruneMethod> pruneMethod =
            new SimpleObjectProperty<>(this, "pruneMethod", PruneMethod.MAGNITUDE);
    private final LongProperty pruneSeed = new SimpleLongProperty(this, "pruneSeed", 42);
    private final StringProperty revertSelection = new SimpleStringProperty(this, "revertSelection", "layer:0");
    private final BooleanProperty revertWholeLayers = new SimpleBooleanProperty(this, "revertWholeLayers", true);
    private final ObservableList<ResultRow> results = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<RevertPicture> revertPicture = new ReadOnlyObjectWrapper<>(this, "revert");

    private final ObjectProperty<SweepSpec.Granularity> granularity =
            new SimpleObjectProperty<>(this, "granularity", SweepSpec.Granularity.CELL);
    private final StringProperty sparsities = new SimpleStringProperty(this, "sparsities", DEFAULT_SPARSITIES);
    private final ObjectProperty<PruneMethod> sweepMethod =
            new SimpleObjectProperty<>(this, "sweepMethod", PruneMethod.MAGNITUDE);
    private final LongProperty sweepSeed = new SimpleLongProperty(this, "sweepSeed", 42);
    private final BooleanProperty resume = new SimpleBooleanProperty(this, "resume", true);
    private final ReadOnlyObjectWrapper<SweepPicture> sweepPicture = new ReadOnlyObjectWrapper<>(this, "sweep");
    private final ObservableList<Double> sweepSparsities = FXCollections.observableArrayList();
    private final ObjectProperty<Double> shownSparsity = new SimpleObjectProperty<>(this, "shownSparsity");
    private final ReadOnlyStringWrapper sweepHover = new ReadOnlyStringWrapper(this, "sweepHover", "");
    private final ReadOnlyObjectWrapper<Path> sweepCsv = new ReadOnlyObjectWrapper<>(this, "sweepCsv");

    private final ReadOnlyObjectWrapper<MaskPicture> maskPicture = new ReadOnlyObjectWrapper<>(this, "masks");
    private final ObservableList<MaskRow> maskRows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Task<?>> maskTask = new ReadOnlyObjectWrapper<>(this, "maskTask");

    private Supplier<? extends Collection<MatrixCell>> planSelection = List::of;
    /** Each model's token positions, from the scan; caps the tokens per example. */
    private final Map<TunedModel, Integer> positions = new java.util.HashMap<>();
    private SessionLease lease;
    /** The task opening the session ahead of the first experiment, or null. */
    private ExperimentTask<?> preparing;
    private boolean shown;
    private final Latest scans = new Latest();
    private final Latest sweeps = new Latest();
    /** The sparsity the heatmap shows, read by the sweep's worker for its partial pictures. */
    private volatile double shownSparsityValue = Double.NaN;
    /** The style the workers draw with. */
    private volatile ChartStyle styleValue = ChartStyle.LIGHT;

    public WhatIfViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs) {
        this(workspace, executor, dialogs, (spec, progress) -> {
            // one core stays with the window while the sweep evaluates
            WhatIfSession.limitThreads(Runtime.getRuntime().availableProcessors() - 1);
            return WhatIfSession.open(spec, progress);
        });
    }

    WhatIfViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs,
            BiFunction<SessionSpec, Progress, WhatIfSession> opener) {
        this.workspace = workspace;
        this.executor = executor;
        this.dialogs = dialogs;
        this.opener = opener;
        data.set(workspace.dataProperty().get());
        workspace.dataProperty().addListener((obs, was, now) -> data.set(now));
        workspace.getTunedModels().addListener((ListChangeListener<TunedModel>) c -> scan());
        workspace.baseProperty().addListener((obs, was, now) -> scan());
        workspace.selectedTunedProperty().addListener((obs, was, now) -> {
            if (now != null && models.contains(now) && running.get() == null) {
                model.set(now);
            }
        });
        model.addListener((obs, was, now) -> {
            if (now != null && workspace.getTunedModels().contains(now)) {
                workspace.selectedTunedProperty().set(now);
            }
        });
        for (javafx.beans.Observable o : List.<javafx.beans.Observable>of(model, data, task, maxExamples,
                workspace.baseProperty())) {
            o.addListener(x -> settingsChanged());
        }
        blocker.bind(Bindings.createStringBinding(this::blockerNow, models, model, data, task));
        shownSparsity.addListener((obs, was, now) -> {
            shownSparsityValue = now == null ? Double.NaN : now;
            redrawSweep();
        });
        style.addListener((obs, was, now) -> {
            styleValue = now == null ? ChartStyle.LIGHT : now;
            redrawAll();
        });
        scan();
    }

    // ---------------------------------------------------------------- what to evaluate on

    /** The workspace's fine-tuned models that have a task head: the ones an evaluation can score. */
    public ObservableList<TunedModel> models() {
        return models;
    }

    /** The model experiments run on; follows the workspace's selection when that model has a task head. */
    public ObjectProperty<TunedModel> modelProperty() {
        return model;
    }

    /** The task data: the workspace's, unless the user chose another folder. */
    public ObjectProperty<Path> dataProperty() {
        return data;
    }

    /** The GLUE task whose layout the data has ({@code SST-2} for the sample data). */
    public StringProperty taskProperty() {
        return task;
    }

    /** Evaluate on the first examples of the dev split only; 0 for all of them. */
    public IntegerProperty maxExamplesProperty() {
        return maxExamples;
    }

    /** The open session's model, data and unedited metric; null until the first experiment opened it. */
    public ReadOnlyObjectProperty<SessionInfo> sessionProperty() {
        return session.getReadOnlyProperty();
    }

    /** The experiment in flight, or null: one at a time, since a session evaluates one thing at a time. */
    public ReadOnlyObjectProperty<Task<?>> runningProperty() {
        return running.getReadOnlyProperty();
    }

    public BooleanBinding busyBinding() {
        return running.isNotNull();
    }

    /** The last experiment's answer or problem, in one line. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Why no experiment can run now (no model with a head, no data); empty when they can. */
    public ReadOnlyStringProperty blockerProperty() {
        return blocker.getReadOnlyProperty();
    }

    /** The page the user looks at, for exports. */
    public ObjectProperty<Page> pageProperty() {
        return page;
    }

    /** The charts' frame colours, following the app's theme. */
    public ObjectProperty<ChartStyle> styleProperty() {
        return style;
    }

    /** Asks the user for another data folder. */
    public void chooseData() {
        dialogs.chooseDirectory("Task data (a GLUE folder or one task's folder)").ifPresent(data::set);
    }

    /** Stops the experiment in flight (it stops at its next layer or batch). */
    public void cancel() {
        Task<?> t = running.get();
        if (t != null) {
            t.cancel();
        }
    }

    /** The app closes: stop the experiment and close the session once nothing uses it. */
    public void close() {
        cancel();
        Task<?> m = maskTask.get();
        if (m != null) {
            m.cancel();
        }
        retireLease();
    }

    // ---------------------------------------------------------------- prune and revert

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
        GridRow row = workspace.selectedRowProperty().get();
        GridColumn column = workspace.selectedColumnProperty().get();
        if (row == null || column == null || row.kind() != GridRow.Kind.LAYER
                || !MatrixRef.matrixColumns().contains(column)) {
            dialogs.showInfo("No matrix selected", "Click a weight matrix of an encoder layer (Q, K, V, AttnOut, "
                    + "FFN-in or FFN-out) on the heatmap first.");
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
            dialogs.showInfo("No matrix selected", "Select weight matrices of encoder layers in the Plan tab "
                    + "first (click or drag over cells).");
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
        startExperiment(new ExperimentTask<Outcome>("What-if: " + what) {
            @Override
            Outcome work(WhatIfSession s, SessionInfo info) {
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
        startExperiment(new ExperimentTask<Outcome>("What-if: " + what) {
            @Override
            Outcome work(WhatIfSession s, SessionInfo info) {
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
        startExperiment(new ExperimentTask<SweepResult>("What-if: revert each layer") {
            @Override
            SweepResult work(WhatIfSession s, SessionInfo info) {
                requireRevert(s, info);
                List<SweepPoint> points = new ArrayList<>();
                AtomicReference<RevertPicture> pending = new AtomicReference<>();
                SweepResult r = SensitivitySweep.revertEachLayer(s, (p, done, total) -> {
                    points.add(p);
                    updateProgress(done, total);
                    say("Reverted layer " + p.layer() + " (" + done + " of " + total + ")");
                    publish(pending, revertPicture, revertPictureOf(new WhatIfCharts.RevertData(label(),
                            info.metric(), info.baseline(), points, false)));
                }, Progress.cancelledWhen(this::isCancelled));
                SweepResult named = new SweepResult(label(), r.primaryMetric(), r.baseline(), r.spec(), r.points(),
                        r.complete());
                publish(pending, revertPicture, revertPictureOf(new WhatIfCharts.RevertData(label(),
                        r.primaryMetric(), r.baseline(), r.points(), r.complete())));
                return named;
            }

            @Override
            void done(SweepResult r) {
                for (SweepPoint p : r.points()) {
                    addResult(new ResultRow(results.size() + 1, r.modelLabel(), "revert layer " + p.layer()
                            + " (each-layer sweep)", r.primaryMetric(), p.metric(),
                            r.baseline(), p.delta(), 0, 0, p.layer(), Double.NaN));
                }
                message.set("revert each layer: " + r.points().size() + " layers evaluated");
            }
        });
    }

    // ---------------------------------------------------------------- sensitivity sweep

    public ObjectProperty<SweepSpec.Granularity> granularityProperty() {
        return granularity;
    }

    /** The sweep's sparsities in percent, separated by commas or spaces. */
    public StringProperty sparsitiesProperty() {
        return sparsities;
    }

    public ObjectProperty<PruneMethod> sweepMethodProperty() {
        return sweepMethod;
    }

    public LongProperty sweepSeedProperty() {
        return sweepSeed;
    }

    /** Continue from the points of an earlier, cancelled sweep with the same settings. */
    public BooleanProperty resumeProperty() {
        return resume;
    }

    /** The sweep as drawn; null until a sweep ran. */
    public ReadOnlyObjectProperty<SweepPicture> sweepPictureProperty() {
        return sweepPicture.getReadOnlyProperty();
    }

    /** The sparsities of the sweep shown, for the heatmap's chooser. */
    public ObservableList<Double> sweepSparsities() {
        return sweepSparsities;
    }

    /** The sparsity the heatmap shows. */
    public ObjectProperty<Double> shownSparsityProperty() {
        return shownSparsity;
    }

    /** The exact numbers of the heatmap cell under the pointer. */
    public ReadOnlyStringProperty sweepHoverProperty() {
        return sweepHover.getReadOnlyProperty();
    }

    /** The CSV the sweep shown keeps its points in. */
    public ReadOnlyObjectProperty<Path> sweepCsvProperty() {
        return sweepCsv.getReadOnlyProperty();
    }

    /** Runs the sensitivity sweep: every matrix (or layer) pruned alone at each sparsity. */
    public void runSweep() {
        SweepSpec spec;
        try {
            spec = new SweepSpec(granularity.get(), MatrixRef.matrixColumns(), parseSparsities(sparsities.get()),
                    sweepMethod.get(), sweepSeed.get());
        } catch (IllegalArgumentException e) {
            dialogs.showError("Cannot run the sweep", e.getMessage());
            return;
        }
        SessionLease l = leaseForNow();
        if (l == null) {
            return;
        }
        Path csv = sweepCsvFor(l.spec(), spec, model.get().label());
        boolean resumeEarlier = resume.get();
        List<Double> shares = new ArrayList<>();
        for (double s : spec.sparsities()) {
            shares.add(s);
        }
        sweepSparsities.setAll(shares);
        if (shownSparsity.get() == null || !shares.contains(shownSparsity.get())) {
            shownSparsity.set(shares.contains(0.5) ? 0.5 : shares.get(shares.size() / 2));
        }
        sweepCsv.set(csv);
        long generation = sweeps.next();
        String what = "sweep " + spec.granularity().name().toLowerCase(Locale.ROOT) + " × "
                + shares.size() + " sparsities, " + describe(spec.method(), spec.seed());
        startExperiment(new ExperimentTask<SweepResult>("What-if: " + what, l) {
            @Override
            SweepResult work(WhatIfSession s, SessionInfo info) throws IOException {
                Files.createDirectories(csv.getParent());
                if (!resumeEarlier) {
                    Files.deleteIfExists(csv);
                }
                // the charts are built once, here; points then only write their cells (see LiveSweep)
                SweepCharts charts = new SweepCharts(label(), info.metric(), info.baseline(), info.chance(), spec,
                        info.layers(), Math.max(0, indexOf(spec, shownSparsityValue)));
                charts.restyle(styleValue);
                SweepFeed feed = new SweepFeed(generation, charts);
                LiveSweep live = new LiveSweep(label(), info.metric(), info.baseline(), spec, info.layers(), feed,
                        Platform.isFxApplicationThread() ? null : DRAWING);
                SweepResult r;
                try {
                    r = SensitivitySweep.run(s, spec, csv, (p, done, total) -> {
                        updateProgress(done, total);
                        say("Sweep: layer " + p.layer() + " · " + p.column() + " at "
                                + WhatIfCharts.percent(p.sparsity()) + " (" + done + " of " + total + ")");
                        live.accept(p, done, total);
                    }, Progress.cancelledWhen(this::isCancelled));
                } catch (CancellationException e) {
                    live.finish(false);
                    throw e;
                }
                live.finish(r.complete());
                return new SweepResult(label(), r.primaryMetric(), r.baseline(), r.spec(), r.points(), r.complete());
            }

            @Override
            void done(SweepResult r) {
                message.set(what + ": " + r.points().size() + " points" + (r.complete() ? "" : " (stopped early)")
                        + " · kept in " + csv.getFileName());
            }

            @Override
            void stopped() {
                message.set(what + ": cancelled; the points so far are kept in " + csv.getFileName() + " (in the "
                        + "workspace's whatif folder), and a new run with the same settings resumes from them");
            }
        });
    }

    /**
     * The pointer is over chart row {@code row}, column {@code column} of the sweep's heatmap: the cell's metric, its
     * change with the 95 % interval of that change, and whether it is beyond noise.
     */
    public void hoverSweep(int row, int column) {
        SweepPicture p = sweepPicture.get();
        if (p == null || row < 0 || row >= p.charts().layers() || p.charts().columnLabel(column).isEmpty()) {
            sweepHover.set("");
            return;
        }
        String where = "layer " + row + " · " + p.charts().columnLabel(column) + " pruned to "
                + WhatIfCharts.percent(p.sparsity());
        SweepPoint q = p.charts().point(row, column);
        if (q == null) {
            sweepHover.set(where + ": not evaluated" + (p.result().complete() ? "" : " yet"));
            return;
        }
        sweepHover.set(where + ": " + p.charts().describe(q));
    }

    public void clearSweepHover() {
        sweepHover.set("");
    }

    // ---------------------------------------------------------------- masks

    /** The workspace's overlays with learned masks. */
    public ObservableList<TunedModel> maskCandidates() {
        return maskCandidates;
    }

    /** The runs to compare; all candidates when empty. */
    public ObservableList<TunedModel> maskChosen() {
        return maskChosen;
    }

    public ReadOnlyObjectProperty<MaskPicture> maskPictureProperty() {
        return maskPicture.getReadOnlyProperty();
    }

    /** One row per compared run: its accuracy and its mean distance to the others. */
    public ObservableList<MaskRow> maskRows() {
        return maskRows;
    }

    /** The comparison in flight, or null. */
    public ReadOnlyObjectProperty<Task<?>> maskTaskProperty() {
        return maskTask.getReadOnlyProperty();
    }

    /** Compares the learned masks of the chosen runs pairwise (Hamming distance, Jaccard overlap of zeros). */
    public void compareMasks() {
        List<TunedModel> chosen = List.copyOf(maskChosen.isEmpty() ? maskCandidates : maskChosen);
        if (chosen.size() < 2) {
            dialogs.showInfo("Choose two runs or more", "Mask comparison needs at least two fine-tuned models with "
                    + "learned masks (overlays of masked runs).");
            return;
        }
        if (maskTask.get() != null) {
            return;
        }
        ProgressTask<MaskPicture> t = new ProgressTask<>("Comparing the masks of " + chosen.size() + " runs") {
            @Override
            protected MaskPicture call() {
                MaskComparison c = MaskComparison.compare(chosen.stream().map(TunedModel::path).toList(),
                        chosen.stream().map(TunedModel::label).toList());
                checkCancelled();
                return maskPictureOf(c);
            }
        };
        t.setOnSucceeded(e -> {
            maskTask.set(null);
            maskPicture.set(t.getValue());
            maskRows.setAll(rowsOf(t.getValue().comparison()));
        });
        t.setOnFailed(e -> {
            maskTask.set(null);
            dialogs.showError("Could not compare the masks", describeProblem(t.getException()));
        });
        t.setOnCancelled(e -> maskTask.set(null));
        maskTask.set(t);
        executor.execute(t);
    }

    // ---------------------------------------------------------------- exports

    /** The current page's charts, for export and copy. */
    public Optional<Figure> figure() {
        return switch (page.get()) {
            case PRUNE -> Optional.ofNullable(revertPicture.get()).map(p -> Figure.of("whatif-revert-each-layer-"
                    + p.modelLabel(), () -> WhatIfCharts.revertBars(p.data()), 900, 480));
            case SWEEP -> Optional.ofNullable(sweepPicture.get()).map(p -> {
                SweepResult r = p.result();
                int layers = p.charts().layers();
                double floor = p.charts().floor();
                int shown = p.charts().indexOf(p.sparsity());
                return new Figure("whatif-sweep-" + r.modelLabel() + "-" + Math.round(100 * p.sparsity()),
                        List.of(() -> SweepCharts.of(r, layers, floor, shown).heatmap(),
                                () -> SweepCharts.of(r, layers, floor, shown).curves()), 900,
                        Math.max(230 + 34 * layers, 520), 2);
            });
            case MASKS -> Optional.ofNullable(maskPicture.get()).map(p -> {
                MaskComparison c = p.comparison();
                Dimension size = WhatIfCharts.maskSize(c.labels().size());
                return new Figure("whatif-masks", List.of(() -> hammingChart(c), () -> jaccardChart(c)),
                        size.width, size.height, 2);
            });
        };
    }

    /** The current page's numbers, for "export table". */
    public CsvTable table() {
        return switch (page.get()) {
            case PRUNE -> resultsTable();
            case SWEEP -> sweepTable();
            case MASKS -> maskTable();
        };
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

    /** The sweep's points so far. */
    public CsvTable sweepTable() {
        CsvTable t = new CsvTable(List.of("model", "layer", "column", "sparsity", "metric", "value", "delta"));
        SweepPicture p = sweepPicture.get();
        if (p != null) {
            for (SweepPoint q : p.result().points()) {
                t.add(p.result().modelLabel(), Integer.toString(q.layer()), q.column(), Double.toString(q.sparsity()),
                        p.result().primaryMetric(), Double.toString(q.metric()), Double.toString(q.delta()));
            }
        }
        return t;
    }

    /** Each compared run: its accuracy, then its Hamming distance and Jaccard overlap with every run. */
    public CsvTable maskTable() {
        MaskPicture p = maskPicture.get();
        if (p == null) {
            return new CsvTable(List.of("run", "accuracy"));
        }
        MaskComparison c = p.comparison();
        List<String> header = new ArrayList<>(List.of("run", "accuracy"));
        c.labels().forEach(l -> header.add("hamming: " + l));
        c.labels().forEach(l -> header.add("jaccard: " + l));
        CsvTable t = new CsvTable(header);
        for (int i = 0; i < c.labels().size(); i++) {
            List<String> row = new ArrayList<>();
            row.add(c.labels().get(i));
            Double a = c.accuracies().get(i);
            row.add(a == null ? "" : Double.toString(a));
            for (int j = 0; j < c.labels().size(); j++) {
                row.add(Double.toString(c.hamming()[i][j]));
            }
            for (int j = 0; j < c.labels().size(); j++) {
                row.add(Double.toString(c.jaccard()[i][j]));
            }
            t.add(row.toArray(String[]::new));
        }
        return t;
    }

    // ---------------------------------------------------------------- internals

    private String blockerNow() {
        if (models.isEmpty()) {
            return "No fine-tuned model with a task head in this workspace: what-if experiments score a classifier "
                    + "(File ▸ Open fine-tuned model…).";
        }
        if (model.get() == null) {
            return "Choose a fine-tuned model.";
        }
        if (data.get() == null) {
            return "Choose the task data to evaluate on (a GLUE folder or one task's folder).";
        }
        if (task.get() == null || task.get().isBlank()) {
            return "Choose the task.";
        }
        return "";
    }

    /** The session the form asks for; empty while something is missing. */
    Optional<SessionSpec> specNow() {
        TunedModel m = model.get();
        Path d = data.get();
        if (m == null || d == null || task.get() == null || task.get().isBlank()) {
            return Optional.empty();
        }
        ModelFolder base = workspace.getBase();
        SessionSpec spec = SessionSpec.of(m.path(), base == null ? null : base.path(), d, task.get());
        int cap = positions.getOrDefault(m, 0);
        if (cap > 1 && cap < spec.maxLength()) {
            spec = new SessionSpec(spec.model(), spec.base(), spec.data(), spec.task(), spec.split(),
                    spec.batchSize(), cap, spec.maxExamples(), spec.cache());
        }
        return Optional.of(maxExamples.get() > 0 ? spec.withMaxExamples(maxExamples.get()) : spec);
    }

    /** A setting of the session changed: a session of other settings is closed once idle. */
    private void settingsChanged() {
        Optional<SessionSpec> now = specNow();
        if (lease != null && (now.isEmpty() || !lease.spec().equals(now.get()))) {
            cancel();
            if (preparing != null) {
                preparing.cancel();
            }
            retireLease();
        }
        prepare();
    }

    /**
     * The tab is on screen (or not): while it is, the session of the chosen model opens in the background, so the
     * unedited metric shows and the first experiment starts at once.
     */
    public void setShown(boolean shown) {
        this.shown = shown;
        prepare();
    }

    /** Opens the session and evaluates the unedited model, unless it is open or something else runs. */
    private void prepare() {
        if (!shown || preparing != null || running.get() != null || specNow().isEmpty()
                || (lease != null && lease.isOpen() && lease.spec().equals(specNow().get()))) {
            return;
        }
        SessionLease l = leaseForNow();
        String label = model.get().label();
        ExperimentTask<Void> t = new ExperimentTask<>("Opening " + label + " for what-if experiments", l) {
            @Override
            Void work(WhatIfSession s, SessionInfo info) {
                return null;
            }

            @Override
            void done(Void nothing) {
            }

            @Override
            void stopped() {
            }
        };
        t.label = label;
        t.quiet = true;
        preparing = t;
        executor.execute(t);
    }

    private void retireLease() {
        if (lease == null) {
            return;
        }
        WhatIfSession idle = lease.retire();
        lease = null;
        session.set(null);
        if (idle != null) {
            executor.execute(new ProgressTask<Void>("Closing the what-if session") {
                @Override
                protected Void call() {
                    SessionLease.close(idle);
                    return null;
                }
            });
        }
    }

    /** The lease of the session the form asks for, made if needed; null (and says why) when none can be made. */
    private SessionLease leaseForNow() {
        Optional<SessionSpec> spec = specNow();
        if (spec.isEmpty()) {
            message.set(blockerNow());
            return null;
        }
        if (lease == null || !lease.spec().equals(spec.get())) {
            retireLease();
            lease = new SessionLease(spec.get(), opener);
        }
        return lease;
    }

    private void startExperiment(ExperimentTask<?> t) {
        if (running.get() != null) {
            message.set("Another experiment is running; cancel it or wait for it.");
            return;
        }
        if (t.lease == null) {
            t.lease = leaseForNow();
            if (t.lease == null) {
                return;
            }
        }
        t.label = model.get().label();
        running.set(t);
        executor.execute(t);
    }

    private void sessionOpened(SessionLease l, SessionInfo info) {
        if (l == lease) {
            session.set(info);
        }
    }

    private void addResult(String modelLabel, String what, Outcome o) {
        addResult(new ResultRow(results.size() + 1, modelLabel, what, o.primaryMetric(), o.primary(), o.baseline(),
                o.delta(), o.zeroed(), o.entries(), o.firstLayerRecomputed(), o.nanos() / 1e9));
        message.set(what + ": " + o.primaryMetric() + " " + String.format(Locale.ROOT, "%.4f", o.primary())
                + " (Δ " + String.format(Locale.ROOT, "%+.4f", o.delta()) + " against " + String.format(Locale.ROOT,
                "%.4f", o.baseline()) + ") in " + String.format(Locale.ROOT, "%.2f", o.nanos() / 1e9) + " s");
    }

    private void addResult(ResultRow row) {
        results.add(row);
    }

    private static void requireRevert(WhatIfSession s, SessionInfo info) {
        if (!s.canRevert()) {
            throw new IllegalArgumentException(info.modelLabel() + ": no pre-trained base is known for this model, "
                    + "so nothing can be set back to it (open the workspace's base model)");
        }
    }

    private static String describe(PruneMethod method, long seed) {
        return method == PruneMethod.RANDOM ? "random (seed " + seed + ")" : "magnitude";
    }

    private static double clampPercent(double p) {
        return Double.isNaN(p) ? 0 : Math.max(0, Math.min(100, p));
    }

    /** "10, 30 50%" → {0.1, 0.3, 0.5}; each a percentage from 0 to 100, each once, in increasing order. */
    static double[] parseSparsities(String text) {
        TreeSet<Double> out = new TreeSet<>();
        for (String part : (text == null ? "" : text).split("[,;\\s]+")) {
            String p = part.replace("%", "").strip();
            if (p.isEmpty()) {
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sparsities: '" + part + "' is not a number (give percentages "
                        + "such as 10, 30, 50)");
            }
            if (!(v >= 0 && v <= 100)) {
                throw new IllegalArgumentException("sparsities: " + part + " is not a percentage from 0 to 100");
            }
            out.add(v / 100);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("sparsities: give at least one percentage, such as 10, 30, 50");
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Where a sweep keeps its points: the workspace's {@code whatif} folder in the user's data folder (never the
     * workspace's own folder, which may be the read-only sample), one file per model, data and sweep settings, so that only a sweep of the very same settings
     * resumes from it.
     */
    Path sweepCsvFor(SessionSpec session, SweepSpec spec, String modelLabel) {
        Path ws = workspace.folderProperty().get();
        Path folder = ws != null ? UserDirectories.workspaceOutputs(ws, "whatif")
                : UserDirectories.data().resolve("whatif");
        String key = session.model().toAbsolutePath().normalize() + "|" + session.base() + "|"
                + session.data().toAbsolutePath().normalize() + "|" + session.task() + "|" + session.split() + "|"
                + session.maxExamples() + "|" + session.maxLength() + "|" + spec;
        String slug = modelLabel.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+)|(-+$)", "");
        return folder.resolve((slug.isEmpty() ? "model" : slug) + "-sweep-"
                + String.format(Locale.ROOT, "%08x", key.hashCode()) + ".csv");
    }

    private RevertPicture revertPictureOf(WhatIfCharts.RevertData d) {
        return new RevertPicture(d.modelLabel(), d.metric(), d.baseline(), d.points(), d.complete(),
                styleValue.apply(WhatIfCharts.revertBars(d)));
    }

    private MaskPicture maskPictureOf(MaskComparison c) {
        ChartStyle st = styleValue;
        return new MaskPicture(c, st.apply(hammingChart(c)), st.apply(jaccardChart(c)));
    }

    private static JFreeChart hammingChart(MaskComparison c) {
        return WhatIfCharts.maskMatrix(c.labels(), c.hamming(), PairMatrixChart.Measure.DIFFERENCE, "Hamming distance of the learned masks",
                "share of mask bits that differ", "cell = a pair of runs, over the matrices both mask");
    }

    private static JFreeChart jaccardChart(MaskComparison c) {
        return WhatIfCharts.maskMatrix(c.labels(), c.jaccard(), PairMatrixChart.Measure.SIMILARITY, "Jaccard overlap of the zeroed entries",
                "|Z_a ∩ Z_b| / |Z_a ∪ Z_b|", "cell = a pair of runs, over the matrices both mask");
    }

    private static List<MaskRow> rowsOf(MaskComparison c) {
        List<MaskRow> rows = new ArrayList<>();
        int n = c.labels().size();
        for (int i = 0; i < n; i++) {
            double h = 0;
            double j = 0;
            for (int k = 0; k < n; k++) {
                if (k != i) {
                    h += c.hamming()[i][k];
                    j += c.jaccard()[i][k];
                }
            }
            rows.add(new MaskRow(c.labels().get(i), c.accuracies().get(i), n > 1 ? h / (n - 1) : Double.NaN,
                    n > 1 ? j / (n - 1) : Double.NaN));
        }
        return rows;
    }

    /** Hands the newest picture to the FX thread; bursts fold into one update. */
    private static <P> void publish(AtomicReference<P> pending, ReadOnlyObjectWrapper<P> target, P picture) {
        if (Platform.isFxApplicationThread()) {
            pending.set(null);
            target.set(picture);
            return;
        }
        if (pending.getAndSet(picture) == null) {
            Platform.runLater(() -> {
                P p = pending.getAndSet(null);
                if (p != null) {
                    target.set(p);
                }
            });
        }
    }

    private static void onFx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    /** Shows the chosen sparsity on the sweep's heatmap: the charts change in place, one redraw. */
    private void redrawSweep() {
        SweepPicture p = sweepPicture.get();
        if (p == null) {
            return;
        }
        int s = p.charts().indexOf(shownSparsityValue);
        if (s < 0) {
            return;
        }
        p.charts().show(s);
        p.charts().batch(() -> { });
        sweepPicture.set(new SweepPicture(p.result(), p.charts(), shownSparsityValue, p.done(), p.total()));
    }

    private static int indexOf(SweepSpec spec, double sparsity) {
        double[] shares = spec.sparsities();
        for (int i = 0; i < shares.length; i++) {
            if (Double.compare(shares[i], sparsity) == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where a sweep's points go from its drawing thread: their cell and curve writes are kept until the FX thread
     * applies them all at once to the sweep's charts (one redraw), with the newest result; a flush on the FX thread
     * (the sweep's end in a same-thread executor) applies at once.
     */
    private final class SweepFeed implements LiveSweep.Sink {
        private final long generation;
        private final SweepCharts charts;
        private final List<Runnable> writes = new ArrayList<>();
        private SweepResult latest;
        private int done;
        private int total;
        private boolean posted;

        SweepFeed(long generation, SweepCharts charts) {
            this.generation = generation;
            this.charts = charts;
        }

        @Override
        public synchronized void cell(int s, int layer, int column, SweepPoint point) {
            writes.add(() -> charts.write(s, layer, column, point));
        }

        @Override
        public synchronized void curve(int layer, int s, double mean) {
            writes.add(() -> charts.curve(layer, s, mean));
        }

        @Override
        public void flush(SweepResult soFar, int done, int total) {
            boolean post;
            synchronized (this) {
                latest = soFar;
                this.done = done;
                this.total = total;
                post = !posted;
                posted = true;
            }
            if (Platform.isFxApplicationThread()) {
                apply();
            } else if (post) {
                Platform.runLater(this::apply);
            }
        }

        /** On the FX thread: every write so far, one redraw, the newest picture. */
        private void apply() {
            List<Runnable> now;
            SweepResult r;
            int d;
            int t;
            synchronized (this) {
                now = List.copyOf(writes);
                writes.clear();
                r = latest;
                latest = null;
                d = done;
                t = total;
                posted = false;
            }
            if (r == null || !sweeps.isCurrent(generation)) {
                return;
            }
            charts.batch(() -> {
                now.forEach(Runnable::run);
                charts.progress(d, t, r.complete());
            });
            sweepPicture.set(new SweepPicture(r, charts, charts.sparsity(), d, t));
        }
    }

    /** Draws every picture again (the theme changed). */
    private void redrawAll() {
        SweepPicture sp = sweepPicture.get();
        if (sp != null) {
            sp.charts().restyle(styleValue);
            sp.charts().batch(() -> { });
        }
        RevertPicture r = revertPicture.get();
        MaskPicture m = maskPicture.get();
        if (r == null && m == null) {
            return;
        }
        ProgressTask<Object[]> t = new ProgressTask<>("Drawing the what-if charts") {
            @Override
            protected Object[] call() {
                return new Object[] {r == null ? null : revertPictureOf(r.data()),
                    m == null ? null : maskPictureOf(m.comparison())};
            }
        };
        t.setOnSucceeded(e -> {
            if (r != null && revertPicture.get() == r) {
                revertPicture.set((RevertPicture) t.getValue()[0]);
            }
            if (m != null && maskPicture.get() == m) {
                maskPicture.set((MaskPicture) t.getValue()[1]);
            }
        });
        executor.execute(t);
    }

    /**
     * What a model can do in an experiment: be evaluated (it has a task head), have its masks compared; and how
     * many token positions it has (0 when it does not say), which caps the tokens per example.
     */
    record Traits(boolean head, boolean masks, int positions) {
    }

    /** Reads which of the workspace's models have a task head or learned masks (file headers only), off the FX thread. */
    private void scan() {
        List<TunedModel> all = List.copyOf(workspace.getTunedModels());
        ModelFolder base = workspace.getBase();
        long id = scans.next();
        if (all.isEmpty()) {
            applyTraits(Map.of());
            return;
        }
        ProgressTask<Map<TunedModel, Traits>> t = new ProgressTask<>("Reading the fine-tuned models' heads") {
            @Override
            protected Map<TunedModel, Traits> call() {
                Map<TunedModel, Traits> out = new LinkedHashMap<>();
                int basePositions = base == null ? 0 : Checkpoints.tokenPositions(base.weights());
                for (TunedModel m : all) {
                    checkCancelled();
                    Traits t = traits(m);
                    out.put(m, t.positions() > 0 || basePositions == 0 ? t
                            : new Traits(t.head(), t.masks(), basePositions));
                }
                return out;
            }
        };
        t.setOnSucceeded(e -> {
            if (scans.isCurrent(id)) {
                applyTraits(t.getValue());
            }
        });
        executor.execute(t);
    }

    static Traits traits(TunedModel m) {
        try {
            if (m.kind() == TunedModel.Kind.OVERLAY) {
                try (Overlay o = Overlay.open(m.path())) {
                    return new Traits(o.headNames().contains(Overlay.CLASSIFIER_WEIGHT),
                            !o.maskedNames().isEmpty(), 0);
                }
            }
            try (ModelFolder f = Models.open(m.path())) {
                return new Traits(f.weights().contains(Overlay.CLASSIFIER_WEIGHT), false, Checkpoints.tokenPositions(f.weights()));
            }
        } catch (RuntimeException e) {
            LOGGER.debug("cannot read {} for what-if experiments: {}", m.path(), e.toString());
            return new Traits(false, false, 0);
        }
    }

    private void applyTraits(Map<TunedModel, Traits> traits) {
        List<TunedModel> heads = new ArrayList<>();
        List<TunedModel> masks = new ArrayList<>();
        for (TunedModel m : workspace.getTunedModels()) {
            Traits t = traits.get(m);
            if (t != null && t.head()) {
                heads.add(m);
            }
            if (t != null && t.masks()) {
                masks.add(m);
            }
        }
        positions.clear();
        traits.forEach((m, t) -> positions.put(m, t.positions()));
        models.setAll(heads);
        maskCandidates.setAll(masks);
        maskChosen.retainAll(masks);
        if (model.get() == null || !heads.contains(model.get())) {
            TunedModel selected = workspace.getSelectedTuned();
            model.set(heads.contains(selected) ? selected : heads.isEmpty() ? null : heads.get(0));
        }
    }

    private static String describeProblem(Throwable t) {
        if (t instanceof IllegalArgumentException && t.getMessage() != null) {
            return t.getMessage();
        }
        return Problems.describe(t);
    }

    /**
     * An experiment: acquires the session (opening it the first time, with its progress), tells the view the
     * session's baseline, does its work and releases the session. Its handlers run on the FX thread.
     */
    private abstract class ExperimentTask<T> extends ProgressTask<T> {
        private SessionLease lease;
        private String label;
        /** A failure shows in the message line only: nobody asked for this task. */
        private boolean quiet;

        ExperimentTask(String title) {
            this(title, null);
        }

        ExperimentTask(String title, SessionLease lease) {
            super(title);
            this.lease = lease;
            setOnSucceeded(e -> {
                finished();
                done(getValue());
            });
            setOnFailed(e -> {
                finished();
                Throwable problem = getException();
                if (problem instanceof CancellationException) {
                    stopped();
                    return;
                }
                LOGGER.debug("{} failed", title(), problem);
                message.set(title() + ": " + describeProblem(problem));
                if (!quiet) {
                    dialogs.showError("What-if experiment failed", describeProblem(problem));
                }
            });
            setOnCancelled(e -> {
                finished();
                stopped();
            });
        }

        /** The model as the user named it. */
        final String label() {
            return label;
        }

        @Override
        protected final T call() throws Exception {
            boolean opening = !lease.isOpen();
            if (opening) {
                say("Opening " + label + " and reading the task data");
            }
            WhatIfSession s = lease.acquire(new Progress() {
                @Override
                public void update(long done, long total, String what) {
                    updateProgress((double) done / total, 1);
                    if (what != null) {
                        say(what);
                    }
                }

                @Override
                public boolean isCancelled() {
                    return ExperimentTask.this.isCancelled();
                }
            });
            try {
                checkCancelled();
                if (opening) {
                    say("Evaluating " + label + " unedited");
                }
                SessionSpec spec = s.spec();
                SessionInfo info = new SessionInfo(label, spec.task(), spec.split(), s.examples(), s.primaryMetric(),
                        s.baseline().primary(), s.layerCount(), s.canRevert(), s.chanceAccuracy());
                SessionLease l = lease;
                onFx(() -> sessionOpened(l, info));
                checkCancelled();
                updateProgress(-1, 1);
                return work(s, info);
            } finally {
                lease.release();
            }
        }

        abstract T work(WhatIfSession s, SessionInfo info) throws Exception;

        abstract void done(T value);

        void stopped() {
            message.set(title() + ": cancelled");
        }

        private void finished() {
            if (running.get() == this) {
                running.set(null);
            }
            if (preparing == this) {
                preparing = null;
            }
        }
    }
}
