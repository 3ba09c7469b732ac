package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.checkpoint.overlay.BuiltinModels;
import dev.finescope.ui.testing.OnFx;
import dev.finescope.ui.testing.ScratchPreferences;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The first start on a machine whose cache folder is empty: the sample workspace waits for the built-in MiniLM to
 * be imported, a progress dialog says so and shows how far it is, closes by itself, and the heatmap follows; the
 * window keeps drawing frames all along.
 */
@ExtendWith(ApplicationExtension.class)
class FirstStartTest {

    /** Importing MiniLM (90 MB of ONNX) and analysing eight sample fine-tunes on two busy cores. */
    private static final Duration WAIT = Duration.ofSeconds(180);
    /**
     * Far above a frame or a garbage collection on a loaded machine, far below the import itself (seconds), which
     * is what the window would miss if the import ran on the FX thread.
     */
    private static final long LONGEST_STALL_MS = 2500;
    private static final String NODE = "dev/finescope/test/first-start-" + UUID.randomUUID();

    @TempDir
    static Path cache;

    private MainWindow window;
    private final List<Double> progress = new CopyOnWriteArrayList<>();
    private final AtomicLong lastFrame = new AtomicLong();
    private final AtomicLong longestStall = new AtomicLong();
    private AnimationTimer frames;

    @BeforeAll
    static void emptyCacheAndScratchPreferences() {
        assumeTrue(BuiltinBase.jar().isPresent(), "the MiniLM jar is not on the class path");
        ScratchPreferences.forTheApp(NODE);
        System.setProperty(UserDirectories.CACHE_PROPERTY, cache.toString());
        BuiltinBase.register();
    }

    @AfterAll
    static void restore() throws Exception {
        BuiltinModels.unregister(BuiltinBase.NAME);
        System.clearProperty(UserDirectories.CACHE_PROPERTY);
        ScratchPreferences.removeTheApps();
    }

    @Start
    void start(Stage stage) {
        frames = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long was = lastFrame.getAndSet(now);
                if (was != 0) {
                    longestStall.accumulateAndGet((now - was) / 1_000_000, Math::max);
                }
            }
        };
        frames.start();
        window = new FineScopeApp().start(stage, Optional.of(Path.of("sample-models").toAbsolutePath()));
        window.viewModel().baseImport().progressProperty().addListener((obs, was, now) ->
                progress.add(now.doubleValue()));
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(() -> {
            frames.stop();
            window.close();
        });
    }

    private static Optional<Window> importDialog() {
        return OnFx.call(() -> Window.getWindows().stream().filter(Window::isShowing)
                .filter(w -> w.getScene() != null && w.getScene().getRoot() != null
                        && "base-import-dialog".equals(w.getScene().getRoot().getId())).findFirst());
    }

    @Test
    void theSampleWorkspaceWaitsForTheImportBehindAProgressDialogThatClosesByItself(FxRobot robot) {
        BaseImportViewModel vm = window.viewModel().baseImport();
        OnFx.await("the import dialog", WAIT, () -> importDialog().isPresent() || !vm.runningProperty().get());
        assertTrue(importDialog().isPresent(), "the dialog is shown while the base imports");
        String headline = OnFx.call(() -> ((Label) importDialog().orElseThrow().getScene()
                .lookup("#base-import-headline")).getText());
        assertEquals("First start: importing the built-in base model all-MiniLM-L6-v2 into your cache folder.",
                headline);
        longestStall.set(0);

        OnFx.await("the import to end", WAIT, () -> !vm.runningProperty().get());
        long stall = longestStall.get();
        OnFx.await("the dialog to close", Duration.ofSeconds(10), () -> importDialog().isEmpty());
        assertTrue(progress.stream().anyMatch(p -> p > 0 && p < 1), "progress in between: " + progress);
        assertTrue(BuiltinBase.importedFolder().orElseThrow().startsWith(cache), "imported into the cache");
        assertTrue(stall < LONGEST_STALL_MS, "the window drew no frame for " + stall + " ms during the import");

        OnFx.await("the sample heatmap", WAIT, () -> robot.lookup("#heatmap-chart-0").tryQuery().isPresent());
        // the first model's heatmap comes first; the other seven join as they are analysed
        OnFx.await("all eight sample models", WAIT,
                () -> window.viewModel().workspace().getTunedModels().size() == 8);
        assertFalse(OnFx.call(() -> vm.runningProperty().get()));
    }
}
