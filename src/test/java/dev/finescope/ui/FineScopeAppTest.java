package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.ui.common.ChartPane;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.testing.ScratchPreferences;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Point2D;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.input.MouseEvent;
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
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real window, headless: it opens the tiny workspace, draws its heatmap, shows exact numbers under the
 * pointer, switches metric, and survives a malformed file.
 */
@ExtendWith(ApplicationExtension.class)
class FineScopeAppTest {

    /** Long enough for a loaded machine to open and analyse the tiny workspace. */
    private static final long WAIT_SECONDS = 60;
    private static final String NODE = "dev/finescope/test/app-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private MainWindow window;
    private final ModelComparison expected =
            UiFixtures.analyse(UiFixtures.tinyBase(), UiFixtures.tinyTuned(), "fine-tuned");

    @BeforeAll
    static void scratchPreferences() {
        ScratchPreferences.forTheApp(NODE);
    }

    @AfterAll
    static void removePreferences() throws Exception {
        ScratchPreferences.removeTheApps();
    }

    /** The last pointer event the window saw, for the message of a failed wait. */
    private volatile String lastMouse = "none";

    @Start
    void start(Stage stage) {
        window = new FineScopeApp().start(stage, Optional.of(UiFixtures.tinyWorkspace()));
        window.scene().addEventFilter(MouseEvent.ANY, e -> lastMouse = e.getEventType() + " at scene "
                + e.getSceneX() + "," + e.getSceneY() + " on " + e.getTarget());
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(window::close);
    }

    private void waitFor(String what, Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(WAIT_SECONDS, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("gave up waiting for " + what + " (hover text '" + hoverTextNow()
                    + "', windows " + Window.getWindows().stream().map(w -> w.getX() + "," + w.getY() + " "
                    + w.getWidth() + "x" + w.getHeight()).toList() + ", last pointer event " + lastMouse + ")", e);
        }
    }

    private ChartPane heatmap(FxRobot robot) throws Exception {
        waitFor("the heatmap", () -> robot.lookup("#heatmap-chart-0").tryQuery().isPresent());
        return robot.lookup("#heatmap-chart-0").queryAs(ChartPane.class);
    }

    /** Moves the pointer onto the centre of grid cell (row, column) of the first heatmap. */
    private static void hover(FxRobot robot, ChartPane pane, int row, int column) throws Exception {
        Point2D screen = WaitForAsyncUtils.asyncFx(() -> {
            java.awt.geom.Point2D p = pane.canvasPoint(column, row).orElseThrow();
            return pane.canvas().localToScreen(p.getX(), p.getY());
        }).get(WAIT_SECONDS, TimeUnit.SECONDS);
        robot.moveTo(screen);
    }

    private String hoverTextNow() {
        return window.scene().lookup("#hover-text") instanceof Label l ? l.getText() : "(none)";
    }

    private static String hoverText(FxRobot robot) {
        return robot.lookup("#hover-text").queryAs(Label.class).getText();
    }

    private double expected(Metric metric, GridRow row, GridColumn column) {
        return LayerGrid.of(expected, false).cell(row, column).map(metric::of).orElseThrow();
    }

    @Test
    void theTinyWorkspaceOpensWithAHeatmapCellForEveryAnalysedCell(FxRobot robot) throws Exception {
        ChartPane pane = heatmap(robot);
        LayerGrid grid = LayerGrid.of(expected, false);
        int cells = grid.rows().stream().mapToInt(r -> grid.cells(r).size()).sum();
        assertEquals(cells, pane.getChart().getXYPlot().getDataset().getItemCount(0));
        assertEquals("relative L2 — fine-tuned vs base", pane.getChart().getTitle().getText());
        assertTrue(robot.lookup("#heatmap-tuned").queryAs(ComboBox.class).getItems().size() == 3);
        assertEquals(List.of("Heatmap", "Ranking", "Histograms", "Plan", "What-if", "Runs"),
                window.tabs().getTabs().stream().map(t -> t.getText()).toList());
    }

    @Test
    void hoverShowsTheAnalysedValueAndFollowsTheMetric(FxRobot robot) throws Exception {
        ChartPane pane = heatmap(robot);
        hover(robot, pane, 2, 2);
        String relL2 = "relative L2 = " + Numbers.metric(expected(Metric.REL_L2, GridRow.layer(1), GridColumn.V));
        waitFor("the hover text", () -> hoverText(robot).contains(relL2));
        assertTrue(hoverText(robot).startsWith("layer 1 · attention · value — fine-tuned"), hoverText(robot));

        robot.clickOn("#heatmap-metric").clickOn("1 − cosine");
        waitFor("the cosine heatmap", () -> pane.getChart().getTitle().getText().startsWith("1 − cosine"));
        hover(robot, pane, 1, 0);
        String cosine = "cosine = " + Numbers.metric(expected(Metric.COSINE, GridRow.layer(0), GridColumn.Q));
        waitFor("the cosine hover text", () -> hoverText(robot).contains(cosine));
    }

    @Test
    void aMalformedFileShowsAnErrorNamingItAndTheAppKeepsWorking(FxRobot robot) throws Exception {
        ChartPane pane = heatmap(robot);
        Path bad = UiFixtures.truncatedSafetensors(dir);
        robot.interact(() -> window.viewModel().workspaceViewModel().open(List.of(bad)));
        waitFor("the error dialog", () -> robot.lookup("#error-dialog").tryQuery().isPresent());
        String message = robot.lookup("#dialog-message").queryAs(Label.class).getText();
        assertTrue(message.contains(bad.toString()), message);
        robot.clickOn("OK");

        hover(robot, pane, 1, 1);
        String k = "relative L2 = " + Numbers.metric(expected(Metric.REL_L2, GridRow.layer(0), GridColumn.K));
        waitFor("the hover text after the error", () -> hoverText(robot).contains(k));
        assertEquals(3, window.viewModel().workspace().getTunedModels().size());
    }
}
