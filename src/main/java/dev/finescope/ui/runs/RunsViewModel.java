package dev.finescope.ui.runs;

import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.EventReader;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.LaunchCheck;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunException;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunListener;
import dev.finescope.run.RunSpec;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.DialogService;
import dev.finescope.ui.UiExecutor;
import dev.finescope.ui.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.scene.image.Image;
import javafx.util.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of the workspace: launching one from the plan being edited, following it while it trains in its own
 * process, cancelling it, and finding the runs of earlier sessions again in the runs folder. A run that finishes
 * joins the workspace as a tuned model; a run whose process dies says why, and the app goes on. Events reach
 * the runs on the FX thread; the curves and the log are refreshed a few times a second, whatever the rate of
 * events.
 */
public final class RunsViewModel {

    private static final Logger LOGGER = LoggerFactory.getLogger(RunsViewModel.class);

    /** How often the curves, the logs and runs of earlier sessions are refreshed. */
    static final Duration REFRESH = Duration.millis(250);
    /** Runs of earlier sessions are read from their folders every this many refreshes. */
    private static final int FOLLOW_EVERY = 4;
    private static final int LOG_TAIL = RunItem.LOG_LINES;
    /** System properties of the app that its runs inherit. */
    static final List<String> INHERITED_PROPERTIES = List.of("ai.djl.offline", "ai.djl.pytorch.num_threads",
            UserDirectories.CACHE_PROPERTY, "ENGINE_CACHE_DIR", "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION",
            "PYTORCH_FLAVOR", "RUST_LIBRARY_PATH", "jna.boot.library.path", "jna.tmpdir");

    private final Workspace workspace;
    private final UiExecutor executor;
    private final DialogService dialogs;
    private final RunLauncher launcher;

    private final ObservableList<RunItem> runs = FXCollections.observableArrayList();
    private final ObservableList<RunItem> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ObjectProperty<RunItem> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObjectProperty<Plan> plan = new SimpleObjectProperty<>(this, "plan", Presets.fullFineTuning());
    private final StringBinding launchBlocker;
    /** What the workspace's files say a run must beat (its head-only model, the majority class); null if unknown. */
    private final ObjectProperty<Baseline> workspaceBaseline = new SimpleObjectProperty<>(this, "workspaceBaseline");
    private long baselineGeneration;
    private final CurvesImage curves;
    /** Whether the curves are on screen; while they are not, they are not drawn (a chart per refresh). */
    private final javafx.beans.property.BooleanProperty curvesShown =
            new javafx.beans.property.SimpleBooleanProperty(this, "curvesShown", true);
    private final Timeline refresher;
    private final javafx.beans.property.DoubleProperty smoothing =
            new javafx.beans.property.SimpleDoubleProperty(this, "smoothing", 0.6);
    private LaunchViewModel lastForm;
    private int curvesWidth;
    private int curvesHeight;
    private RunItem drawn;
    private int drawnRevision = -1;
    private int ticks;
    private boolean following;
    private long discoveryGeneration;

    /**
     * Runs train with {@code finescope train} on this app's own Java and class path. Construct it on the FX
     * thread: it starts the refresh of curves and logs there.
     */
    public RunsViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs) {
        this(workspace, executor, dialogs, RunLauncher.forThisJvmYielding(childJvmOptions()));
    }

    RunsViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs, RunLauncher launcher) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.curves = new CurvesImage(executor);
        curvesShown.addListener((obs, was, now) -> {
            if (now) {
                redraw(true);
            }
        });
        launchBlocker = Bindings.createStringBinding(() -> {
            if (workspace.baseProperty().get() == null) {
                return "Open a base model to train from.";
            }
            if (workspace.runsFolderProperty().get() == null) {
                return "The workspace has no runs folder to write runs into.";
            }
            return "";
        }, workspace.baseProperty(), workspace.runsFolderProperty());
        workspace.runsFolderProperty().addListener((obs, old, folder) -> rediscover());
        workspace.getTunedModels().addListener((javafx.collections.ListChangeListener<dev.finescope.ui.TunedModel>)
                c -> findBaseline());
        workspace.dataProperty().addListener((obs, old, data) -> findBaseline());
        workspaceBaseline.addListener((obs, old, b) -> compareRuns());
        selected.addListener((obs, old, item) -> redraw(true));
        smoothing.addListener((obs, old, w) -> redraw(true));
        refresher = new Timeline(new KeyFrame(REFRESH, e -> refresh()));
        refresher.setCycleCount(Animation.INDEFINITE);
        refresher.play();
        rediscover();
        findBaseline();
    }

    /**
     * The app's own settings that a run must share travel to the runs it starts: DJL's downloads and threads,
     * the cache folder (where the built-in base and base fingerprints are kept), and where the packaged app keeps
     * the native libraries it ships (its launcher sets them, see {@code jlink-config/README.md}).
     */
    static List<String> childJvmOptions() {
        List<String> out = new ArrayList<>();
        for (String key : INHERITED_PROPERTIES) {
            String value = System.getProperty(key);
            if (value != null) {
                out.add("-D" + key + "=" + value);
            }
        }
        return out;
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
        return launchBlocker;
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
        Plan p = plan.get();
        LaunchViewModel form = new LaunchViewModel(dialogs, p == null ? "" : p.name(), LaunchViewModel.sparsityOf(p));
        if (lastForm != null) {
            form.copyFrom(lastForm);
        } else {
            // the workspace's own task data, as it names it: a GLUE-layout folder or a table file
            Path data = workspace.dataProperty().get();
            if (data != null && java.nio.file.Files.isDirectory(data)) {
                form.dataKindProperty().set(DataSpec.Kind.GLUE);
                form.glueFolderProperty().set(data);
            } else if (data != null && java.nio.file.Files.isRegularFile(data)) {
                form.dataKindProperty().set(DataSpec.Kind.FILE);
                form.dataFileProperty().set(data);
            }
        }
        ModelFolder base = workspace.baseProperty().get();
        int positions = base == null ? 0 : Checkpoints.tokenPositions(base.weights());
        HyperParameters hp = form.hyperParametersProperty().get();
        if (positions > 0 && hp.maxLength() > positions) {
            form.hyperParametersProperty().set(hp.toBuilder().maxLength(positions).build());
        }
        return form;
    }

    /**
     * Writes the run's folder ({@code spec.json} with the plan inline) under the runs folder and starts
     * {@code finescope train} on it, in the background. What stops it (a missing base, data that is not
     * there, a plan that does not fit the base) is shown to the user in one message.
     */
    public void launch(LaunchViewModel form) {
        String blocker = launchBlocker.get();
        List<String> problems = form.problems();
        if (!blocker.isEmpty() || !problems.isEmpty()) {
            dialogs.showError("Cannot launch the run", blocker.isEmpty() ? String.join(" ", problems) : blocker);
            return;
        }
        lastForm = form;
        ModelFolder base = workspace.baseProperty().get();
        Plan p = plan.get();
        String name = uniqueName(form.runName(Instant.now()));
        Path output = RunFolder.newFolderPath(workspace.runsFolderProperty().get(), name, Instant.now());
        RunSpec spec = new RunSpec(name, base.path(), form.dataSpec(), PlanSource.of(p),
                form.hyperParametersProperty().get(), form.deviceProperty().get(), output);
        Task<RunItem> task = new Task<>() {
            @Override
            protected RunItem call() {
                LaunchCheck.require(LaunchCheck.of(spec, base));
                RunFolder folder = RunFolder.prepare(spec);
                RunItem item = new RunItem(folder.path(), name);
                item.setPlanName(p.name());
                item.attach(launcher.launch(folder, listenerFor(item)));
                return item;
            }
        };
        task.setOnSucceeded(e -> {
            RunItem item = task.getValue();
            item.processStarted();
            runs.add(0, item);
            selected.set(item);
        });
        task.setOnFailed(e -> {
            Throwable t = task.getException();
            LOGGER.warn("Launching {} failed: {}", output, t.getMessage());
            dialogs.showError("Cannot launch the run", t.getMessage());
        });
        executor.execute(task);
    }

    /** Hands what a run says, heard on the launcher's threads, to the FX thread. */
    private RunListener listenerFor(RunItem item) {
        return new RunListener() {
            @Override
            public void onEvent(RunEvent event) {
                Platform.runLater(() -> item.apply(event));
            }

            @Override
            public void onOutputLine(String line) {
                item.offerLogLine(line);
            }

            @Override
            public void onErrorLine(String line) {
                item.offerLogLine(line);
            }

            @Override
            public void onExit(RunExit exit) {
                Platform.runLater(() -> ended(item, exit));
            }
        };
    }

    /** The process of a run this app started has ended and everything it said has arrived. */
    private void ended(RunItem item, RunExit exit) {
        item.flush();
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
        long generation = ++discoveryGeneration;
        runs.removeIf(r -> !r.isOwn());
        if (!runs.contains(selected.get())) {
            selected.set(null);
        }
        Path folder = workspace.runsFolderProperty().get();
        if (folder == null) {
            return;
        }
        Task<List<RunItem>> task = new Task<>() {
            @Override
            protected List<RunItem> call() {
                List<RunItem> found = new ArrayList<>();
                for (RunFolder run : RunFolder.discover(folder)) {
                    found.add(readRun(run));
                }
                return found;
            }
        };
        task.setOnSucceeded(e -> {
            if (generation != discoveryGeneration) {
                return;
            }
            for (RunItem item : task.getValue()) {
                if (runs.stream().noneMatch(r -> r.folder().equals(item.folder()))) {
                    // runs of earlier versions may share a name: each is told apart by its own
                    item.rename(uniqueName(item.nameProperty().get()));
                    runs.add(item);
                }
            }
            compareRuns();
        });
        task.setOnFailed(e -> dialogs.showError("Cannot read the runs", task.getException().getMessage()));
        executor.execute(task);
    }

    /** A run as its folder tells it; off the FX thread, so the item is not shown yet. */
    private static RunItem readRun(RunFolder run) {
        String name;
        String planName = "";
        try {
            RunSpec spec = run.spec();
            name = spec.name();
            planName = spec.plan().inline() != null ? spec.plan().inline().name()
                    : String.valueOf(spec.plan().file().getFileName());
        } catch (RunException e) {
            LOGGER.warn("Run {}: {}", run.path(), e.getMessage());
            name = "";
        }
        EventReader reader = run.followEvents();
        RunItem item = new RunItem(run.path(), name);
        item.setPlanName(planName);
        item.apply(reader.poll());
        boolean ended = item.status().isTerminal();
        List<String> log = new ArrayList<>(reader.problems());
        log.addAll(run.logTail(LOG_TAIL));
        item.setLog(log);
        if (!ended && run.isProcessAlive()) {
            item.follow(reader);
        } else if (!ended) {
            item.endedWithoutAWord();
        }
        item.flush();
        return item;
    }

    /** Reads new events of runs of earlier sessions that still train. */
    private void followEarlierRuns() {
        List<RunItem> followed = runs.stream().filter(r -> r.follower() != null && r.status() == RunStatus.RUNNING)
                .toList();
        if (followed.isEmpty() || following) {
            return;
        }
        following = true;
        record Update(RunItem item, List<RunEvent> events, List<String> log, boolean alive) {
        }
        Task<List<Update>> task = new Task<>() {
            @Override
            protected List<Update> call() {
                List<Update> out = new ArrayList<>();
                for (RunItem r : followed) {
                    RunFolder run = RunFolder.open(r.folder());
                    List<RunEvent> events = r.follower().poll();
                    out.add(new Update(r, events, run.logTail(LOG_TAIL), run.isProcessAlive()));
                }
                return out;
            }
        };
        task.setOnSucceeded(e -> {
            following = false;
            for (Update u : task.getValue()) {
                u.item().apply(u.events());
                u.item().setLog(u.log());
                if (u.item().status() == RunStatus.RUNNING && !u.alive()) {
                    u.item().endedWithoutAWord();
                }
            }
            compareRuns();
        });
        task.setOnFailed(e -> {
            following = false;
            LOGGER.warn("Following runs of earlier sessions failed: {}", task.getException().getMessage());
        });
        executor.execute(task);
    }

    // ---- refreshing -------------------------------------------------------------------------------------

    private void refresh() {
        for (RunItem r : runs) {
            r.flush();
        }
        redraw(false);
        if (++ticks % FOLLOW_EVERY == 0) {
            followEarlierRuns();
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
        return workspaceBaseline;
    }

    /** Reads the workspace's baseline in the background; runs are compared with it once it is known. */
    private void findBaseline() {
        long generation = ++baselineGeneration;
        List<dev.finescope.ui.TunedModel> tuned = List.copyOf(workspace.getTunedModels());
        Path data = workspace.dataProperty().get();
        Task<Baseline> task = new Task<>() {
            @Override
            protected Baseline call() {
                return Baselines.find(tuned, data).orElse(null);
            }
        };
        task.setOnSucceeded(e -> {
            if (generation == baselineGeneration) {
                workspaceBaseline.set(task.getValue());
            }
        });
        executor.execute(task);
    }

    /** Compares every finished run with the best baseline known now. FX thread. */
    private void compareRuns() {
        Baseline b = workspaceBaseline.get();
        if (b == null || !b.description().equals(Baselines.HEAD_ONLY_BASELINE)) {
            // a head-only run of this workspace is a better baseline than the majority class
            b = runs.stream().filter(r -> r.status() == RunStatus.FINISHED && Baselines.isHeadOnly(r.planName()))
                    .filter(r -> r.finalMetrics().containsKey("accuracy")).findFirst()
                    .map(r -> new Baseline(Baselines.HEAD_ONLY_BASELINE, r.finalMetrics().get("accuracy")))
                    .orElse(b);
        }
        for (RunItem r : runs) {
            r.compareWith(Baselines.isHeadOnly(r.planName()) ? null : b);
        }
    }

    /** Stops refreshing; for a view model that is thrown away while the app goes on. */
    public void dispose() {
        refresher.stop();
    }
}
