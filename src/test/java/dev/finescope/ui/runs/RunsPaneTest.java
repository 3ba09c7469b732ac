package dev.finescope.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.OnFx;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.RecordingWorkspace;
import dev.finescope.ui.testing.TinyBert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The runs pane alone in a window, launching {@link FakeTrainer} runs through its dialog and cancelling one. */
@ExtendWith(ApplicationExtension.class)
class RunsPaneTest {

    private static final Duration PROCESS = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private final AtomicReference<String> mode = new AtomicReference<>("finish");
    private RecordingWorkspace workspace;
    private RecordingDialogs dialogs;
    private RunsViewModel vm;
    private ModelFolder base;

    @Start
    void start(Stage stage) {
        base = TinyBert.base();
        workspace = new RecordingWorkspace();
        workspace.baseProperty().set(base);
        workspace.runsFolderProperty().set(dir.resolve("runs-" + System.nanoTime()));
        dialogs = new RecordingDialogs();
        vm = new RunsViewModel(workspace, UiExecutor.sameThread(), dialogs, FakeTrainer.launcher(mode::get, 250));
        stage.setScene(new Scene(new RunsPane(vm), 1200, 720));
        stage.show();
    }

    @AfterEach
    void close() {
        OnFx.run(() -> {
            vm.cancelAll();
            vm.dispose();
        });
        base.close();
    }

    private RunItem firstRun() {
        OnFx.await("a run in the list", PROCESS, () -> !vm.runs().isEmpty());
        return OnFx.call(() -> vm.runs().get(0));
    }

    @Test
    void aRunLaunchedFromTheDialogShowsItsProgressThenFinishes(FxRobot robot) {
        dialogs.chosen.add(TinyBert.GLUE.toAbsolutePath());
        robot.clickOn("#launch");
        robot.clickOn("#choose-glue");
        assertEquals("", robot.lookup("#launch-problems").queryAs(Label.class).getText());
        robot.clickOn("#launch-ok");

        RunItem run = firstRun();
        OnFx.await("progress between the first and the last step", PROCESS,
                () -> run.progressProperty().get() > 0 && run.progressProperty().get() < 1);
        String running = OnFx.call(() -> robot.lookup("#run-status").queryAs(Label.class).getText());
        assertTrue(running.startsWith("running · step "), running);
        OnFx.await("the run to finish", PROCESS, () -> run.status() == RunStatus.FINISHED);
        OnFx.settle();
        String finished = robot.lookup("#run-status").queryAs(Label.class).getText();
        assertTrue(finished.startsWith("finished at step 6 · accuracy 0.7500\n"), finished);
        OnFx.await("the run to join the workspace", PROCESS, () -> !workspace.tunedModels.isEmpty());
        assertEquals(List.of(run.folder().resolve(RunFolder.OVERLAY_FILE)), OnFx.call(() -> workspace.tunedModels));
        @SuppressWarnings("unchecked")
        ListView<RunItem> list = robot.lookup("#runs").queryAs(ListView.class);
        assertEquals(1, list.getItems().size());
    }

    @Test
    void theCancelButtonStopsTheSelectedRun(FxRobot robot) {
        mode.set("slow");
        LaunchViewModel form = OnFx.call(() -> {
            LaunchViewModel f = vm.newLaunchForm();
            f.glueFolderProperty().set(TinyBert.GLUE);
            return f;
        });
        OnFx.run(() -> vm.launch(form));
        RunItem run = firstRun();
        OnFx.await("a first step", PROCESS, () -> !run.lossPoints().isEmpty());
        robot.clickOn("#cancel");
        OnFx.await("the run to be cancelled", PROCESS, () -> run.status() == RunStatus.CANCELLED);
        String status = robot.lookup("#run-status").queryAs(Label.class).getText();
        assertTrue(status.startsWith("cancelled at step "), status);
        assertTrue(robot.lookup("#cancel").query().isDisabled());
        assertEquals(List.of(), dialogs.errors);
    }

    @Test
    void theLaunchDialogNamesItsKnobsInWordsAndSaysWhyThereIsNoGpu(FxRobot robot) {
        robot.clickOn("#launch");
        java.util.Set<String> labels = robot.lookup("#hyper-parameters").lookup(".label").queryAllAs(Label.class)
                .stream().map(Label::getText).collect(java.util.stream.Collectors.toSet());
        for (String words : List.of("Maximum steps (0: no limit)", "Warm-up (share of steps, 0–1)",
                "Learning rate of the mask scores", "Batch size (examples per step)")) {
            assertTrue(labels.contains(words), words + " in " + labels);
        }
        for (String raw : List.of("maxSteps", "warmupRatio", "scoreLearningRate", "batchSize")) {
            assertTrue(!labels.contains(raw), raw + " shown raw in " + labels);
        }
        // the raw name stays one hover away
        org.controlsfx.control.PropertySheet sheet = robot.lookup("#hyper-parameters").queryAs(
                org.controlsfx.control.PropertySheet.class);
        String tip = sheet.getItems().stream().filter(i -> i.getName().startsWith("Maximum steps")).findFirst()
                .orElseThrow().getDescription();
        assertTrue(tip.contains("maxSteps in spec.json, --max-steps of finescope train"), tip);

        // this build has PyTorch's CPU library only: the GPU is there, disabled, with the reason beside it
        javafx.scene.control.ComboBox<?> device = robot.lookup("#device").queryAs(javafx.scene.control.ComboBox.class);
        assertEquals(dev.finescope.run.Device.AUTO, device.getValue());
        Label note = robot.lookup("#device-note").queryAs(Label.class);
        assertTrue(note.isVisible() && note.getText().contains("CPU library only"), note.getText());
        robot.clickOn("#device");
        javafx.scene.control.ListCell<?> gpu = robot.lookup(".list-cell").queryAllAs(javafx.scene.control.ListCell.class)
                .stream().filter(c -> "GPU (not available)".equals(c.getText())).findFirst().orElseThrow();
        assertTrue(gpu.isDisabled());
        robot.clickOn(gpu);
        assertEquals(dev.finescope.run.Device.AUTO, device.getValue());
        robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);
    }

    @Test
    void theLossCurveHasASmoothingControl(FxRobot robot) {
        javafx.scene.control.Slider smooth = robot.lookup("#loss-smoothing").queryAs(javafx.scene.control.Slider.class);
        assertEquals(0.0, smooth.getMin());
        assertEquals(0.99, smooth.getMax());
        assertEquals(0.6, smooth.getValue(), 1e-9);
        robot.interact(() -> smooth.setValue(0.9));
        assertEquals(0.9, OnFx.call(() -> vm.smoothingProperty().get()), 1e-9);
        assertEquals("0.90", robot.lookup("#loss-smoothing-value").queryAs(Label.class).getText());
    }
}
