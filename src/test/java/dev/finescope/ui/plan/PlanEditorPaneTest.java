package dev.finescope.ui.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.RecordingWorkspace;
import dev.finescope.ui.testing.TinyBert;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The plan editor alone in a window on the tiny fixture (23,586 parameters; a 32 × 32 matrix with its bias is
 * 1,056 of them, the embeddings row 5,376), driven by mouse and keyboard.
 */
@ExtendWith(ApplicationExtension.class)
class PlanEditorPaneTest {

    private ModelFolder base;
    private PlanEditorPane pane;

    @Start
    void start(Stage stage) {
        base = TinyBert.base();
        RecordingWorkspace workspace = new RecordingWorkspace();
        workspace.baseProperty().set(base);
        pane = new PlanEditorPane(
                new PlanEditorViewModel(workspace, UiExecutor.sameThread(), new RecordingDialogs()));
        stage.setScene(new Scene(pane, 1300, 560));
        stage.show();
    }

    @AfterEach
    void close() {
        base.close();
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    @Test
    void clickingCellsAndHeadersChangesTheCostAndCtrlZTakesItBack(FxRobot robot) {
        assertEquals("23,586 of 23,586 (100%)", text(robot, "#trainable"));
        robot.clickOn("#tool-freeze").clickOn("#cell-0-Q");
        assertEquals("22,530 of 23,586 (95.5%)", text(robot, "#trainable"));
        assertEquals("○ frozen", robot.lookup("#cell-0-Q").queryAs(PlanGrid.CellView.class).text());
        robot.clickOn("#row-embeddings");
        assertEquals("17,154 of 23,586 (72.7%)", text(robot, "#trainable"));
        robot.push(KeyCode.CONTROL, KeyCode.Z);
        assertEquals("22,530 of 23,586 (95.5%)", text(robot, "#trainable"));
    }

    @Test
    void draggingPaintsEveryCellItCrosses(FxRobot robot) {
        robot.clickOn("#tool-freeze");
        robot.drag("#cell-1-Q", MouseButton.PRIMARY).moveTo("#cell-1-K").moveTo("#cell-1-V").drop();
        assertEquals("20,418 of 23,586 (86.6%)", text(robot, "#trainable"));
    }

    @Test
    void theSparsifyToolMasksACellAtTheSlidersShare(FxRobot robot) {
        robot.clickOn("#tool-sparsify").clickOn("#cell-1-FFN-out");
        PlanGrid.CellView cell = robot.lookup("#cell-1-FFN-out").queryAs(PlanGrid.CellView.class);
        assertEquals("◐ 30 %", cell.text());
        assertEquals(0.3, cell.gaugeShare());
        // round(0.3 · 2048) = 614 zeros.
        assertEquals("614 of 2,048 masked entries", text(robot, "#zeroed"));
    }
    @Test
    void aCellMakesItsTooltipWhenThePointerFirstComesOverIt(FxRobot robot) {
        PlanGrid.CellView cell = robot.lookup("#cell-0-V").queryAs(PlanGrid.CellView.class);
        assertEquals(null, cell.getProperties().get("javafx.scene.control.Tooltip"));
        String expected = "layer 0 · attention · value (32 × 32, attention.self.value)\nFine-tuned: every entry trains.";
        assertEquals(expected, cell.tooltipText());
        robot.moveTo("#cell-0-V");
        javafx.scene.control.Tooltip tip = (javafx.scene.control.Tooltip) cell.getProperties()
                .get("javafx.scene.control.Tooltip");
        assertEquals(expected, tip.getText());
        robot.clickOn("#tool-freeze").clickOn("#cell-0-V");
        assertEquals("layer 0 · attention · value (32 × 32, attention.self.value)\nFrozen: keeps its pre-trained "
                + "values.", tip.getText());
    }

    @Test
    void aSparsifiedCellShowsItsOwnLevelInWordsAndAsABar(FxRobot robot) {
        robot.clickOn("#tool-sparsify").clickOn("#cell-1-FFN-out");
        // the slider acts on the cells just painted: another is painted, then masked at 70 %
        robot.clickOn("#tool-fine-tune").clickOn("#cell-0-K");
        robot.interact(() -> pane.viewModel().sparsityPercentProperty().set(70));
        PlanGrid.CellView thirty = robot.lookup("#cell-1-FFN-out").queryAs(PlanGrid.CellView.class);
        PlanGrid.CellView seventy = robot.lookup("#cell-0-K").queryAs(PlanGrid.CellView.class);
        assertEquals("◐ 30 %", thirty.text());
        assertEquals("◐ 70 %", seventy.text());
        javafx.scene.Node bar30 = thirty.lookup(".sparsity-gauge");
        javafx.scene.Node bar70 = seventy.lookup(".sparsity-gauge");
        assertEquals(Math.round(0.3 * thirty.getWidth()), bar30.getLayoutBounds().getWidth(), 0.5);
        assertEquals(Math.round(0.7 * seventy.getWidth()), bar70.getLayoutBounds().getWidth(), 0.5);
        PlanGrid.CellView trained = robot.lookup("#cell-0-Q").queryAs(PlanGrid.CellView.class);
        assertEquals(0.0, trained.gaugeShare());
    }

    @Test
    void toolbarSeparatorsStandUpright(FxRobot robot) {
        java.util.Set<javafx.scene.control.Separator> separators = robot.lookup(".tool-bar .separator")
                .queryAllAs(javafx.scene.control.Separator.class);
        assertEquals(5, separators.size());
        for (javafx.scene.control.Separator s : separators) {
            assertEquals(javafx.geometry.Orientation.VERTICAL, s.getOrientation());
            org.junit.jupiter.api.Assertions.assertTrue(s.getHeight() > s.getWidth(), s + " is "
                    + s.getWidth() + " × " + s.getHeight());
        }
    }

    @Test
    void runThisPlanOpensWhatTheShellGaveIt(FxRobot robot) {
        javafx.scene.control.Button run = robot.lookup("#run-plan").queryButton();
        assertEquals("Run this plan…", run.getText());
        org.junit.jupiter.api.Assertions.assertTrue(run.isDisabled(), "nothing to run it with yet");
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        robot.interact(() -> pane.setRunAction(runs::incrementAndGet));
        robot.clickOn("#run-plan");
        assertEquals(1, runs.get());
    }

    @Test
    void theHeadOnlyPresetFreezesEveryMatrix(FxRobot robot) {
        robot.clickOn("#presets").clickOn("Head only (the baseline)");
        assertEquals("head only", pane.viewModel().planProperty().get().name());
        for (String id : java.util.List.of("#cell-0-Q", "#cell-1-FFN-out", "#cell-embeddings-Word")) {
            String text = robot.lookup(id).queryAs(PlanGrid.CellView.class).text();
            org.junit.jupiter.api.Assertions.assertTrue(text.endsWith("○ frozen"), id + ": " + text);
        }
    }
}
