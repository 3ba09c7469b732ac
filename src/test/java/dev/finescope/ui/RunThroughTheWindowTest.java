package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.runs.RunItem;
import dev.finescope.ui.testing.OnFx;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.ScratchPreferences;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.stage.Stage;
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
 * The real window launching real runs: a person picks a plan preset, opens the launch dialog, chooses the task
 * data and a short schedule, and launches; {@code finescope train --events stdout} starts as a process of its
 * own on this JVM's java and class path, trains the tiny BERT of {@code fixtures/train} and reports back. One run
 * finishes and joins the workspace; another is cancelled from its button.
 */
@ExtendWith(ApplicationExtension.class)
class RunThroughTheWindowTest {

    /** Starting a JVM and the training engine on two busy cores, then a few steps of a tiny model. */
    private static final Duration PROCESS = Duration.ofSeconds(120);
    private static final String NODE = "dev/finescope/test/runs-" + UUID.randomUUID();
    /** The tiny BERT that training tests use (2 layers, hidden 32, 64 positions, a 104-word vocabulary). */
    private static final Path TINY_BASE = Path.of("src/test/resources/fixtures/train/tiny").toAbsolutePath();
    /** Its task in SST-2 layout: 32 training and 12 dev sentences whose words are all in its vocabulary. */
    private static final Path TINY_TASK = Path.of("src/test/resources/fixtures/train/tiny-task").toAbsolutePath();

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private MainWindow window;
    /** The window's own dialogs, except that file and folder choosers answer with the paths queued here. */
    private RecordingDialogs dialogs;

    @BeforeAll
    static void scratchSettings() {
        ScratchPreferences.forTheApp(NODE);
        System.setProperty(UserDirectories.CACHE_PROPERTY, shared.resolve("cache").toString());
    }

    @AfterAll
    static void removeSettings() throws Exception {
        ScratchPreferences.removeTheApps();
        System.clearProperty(UserDirectories.CACHE_PROPERTY);
    }

    @Start
    void start(Stage stage) throws Exception {
        Path workspace = dir.resolve("workspace");
        Files.createDirectories(workspace);
        Files.writeString(workspace.resolve(WorkspaceFile.FILE_NAME), "{\"base\": \""
                + TINY_BASE.toString().replace("\\", "\\\\") + "\", \"tuned\": [], \"runs\": \"runs\"}");
        dialogs = new RecordingDialogs(new FxDialogService(stage));
        window = new FineScopeApp().start(stage, Optional.of(workspace), dialogs);
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(() -> {
            window.runsViewModel().cancelAll();
            window.runsViewModel().dispose();
            window.close();
        });
    }

    @SuppressWarnings("unchecked")
    private static ListView<RunItem> runs(FxRobot robot) {
        return robot.lookup("#runs").queryAs(ListView.class);
    }

    private void baseOpened() {
        OnFx.await("the tiny base to open", PROCESS, () -> window.viewModel().workspace().getBase() != null);
    }

    private static void tab(FxRobot robot, String name) {
        robot.clickOn(robot.from(robot.lookup("#main-tabs").queryAs(Node.class)).lookup(".tab-label")
                .match((Label l) -> l.getText().equals(name)).queryAs(Label.class));
    }

    /** Picks the preset whose menu text starts with {@code start} from the plan editor's preset menu. */
    private static void preset(FxRobot robot, String start) {
        MenuButton presets = robot.lookup("#presets").queryAs(MenuButton.class);
        String text = OnFx.call(() -> presets.getItems().stream().map(MenuItem::getText)
                .filter(t -> t.startsWith(start)).findFirst().orElseThrow());
        robot.clickOn(presets).clickOn(text);
    }

    /** Types {@code value} into the hyper-parameter sheet's field of {@code knob}. */
    private static void knob(FxRobot robot, String knob, String value) {
        Label label = robot.lookup("#hyper-parameters .label").match((Label l) -> knob.equals(l.getText()))
                .queryAs(Label.class);
        GridPane grid = (GridPane) label.getParent();
        Integer row = GridPane.getRowIndex(label);
        TextField field = (TextField) OnFx.call(() -> grid.getChildren().stream()
                .filter(n -> n != label && row.equals(GridPane.getRowIndex(n)))
                .map(RunThroughTheWindowTest::textField).filter(f -> f != null).findFirst().orElseThrow());
        OnFx.run(() -> reveal(field));
        robot.doubleClickOn(field).press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL)
                .write(value);
        try {
            OnFx.await(knob + " to read " + value, Duration.ofSeconds(10), () -> field.getText().equals(value));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it reads '" + field.getText() + "', focused "
                    + field.isFocused() + ", bounds " + OnFx.call(() -> field.localToScreen(field.getBoundsInLocal())), e);
        }
    }

    /** Scrolls the scroll pane holding {@code node} so that the node is in view, as a person would. */
    private static void reveal(Node node) {
        Node n = node.getParent();
        while (n != null && !(n instanceof ScrollPane)) {
            n = n.getParent();
        }
        if (n instanceof ScrollPane pane) {
            double content = pane.getContent().getLayoutBounds().getHeight();
            double view = pane.getViewportBounds().getHeight();
            double y = pane.getContent().sceneToLocal(node.localToScene(node.getLayoutBounds())).getMinY();
            if (content > view) {
                pane.setVvalue(Math.max(0, Math.min(1, (y - view / 3) / (content - view))));
                pane.layout();
            }
        }
    }

    private static TextField textField(Node n) {
        if (n instanceof TextField f) {
            return f;
        }
        return n instanceof javafx.scene.Parent p ? p.getChildrenUnmodifiable().stream()
                .map(RunThroughTheWindowTest::textField).filter(f -> f != null).findFirst().orElse(null) : null;
    }

    /**
     * Opens the launch dialog, chooses the tiny task's folder and the knobs (sentences of the tiny task fit in 32
     * tokens, and the tiny model has only 64 positions), and launches.
     */
    private void launch(FxRobot robot, String knob, String value) {
        dialogs.chosen.add(TINY_TASK);
        tab(robot, "Runs");
        robot.clickOn("#launch");
        robot.clickOn("#choose-glue");
        knob(robot, "Maximum length (tokens per example)", "32");
        knob(robot, knob, value);
        assertEquals("", robot.lookup("#launch-problems").queryAs(Label.class).getText());
        robot.clickOn("#launch-ok");
    }

    private static RunItem firstRun(FxRobot robot) {
        OnFx.await("a run in the list", PROCESS, () -> !runs(robot).getItems().isEmpty());
        return OnFx.call(() -> runs(robot).getItems().get(0));
    }

    private static String status(FxRobot robot) {
        return OnFx.call(() -> robot.lookup("#run-status").queryAs(Label.class).getText());
    }

    @Test
    void aRunLaunchedThroughTheWindowReportsItsStepsFinishesAndJoinsTheWorkspace(FxRobot robot) {
        baseOpened();
        tab(robot, "Plan");
        preset(robot, "Sparsify every encoder matrix");
        launch(robot, "Maximum steps (0: no limit)", "2");

        RunItem run = firstRun(robot);
        List<Double> progress = Collections.synchronizedList(new ArrayList<>());
        OnFx.run(() -> run.progressProperty().addListener((obs, old, p) -> progress.add(p.doubleValue())));
        OnFx.await("the run to finish", PROCESS, () -> run.status() != RunStatus.RUNNING);
        assertEquals(RunStatus.FINISHED, run.status(), () -> OnFx.call(() -> run.logTextProperty().get()));
        assertTrue(progress.stream().anyMatch(p -> p > 0), "progress arrived: " + progress);
        assertEquals(2, OnFx.call(() -> run.lossPoints().size()), "one loss point a step");
        OnFx.settle();
        String finished = status(robot);
        assertTrue(finished.startsWith("finished at step 2 · "), finished);
        String name = OnFx.call(() -> run.nameProperty().get());
        OnFx.await("the finished run in the workspace tree", Duration.ofSeconds(10), () -> robot
                .lookup("#workspace-tree .tree-cell").queryAllAs(javafx.scene.control.TreeCell.class).stream()
                .anyMatch(c -> ("✓ " + name).equals(c.getText())));

        Path overlay = run.folder().resolve(RunFolder.OVERLAY_FILE);
        OnFx.await("the run to join the workspace", PROCESS, () -> window.viewModel().workspace().getTunedModels()
                .stream().anyMatch(t -> t.path().equals(overlay)));
        // runs are kept in the user's data folder, one folder per workspace, never in the workspace itself
        assertTrue(run.folder().startsWith(
                dev.finescope.checkpoint.UserDirectories.workspaceOutputs(dir.resolve("workspace"), "runs")),
                run.folder().toString());

        // the sparsified result's learned mask scores, one tab away
        String label = OnFx.call(() -> window.viewModel().workspace().getTunedModels().stream()
                .filter(t -> t.path().equals(overlay)).findFirst().orElseThrow().label());
        tab(robot, "Heatmap");
        choose(robot, "#heatmap-tuned", label);
        tab(robot, "Histograms");
        choose(robot, "#histograms-view", HistogramsViewModel.View.MASK_SCORES.toString());
        choose(robot, "#histograms-scope", HistogramsViewModel.Scope.MODEL.toString());
        HistogramsViewModel histograms = window.viewModel().histograms();
        OnFx.await("the mask scores' histogram", PROCESS, () -> histograms.resultProperty().get() != null);
        String title = OnFx.call(() -> histograms.resultProperty().get().chart().getTitle().getText());
        assertTrue(title.startsWith("mask scores of sparsified matrices — the whole model — "), title);
    }

    /** Opens the combo box {@code id} and clicks its entry {@code text}. */
    private static void choose(FxRobot robot, String id, String text) {
        robot.clickOn(id);
        robot.clickOn(robot.lookup(".combo-box-popup .list-cell").match((javafx.scene.control.ListCell<?> c) ->
                text.equals(c.getText())).queryAs(Node.class));
    }

    @Test
    void aRunCancelledThroughTheWindowIsMarkedCancelled(FxRobot robot) {
        baseOpened();
        launch(robot, "Epochs (passes over the data)", "1000");

        RunItem run = firstRun(robot);
        OnFx.await("a first step", PROCESS, () -> !run.lossPoints().isEmpty() || run.status() != RunStatus.RUNNING);
        assertEquals(RunStatus.RUNNING, run.status(), () -> OnFx.call(() -> run.logTextProperty().get()));
        OnFx.await("the run in the status bar", PROCESS, () -> window.statusBar().entries().stream()
                .anyMatch(e -> e.text().get().contains(": step ")));
        robot.clickOn("#cancel");
        OnFx.await("the run to be cancelled", PROCESS, () -> run.status() != RunStatus.RUNNING);
        assertEquals(RunStatus.CANCELLED, run.status(), () -> OnFx.call(() -> run.logTextProperty().get()));
        OnFx.settle();
        String cancelled = status(robot);
        assertTrue(cancelled.startsWith("cancelled at step "), cancelled);
        String name = OnFx.call(() -> run.nameProperty().get());
        OnFx.await("the cancelled run in the workspace tree", Duration.ofSeconds(10), () -> robot
                .lookup("#workspace-tree .tree-cell").queryAllAs(javafx.scene.control.TreeCell.class).stream()
                .anyMatch(c -> ("■ " + name + " (cancelled)").equals(c.getText())));
        assertTrue(robot.lookup("#cancel").query().isDisabled());
        OnFx.await("the status bar to let the run go", Duration.ofSeconds(10),
                () -> window.statusBar().entries().stream().noneMatch(e -> e.text().get().startsWith("▶ ")));
        assertTrue(Files.notExists(run.folder().resolve(RunFolder.OVERLAY_FILE)), "a cancelled run leaves no overlay");
        assertEquals(List.of(), OnFx.call(() -> window.viewModel().workspace().getTunedModels()));
    }
}
