package dev.finescope.ui;

import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FineScope desktop app. {@code --workspace PATH} (or {@code -Dfinescope.workspace=PATH}) opens a workspace
 * folder or a model folder at start; otherwise the last workspace, or the sample workspace on a first start.
 */
public final class FineScopeApp extends Application {

    /** The window's title before anything is open. */
    public static final String TITLE = "FineScope";
    /** The system property naming a workspace to open at start. */
    public static final String WORKSPACE_PROPERTY = "finescope.workspace";
    /**
     * The system property that makes the app close itself, with exit code 0, once the first heatmap is on screen:
     * the smoke test of a packaged build ({@code jlink-config/smoke-test.sh}) proves with it that the window came up
     * and drew.
     */
    public static final String SMOKE_TEST_PROPERTY = "finescope.smokeTest";

    private static final int MAX_EXIT_TRIES = 100;

    private static final Logger LOGGER = LoggerFactory.getLogger(FineScopeApp.class);

    private TaskTracker tracker;
    private StallMonitor stallMonitor;
    private MainWindow window;

    /** Opens the window and returns when it is closed. */
    public static void open() {
        Application.launch(FineScopeApp.class);
    }

    /** Opens the window with command-line arguments ({@code --workspace PATH}) and returns when it is closed. */
    public static void open(String... args) {
        Application.launch(FineScopeApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        BuiltinBase.register();
        List<String> raw = getParameters() == null ? List.of() : getParameters().getRaw();
        start(stage, requestedWorkspace(raw));
    }

    /** Builds and shows the window, then opens {@code workspace} (or what {@link MainViewModel} picks). */
    public MainWindow start(Stage stage, Optional<Path> workspace) {
        return start(stage, workspace, new FxDialogService(stage, AppPreferences.fromSystemProperty()));
    }

    /** As {@link #start(Stage, Optional)}, asking and telling the user through {@code dialogs}. */
    MainWindow start(Stage stage, Optional<Path> workspace, DialogService dialogs) {
        LOGGER.debug("JavaFX started {} ms after launch", sinceLaunch());
        tracker = new TaskTracker(UiExecutor.pooled("finescope-work", 3));
        Workspace model = new Workspace();
        int threads = workerThreads(Runtime.getRuntime().availableProcessors());
        MainViewModel vm = new MainViewModel(model, tracker, dialogs,
                AppPreferences.fromSystemProperty(), ModelOpener.STANDARD, threads);
        reportFirstHeatmap(vm, stage);
        Path here = Path.of("").toAbsolutePath();
        // a first start's import shows its dialog over the window, so the window comes first; otherwise the
        // workspace opens and analyses while the window is being built
        boolean importFirst = vm.startNeedsImport(workspace, here, jarFolder());
        if (!importFirst) {
            vm.openAtStart(workspace, here, jarFolder());
        }
        window = new MainWindow(stage, vm, tracker);
        window.setFolderOpener(folder -> getHostServices().showDocument(folder.toUri().toString()));
        window.show();
        LOGGER.info("window shown {} ms after launch", sinceLaunch());
        if (importFirst) {
            vm.openAtStart(workspace, here, jarFolder());
        }
        if (StallMonitor.requested()) {
            stallMonitor = new StallMonitor(tracker);
            stallMonitor.start();
        }
        return window;
    }

    @Override
    public void stop() {
        AppPreferences.fromSystemProperty().flush();
        if (tracker != null) {
            tracker.cancelAll();
        }
        if (stallMonitor != null) {
            stallMonitor.stop();
        }
    }

    /**
     * Threads for analysis and histograms: one core is left to the FX thread and the renderer, so that the window
     * keeps drawing frames while a model is analysed (the command line uses every core).
     */
    static int workerThreads(int cores) {
        return Math.max(1, cores - 1);
    }

    /**
     * The workspace named by {@code --workspace PATH} or {@code --workspace=PATH} (read as the command line reads
     * them), or by the system property.
     */
    static Optional<Path> requestedWorkspace(List<String> args) {
        Optional<Path> given = dev.finescope.common.AppArguments.appOnly(args.toArray(String[]::new));
        if (given != null && given.isPresent()) {
            return given;
        }
        return Optional.ofNullable(System.getProperty(WORKSPACE_PROPERTY)).filter(s -> !s.isBlank()).map(Path::of);
    }

    /**
     * Logs, once, how long after the JVM started the first heatmap was drawn: at the end of the layout pass after
     * its picture arrived, when the chart's canvas has been drawn and only the hand-over to the renderer is left.
     */
    private static void reportFirstHeatmap(MainViewModel vm, Stage stage) {
        vm.heatmap().pictureProperty().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends HeatmapViewModel.Picture> obs,
                    HeatmapViewModel.Picture was, HeatmapViewModel.Picture now) {
                if (now == null) {
                    return;
                }
                obs.removeListener(this);
                javafx.scene.Scene scene = stage.getScene();
                if (scene == null) {
                    Platform.runLater(() -> firstHeatmapDrawn(stage));
                    return;
                }
                scene.addPostLayoutPulseListener(new Runnable() {
                    @Override
                    public void run() {
                        scene.removePostLayoutPulseListener(this);
                        firstHeatmapDrawn(stage);
                    }
                });
            }
        });
    }

    private static void firstHeatmapDrawn(Stage stage) {
        LOGGER.info("first heatmap on screen {} ms after launch", sinceLaunch());
        dev.finescope.StartupClasses.firstHeatmapDrawn();
        if (Boolean.getBoolean(SMOKE_TEST_PROPERTY) || LOGGER.isDebugEnabled()) {
            LOGGER.info("start-up {}", StartupProfile.describe());
        }
        if (Boolean.getBoolean(SMOKE_TEST_PROPERTY)) {
            LOGGER.info("{}: closing after the first heatmap", SMOKE_TEST_PROPERTY);
            Platform.runLater(() -> exitClosingDialogs(stage, 0));
        }
    }

    /**
     * Ends the toolkit, first closing every window but {@code main}: a dialog open at that moment runs a nested
     * event loop, and ending the toolkit under one leaves the JVM hanging or aborting instead of exiting. Each
     * closed dialog's loop unwinds before the next try; after {@code MAX_EXIT_TRIES} tries it exits regardless.
     */
    static void exitClosingDialogs(Window main, int tries) {
        if (Platform.isNestedLoopRunning() && tries < MAX_EXIT_TRIES) {
            for (Window w : List.copyOf(Window.getWindows())) {
                if (w != main && w.isShowing()) {
                    LOGGER.info("{}: closing an open dialog ({})", SMOKE_TEST_PROPERTY,
                            w instanceof Stage st ? st.getTitle() : w.getClass().getSimpleName());
                    w.hide();
                }
            }
            Platform.runLater(() -> exitClosingDialogs(main, tries + 1));
            return;
        }
        Platform.exit();
    }

    private static long sinceLaunch() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    private static Path jarFolder() {
        try {
            Path code = Path.of(FineScopeApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(code) ? code.getParent() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
