package dev.finescope.ui.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.ui.UiExecutor;
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

    @Start
    void start(Stage stage) {
        base = TinyBert.base();
        RecordingWorkspace workspace = new RecordingWorkspace();
        workspace.baseProperty().set(base);
        PlanEditorPane pane = new PlanEditorPane(
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
        assertEquals("◐ 30%", robot.lookup("#cell-1-FFN-out").queryAs(PlanGrid.CellView.class).text());
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
}
