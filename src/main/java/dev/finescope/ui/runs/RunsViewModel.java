package dev.finescope.ui.runs;

import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.image.Image;
import javafx.util.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of the workspace: launching one from the plan being edited, following it while it trains in its own
 * process, cancelling it, and finding the runs of earlier sessions again in the runs folder. A run that finishes
 * joins the workspace as a tuned model; a run whose process dies says why, and the app goes on. Events reach
 * the runs on the FX thread; the curves and the log are refreshed a few times a second, whatever the rate of
 * events. The list, the selection and the curves are kept here; starting runs is {@link RunStarter}'s part,
 * reading runs of earlier sessions {@link EarlierRuns}', and comparing finished runs with a baseline
 * {@link BaselineComparison}'s.
 */
public final class RunsViewModel {

    private static final Logger LOGGER = LoggerFactory.getLogger(RunsViewModel.class);

    /** How often the curves, the logs and runs of earlier sessions are refreshed. */
    static final Duration REFRESH = Duration.millis(250);
    /** Runs of earlier sessions are read from their folders every this many refreshes. */
    private static final int FOLLOW_EVERY = 4;

    private final Workspace workspace;
    private final DialogService dialogs;
    private final RunStarter starter;
    private final EarlierRuns earlier;
    private final BaselineComparison comparison;

    private final ObservableList<RunItem> runs = FXCollections.observableArrayList();
    private final ObservableList<RunItem> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ObjectProperty<RunItem> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObjectProperty<Plan> plan = new SimpleObjectProperty<>(this, "plan", Presets.fullFineTuning());
    private final CurvesImage curves;
    /** Whether the curves are on screen; while they are not, they are not drawn (a chart per refresh). */
    private final javafx.beans.property.BooleanProperty curvesShown =
            new javafx.beans.property.SimpleBooleanProperty(this, "curvesShown", true);
    private final Timeline refresher;
    private final javafx.beans.property.DoubleProperty smoothing =
            new javafx.beans.property.SimpleDoubleProperty(this, "smoothing", 0.6);
    private int curvesWidth;
    private int curvesHeight;
    private RunItem drawn;
    private int drawnRevision = -1;
    private int ticks;

    /**
     * Runs train with {@code finescope train} on this app's own Java and class path. Construct it on the FX
     * thread: it starts the refresh of curves and logs there.
     */
    public RunsViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs) {
        this(workspace, executor, dialogs, RunLauncher.forThisJvmYielding(RunStarter.childJvmOptions()));
    }

    RunsViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs, RunLauncher launcher) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        Objects.requireNonNull(executor, "executor");
        this.starter = new RunStarter(this, workspace, executor, dialogs, Objects.requireNonNull(launcher, "launcher"),
                plan);
        this.earlier = new EarlierRuns(this, executor, dialogs);
        this.comparison = new BaselineComparison(workspace, executor, runs);
        this.curves = new CurvesImage(executor);
        curvesShown.addListener((obs, was, now) -> {
            if (now) {
                redraw(true);
            }
        });
        workspace.runsFolderProperty().addListener((obs, old, folder) -> rediscover());
        selected.addListener((obs, old, item) -> redraw(true));
        smoothing.addListener((obs, old, w) -> redraw(true));
        refresher = new Timeline(new KeyFrame(REFRESH, e -> refresh()));
        refresher.setCycleCount(Animation.INDEFINITE);
        refresher.play();
        rediscover();
        comparison.findBaseline();
    }

    // ---- state ------------------------------------------------------------------------------------------

    /** The runs, newest first. */
    public ObservableList<RunItem> runs() {
        return runsView;
    }

    public ObjectProperty<RunItem> selectedProperty() {
        return selected;
    }

    /**
     * The plan a launch trains: bind it to the plan editor's plan. Full fine-tuning until then.
     */
    public ObjectProperty<Plan> planProperty() {
        return plan;
    }

    /** Why no run can be launched now; empty when one can. */
    public StringBinding launchBlockerBinding() {
        return starter.blockerBinding();
    }

    /** The selected run's loss and metric curves; null when no run is selected. */
    public ReadOnlyObjectProperty<Image> curvesImageProperty() {
        return curves.imageProperty();
    }

    /**
     * Whether the curves are on screen (the shell binds it to the Runs tab being selected): while they are not,
     * a training run's new points do not make the worker draw a chart four times a second; they are drawn when
     * the curves are shown again.
     */
    public javafx.beans.property.BooleanProperty curvesShownProperty() {
        return curvesShown;
    }

    /**
     * How much the training loss curve is smoothed, 0 to 0.99: the weight of TensorBoard's exponential moving
     * average (0.6 to start, as there); the raw curve stays beside it.
     */
    public javafx.beans.property.DoubleProperty smoothingProperty() {
        return smoothing;
    }

    /** The size the view shows the curves at; they are drawn again at the new size. */
    public void setCurvesSize(int width, int height) {
        if (width != curvesWidth || height != curvesHeight) {
            curvesWidth = width;
            curvesHeight = height;
            redraw(true);
        }
    }

    /** True while a run this app started still trains: closing the app should ask whether to stop it. */
    public boolean hasRunningRuns() {
        return runs.stream().anyMatch(r -> r.isOwn() && r.status() == RunStatus.RUNNING);
    }

    // ---- launching --------------------------------------------------------------------------------------

    /** A form for the launch dialog, filled in as the last launch left it. */
    public LaunchViewModel newLaunchForm() {
        return starter.newForm();
    }

    /**
     * Checks the run, writes its folder ({@code spec.json} with the plan inline) under the runs folder and starts
     * {@code finescope train} on it, in the background. What stops it (a missing base, data that is not there, a
     * plan that does not fit the base) is shown to the user in one message.
     */
    public void launch(LaunchViewModel form) {
        starter.launch(form);
    }

    /** A run this app launched: its process has started. */
    void launched(RunItem item) {
        item.processStarted();
        runs.add(0, item);
        selected.set(item);
    }

    /** The process of a run this app started has ended and everything it said has arrived. */
    void ended(RunItem item, RunExit exit) {
        item.flush();
        item.processExited();
        redraw(false);
        compareRuns();
        switch (exit.status()) {
            case FINISHED -> joinWorkspace(item);
            case FAILED, CRASHED -> dialogs.showError("Run failed",
                    item.nameProperty().get() + ": " + exit.failureReason());
            default -> LOGGER.info("Run {} ended: {}", item.folder(), exit.status().label());
        }
    }

    // ---- acting on runs ---------------------------------------------------------------------------------

    /** Asks a run this app started to stop; it finishes its step, says so and ends. */
    public void cancel(RunItem item) {
        if (item == null || item.cancelRequestedProperty().get()) {
            return;
        }
        item.handle().filter(h -> item.status() == RunStatus.RUNNING).ifPresent(h -> {
            item.markCancelRequested();
            h.cancel();
        });
    }

    public void cancelSelected() {
        cancel(selected.get());
    }

    /**
     * Goes on with a run that stopped before its end (interrupted, killed, crashed) from the checkpoint in its
     * folder, in a new process of {@code finescope train --resume}; the same run, not a new one.
     */
    public void resume(RunItem item) {
        if (item != null && item.resumableProperty().get()) {
            starter.resume(item);
        }
    }

    public void resumeSelected() {
        resume(selected.get());
    }

    /** Stops every run this app started (the app is closing and the user asked to stop them). */
    public void cancelAll() {
        List.copyOf(runs).forEach(this::cancel);
    }

    /** A finished run's overlay joins the workspace as a tuned model. */
    public void addToWorkspace(RunItem item) {
        if (item != null && item.status() == RunStatus.FINISHED) {
            joinWorkspace(item);
        }
    }

    private void joinWorkspace(RunItem item) {
        Path overlay = item.overlayProperty().get();
        if (overlay != null && Files.isRegularFile(overlay)) {
            workspace.addTunedModel(overlay, item.nameProperty().get());
        } else {
            dialogs.showError("The run's result is missing", item.folder() + ": the run finished but its overlay "
                    + (overlay == null ? "was not named" : overlay.getFileName() + " is not there"));
        }
    }

    // ---- runs of earlier sessions -----------------------------------------------------------------------

    /** Reads the runs folder again: runs of earlier sessions appear, finished or still training. */
    public void rediscover() {
        runs.removeIf(r -> !r.isOwn());
        if (!runs.contains(selected.get())) {
            selected.set(null);
        }
        earlier.discover(workspace.runsFolderProperty().get());
    }

    /** Runs read from the runs folder: those not listed yet join the list. FX thread. */
    void found(List<RunItem> items) {
        for (RunItem item : items) {
            if (runs.stream().noneMatch(r -> r.folder().equals(item.folder()))) {
                // runs of earlier versions may share a name: each is told apart by its own
                item.rename(uniqueName(item.nameProperty().get()));
                runs.add(item);
            }
        }
        compareRuns();
    }

    // ---- refreshing -------------------------------------------------------------------------------------

    private void refresh() {
        for (RunItem r : runs) {
            r.flush();
        }
        redraw(false);
        if (++ticks % FOLLOW_EVERY == 0) {
            earlier.follow(runs);
        }
    }

    /** Draws the selected run's curves again when they changed (or always, when {@code force}). */
    private void redraw(boolean force) {
        RunItem item = selected.get();
        if (item == null) {
            drawn = null;
            curves.request(null, 0, 0);
            return;
        }
        int revision = item.revisionProperty().get();
        if (!force && item == drawn && revision == drawnRevision || !curvesShown.get()) {
            return;
        }
        drawn = item;
        drawnRevision = revision;
        String subtitle = item.summaryProperty().get() + (item.device().isEmpty() ? "" : " · " + item.device())
                + (item.verdictProperty().get().isEmpty() ? "" : "\n" + item.verdictProperty().get());
        curves.request(new CurvesImage.Data(item.nameProperty().get(), subtitle, item.lossPoints(),
                item.metricPoints(), item.emptyCurveMessage(), Math.max(0, Math.min(0.99, smoothing.get()))),
                curvesWidth, curvesHeight);
    }

    // ---- names and baselines ----------------------------------------------------------------------------

    /** {@code name}, or with " (2)", " (3)"… when a run in the list has it already. */
    String uniqueName(String name) {
        String candidate = name;
        for (int n = 2; taken(candidate); n++) {
            candidate = name + " (" + n + ")";
        }
        return candidate;
    }

    private boolean taken(String name) {
        return runs.stream().anyMatch(r -> r.nameProperty().get().equals(name));
    }

    /** What finished runs are compared with: the workspace's head-only model, a head-only run, the majority class. */
    public ReadOnlyObjectProperty<Baseline> baselineProperty() {
        return comparison.baselineProperty();
    }

    /** Compares every finished run with the best baseline known now. FX thread. */
    void compareRuns() {
        comparison.compareRuns();
    }

    /** Stops refreshing; for a view model that is thrown away while the app goes on. */
    public void dispose() {
        refresher.stop();
    }
}
