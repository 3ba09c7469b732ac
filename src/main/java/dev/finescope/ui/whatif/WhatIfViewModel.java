package dev.finescope.ui.whatif;

import dev.finescope.chart.ChartStyle;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.whatif.SessionLease;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.WhatIfSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The What-if tab: experiments that answer "what would this model lose if…" without training. This view model
 * holds what the tab's pages share: what to evaluate on (model, data, task, examples), the session, the experiment
 * in flight and its message, the page shown and the charts' style; each page's own form and pictures are its page
 * view model's ({@link PruneRevertViewModel}, {@link SweepViewModel}, {@link MasksViewModel}).
 *
 * <p>Experiments run in-process through the {@code whatif} API on the app's one executor, one at a time (a
 * session is not thread-safe), as cancellable tasks whose progress shows in the status bar. The session (model
 * read, data tokenized, hidden states cached) opens with the first experiment on a model and is reused until the
 * model, the data or their settings change, or the app closes. Pictures are built off the FX thread and swapped
 * in on it.
 */
public final class WhatIfViewModel {

    /** The tab's pages, which decide what "export chart" and "export table" take. */
    public enum Page { PRUNE, SWEEP, MASKS, REPRESENTATIONS }

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

    private static final Logger LOGGER = LoggerFactory.getLogger(WhatIfViewModel.class);

    private final Workspace workspace;
    private final UiExecutor executor;
    private final DialogService dialogs;
    private final BiFunction<SessionSpec, Progress, WhatIfSession> opener;

    private final ObservableList<TunedModel> models = FXCollections.observableArrayList();
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

    private final PruneRevertViewModel pruneRevert = new PruneRevertViewModel(this);
    private final SweepViewModel sweep = new SweepViewModel(this);
    private final MasksViewModel masks = new MasksViewModel(this);
    private final RepresentationsViewModel representations = new RepresentationsViewModel(this);

    private final ModelScan scan;
    private SessionLease lease;
    /** The task opening the session ahead of the first experiment, or null. */
    private ExperimentTask<?> preparing;
    private boolean shown;
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
        this.scan = new ModelScan(workspace, executor, this::scanned);
        data.set(workspace.dataProperty().get());
        workspace.dataProperty().addListener((obs, was, now) -> data.set(now));
        workspace.getTunedModels().addListener((ListChangeListener<TunedModel>) c -> scan.scan());
        workspace.baseProperty().addListener((obs, was, now) -> scan.scan());
        workspace.selectedTunedProperty().addListener((obs, was, now) -> {
            if (now != null && models.contains(now) && running.get() == null) {
                model.set(now);
            }
        });
        model.addListener((obs, was, now) -> {
            representations.setModels(workspace.getTunedModels(), now);
            if (now != null && workspace.getTunedModels().contains(now)) {
                workspace.selectedTunedProperty().set(now);
            }
        });
        for (Observable o : List.<Observable>of(model, data, task, maxExamples, workspace.baseProperty())) {
            o.addListener(x -> settingsChanged());
        }
        blocker.bind(Bindings.createStringBinding(this::blockerNow, models, model, data, task));
        style.addListener((obs, was, now) -> {
            styleValue = now == null ? ChartStyle.LIGHT : now;
            redrawAll();
        });
        scan.scan();
    }

    // ---------------------------------------------------------------- the pages

    /** The Prune & revert page. */
    public PruneRevertViewModel pruneRevert() {
        return pruneRevert;
    }

    /** The Sensitivity sweep page. */
    public SweepViewModel sweep() {
        return sweep;
    }

    /** The Masks page. */
    public MasksViewModel masks() {
        return masks;
    }

    /** The Representations page. */
    public RepresentationsViewModel representations() {
        return representations;
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
        masks.cancel();
        representations.cancel();
        retireLease();
    }

    /**
     * The tab is on screen (or not): while it is, the session of the chosen model opens in the background, so the
     * unedited metric shows and the first experiment starts at once.
     */
    public void setShown(boolean shown) {
        this.shown = shown;
        prepare();
    }

    // ---------------------------------------------------------------- exports

    /** The current page's charts, for export and copy. */
    public Optional<Figure> figure() {
        return switch (page.get()) {
            case PRUNE -> pruneRevert.figure();
            case SWEEP -> sweep.figure();
            case MASKS -> masks.figure();
            case REPRESENTATIONS -> representations.figure();
        };
    }

    /** The current page's numbers, for "export table". */
    public CsvTable table() {
        return switch (page.get()) {
            case PRUNE -> pruneRevert.resultsTable();
            case SWEEP -> sweep.sweepTable();
            case MASKS -> masks.maskTable();
            case REPRESENTATIONS -> representations.table();
        };
    }

    // ---------------------------------------------------------------- for the pages

    Workspace workspace() {
        return workspace;
    }

    DialogService dialogs() {
        return dialogs;
    }

    UiExecutor executor() {
        return executor;
    }

    /** The style the workers draw with, readable from any thread. */
    ChartStyle drawingStyle() {
        return styleValue;
    }

    /** Puts an experiment's answer or problem in the message line. */
    void say(String text) {
        message.set(text);
    }

    /** The lease of the session the form asks for, made if needed; null (and says why) when none can be made. */
    SessionLease leaseForNow() {
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

    /** Runs {@code t} on the session, unless another experiment runs or the form lacks something. */
    void startExperiment(ExperimentTask<?> t) {
        if (running.get() != null) {
            message.set("Another experiment is running; cancel it or wait for it.");
            return;
        }
        if (t.lease() == null) {
            t.lease(leaseForNow());
            if (t.lease() == null) {
                return;
            }
        }
        t.label(model.get().label());
        running.set(t);
        executor.execute(t);
    }

    /** On the FX thread: the experiment ended, however. */
    void experimentEnded(ExperimentTask<?> t) {
        if (running.get() == t) {
            running.set(null);
        }
        if (preparing == t) {
            preparing = null;
        }
    }

    /** On the FX thread: the experiment failed; a dialog says so unless nobody asked for it. */
    void experimentFailed(ExperimentTask<?> t, Throwable problem, boolean quiet) {
        LOGGER.debug("{} failed", t.title(), problem);
        message.set(t.title() + ": " + describeProblem(problem));
        if (!quiet) {
            dialogs.showError("What-if experiment failed", describeProblem(problem));
        }
    }

    /** On the FX thread: a session opened; shown while it is still the one the form asks for. */
    void sessionOpened(SessionLease l, SessionInfo info) {
        if (l == lease) {
            session.set(info);
        }
    }

    static String describeProblem(Throwable t) {
        if (t instanceof IllegalArgumentException && t.getMessage() != null) {
            return t.getMessage();
        }
        return Problems.describe(t);
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
        int cap = scan.positions(m);
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

    /** Opens the session and evaluates the unedited model, unless it is open or something else runs. */
    private void prepare() {
        if (!shown || preparing != null || running.get() != null || specNow().isEmpty()
                || (lease != null && lease.isOpen() && lease.spec().equals(specNow().get()))) {
            return;
        }
        SessionLease l = leaseForNow();
        String label = model.get().label();
        ExperimentTask<Void> t = new ExperimentTask<>(this, "Opening " + label + " for what-if experiments", l) {
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
        t.label(label);
        t.quiet();
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

    /** Draws every picture again (the theme changed). */
    private void redrawAll() {
        sweep.restyle(styleValue);
        representations.restyle();
        PruneRevertViewModel.RevertPicture r = pruneRevert.revertPictureProperty().get();
        MasksViewModel.MaskPicture m = masks.maskPictureProperty().get();
        if (r == null && m == null) {
            return;
        }
        ProgressTask<Object[]> t = new ProgressTask<>("Drawing the what-if charts") {
            @Override
            protected Object[] call() {
                return new Object[] {r == null ? null : pruneRevert.pictureOf(r.data()),
                    m == null ? null : masks.pictureOf(m.comparison())};
            }
        };
        t.setOnSucceeded(e -> {
            pruneRevert.replacePicture(r, (PruneRevertViewModel.RevertPicture) t.getValue()[0]);
            masks.replacePicture(m, (MasksViewModel.MaskPicture) t.getValue()[1]);
        });
        executor.execute(t);
    }

    /** The scan found the models with a task head and those with learned masks. */
    private void scanned(List<TunedModel> heads, List<TunedModel> masked) {
        models.setAll(heads);
        masks.setCandidates(masked);
        representations.setModels(workspace.getTunedModels(), model.get());
        if (model.get() == null || !heads.contains(model.get())) {
            TunedModel selected = workspace.getSelectedTuned();
            model.set(heads.contains(selected) ? selected : heads.isEmpty() ? null : heads.get(0));
        }
    }
}
