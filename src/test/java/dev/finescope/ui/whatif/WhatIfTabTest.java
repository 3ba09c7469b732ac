package dev.finescope.ui.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.ui.FineScopeApp;
import dev.finescope.ui.MainWindow;
import dev.finescope.ui.common.ChartPane;
import dev.finescope.ui.testing.ScratchPreferences;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
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
 * The real window, headless, on a workspace of the tiny classifier (2 layers) and its 12 dev sentences: open the
 * What-if tab, ask for a small sweep by typing into its fields, run it, and see the heatmap of the sweep with one
 * cell per encoder matrix.
 */
@ExtendWith(ApplicationExtension.class)
class WhatIfTabTest {

    /** Long enough for a loaded machine to open the model and run 24 tiny evaluations. */
    private static final long WAIT_SECONDS = 90;
    private static final String NODE = "dev/finescope/test/whatif-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private MainWindow window;

    @BeforeAll
    static void scratchPreferences() {
        ScratchPreferences.forTheApp(NODE);
    }

    @AfterAll
    static void removePreferences() throws Exception {
        ScratchPreferences.removeTheApps();
    }

    @Start
    void start(Stage stage) throws IOException {
        window = new FineScopeApp().start(stage, Optional.of(WhatIfFixtures.tinyWorkspace(dir)));
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(window::close);
    }

    private static void waitFor(String what, Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(WAIT_SECONDS, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("gave up waiting for " + what, e);
        }
    }

    private static void replaceText(FxRobot robot, javafx.scene.Node field, String text) {
        robot.clickOn(field).push(KeyCode.CONTROL, KeyCode.A).write(text);
    }

    @Test
    void aSmallSweepShowsItsHeatmapWithOneCellPerEncoderMatrix(FxRobot robot) throws Exception {
        robot.clickOn("#tab-what-if");
        waitFor("the tiny classifier in the model chooser",
                () -> robot.lookup("#whatif-model").queryAs(ComboBox.class).getValue() != null);
        assertEquals("tiny classifier", robot.lookup("#whatif-model").queryAs(ComboBox.class).getValue().toString());

        Spinner<?> examples = robot.lookup("#whatif-examples").queryAs(Spinner.class);
        replaceText(robot, examples.getEditor(), "6");
        robot.push(KeyCode.ENTER);
        assertEquals(6, window.viewModel().whatIf().maxExamplesProperty().get());

        robot.clickOn("#whatif-page-sweep");
        replaceText(robot, robot.lookup("#sweep-sparsities").query(), "20, 60");
        robot.clickOn("#sweep-run");

        waitFor("the finished sweep", () -> {
            SweepViewModel.SweepPicture p = window.viewModel().whatIf().sweep().sweepPictureProperty().get();
            return p != null && p.result().complete() && !window.viewModel().whatIf().busyBinding().get();
        });
        WaitForAsyncUtils.waitForFxEvents();
        ChartPane heatmap = robot.lookup("#sweep-heatmap").queryAs(ChartPane.class);
        XYPlot grid = (XYPlot) heatmap.getChart().getPlot();
        assertEquals(2 * 6, grid.getDataset().getItemCount(0), "two layers of six matrices");
        assertTrue(heatmap.getChart().getTitle().getText().startsWith("accuracy, each matrix pruned to 60 %"),
                heatmap.getChart().getTitle().getText());
        ChartPane curves = robot.lookup("#sweep-curves").queryAs(ChartPane.class);
        XYPlot curvePlot = (XYPlot) ((CombinedDomainXYPlot) curves.getChart().getPlot()).getSubplots().get(0);
        assertEquals(2, curvePlot.getDataset().getSeriesCount(), "one curve per layer");
        String session = robot.lookup("#whatif-session").queryAs(Label.class).getText();
        assertTrue(session.contains("6 examples"), session);
        String note = robot.lookup("#sweep-note").queryAs(Label.class).getText();
        assertTrue(note.startsWith("24 points · complete"), note);
        assertTrue(Files.isRegularFile(window.viewModel().whatIf().sweep().sweepCsvProperty().get()));

        // the pointer over layer 1 · FFN-in: the hover names the cell, its change and whether that is noise
        java.awt.geom.Point2D cell = heatmap.canvasPoint(4, 1).orElseThrow();
        robot.moveTo(heatmap.canvas().localToScreen(cell.getX(), cell.getY()));
        WaitForAsyncUtils.waitForFxEvents();
        Label hover = robot.lookup("#sweep-hover").queryAs(Label.class);
        String text = hover.getText();
        assertTrue(text.startsWith("layer 1 · FFN-in pruned to 60 %: accuracy "), text);
        assertTrue(text.endsWith("within noise") || text.contains("beyond noise") || text.endsWith("changed"), text);
        assertTrue(hover.isWrapText() && hover.getHeight() >= hover.prefHeight(hover.getWidth()) - 0.5,
                "the whole hover text is shown: " + hover.getHeight() + " px for " + text);
        assertTrue(curves.getChart().getLegend().isVisible(), "the curves have a legend");
        assertEquals(3, curves.getChart().getPlot().getLegendItems().getItemCount(), "two layers and the unpruned line");
        assertTrue(window.viewModel().whatIf().sweep().sweepCsvProperty().get()
                .startsWith(dev.finescope.checkpoint.UserDirectories.workspaceOutputs(dir, "whatif")));
    }

    private void openTheTabOnSixExamples(FxRobot robot) throws Exception {
        robot.clickOn("#tab-what-if");
        waitFor("the tiny classifier in the model chooser",
                () -> robot.lookup("#whatif-model").queryAs(ComboBox.class).getValue() != null);
        Spinner<?> examples = robot.lookup("#whatif-examples").queryAs(Spinner.class);
        replaceText(robot, examples.getEditor(), "6");
        robot.push(KeyCode.ENTER);
    }

    @Test
    void theEstimateFillsTheSweepsGridAsAnEstimateAndTheHoverSaysSo(FxRobot robot) throws Exception {
        openTheTabOnSixExamples(robot);
        robot.clickOn("#whatif-page-sweep");
        replaceText(robot, robot.lookup("#sweep-sparsities").query(), "20, 60");
        robot.clickOn("#sweep-estimate");
        waitFor("the estimate", () -> window.viewModel().whatIf().sweep().estimate().pictureProperty().get() != null
                && !window.viewModel().whatIf().busyBinding().get());
        WaitForAsyncUtils.waitForFxEvents();
        CheckBox shown = robot.lookup("#sweep-show-estimate").queryAs(CheckBox.class);
        assertTrue(shown.isSelected() && !shown.isDisabled());
        ChartPane heatmap = robot.lookup("#sweep-heatmap").queryAs(ChartPane.class);
        String title = heatmap.getChart().getTitle().getText();
        assertTrue(title.startsWith("ESTIMATED loss change at 60 % (not measured)"), title);
        assertEquals(2 * 6, ((XYPlot) heatmap.getChart().getPlot()).getDataset().getItemCount(0));
        java.awt.geom.Point2D cell = heatmap.canvasPoint(4, 1).orElseThrow();
        robot.moveTo(heatmap.canvas().localToScreen(cell.getX(), cell.getY()));
        WaitForAsyncUtils.waitForFxEvents();
        String text = robot.lookup("#sweep-hover").queryAs(Label.class).getText();
        assertTrue(text.startsWith("layer 1 · FFN-in pruned to 60 %: estimated loss change ")
                && text.endsWith("an estimate, not measured"), text);
        robot.clickOn(shown);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(null, heatmap.getChart(), "no measured sweep yet: unticked, the heatmap is empty");
    }

    @Test
    void representationsCompareTheModelWithItsBaseLayerByLayer(FxRobot robot) throws Exception {
        openTheTabOnSixExamples(robot);
        robot.clickOn("#whatif-page-representations");
        Spinner<?> sentences = robot.lookup("#cka-sentences").queryAs(Spinner.class);
        replaceText(robot, sentences.getEditor(), "6");
        robot.push(KeyCode.ENTER);
        robot.clickOn("#cka-compare");
        waitFor("the comparison", () -> window.viewModel().whatIf().representations().pictureProperty().get() != null
                && window.viewModel().whatIf().representations().taskProperty().get() == null);
        WaitForAsyncUtils.waitForFxEvents();
        ChartPane chart = robot.lookup("#cka-chart").queryAs(ChartPane.class);
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getChart().getPlot();
        assertEquals(2, plot.getSubplots().size(), "CKA above the weights");
        XYPlot cka = (XYPlot) plot.getSubplots().get(0);
        assertEquals(2, cka.getDataset().getSeriesCount(), "[CLS] and the mean over tokens");
        assertEquals(3, cka.getDataset().getItemCount(1), "the embeddings and both layers");
        assertEquals(6, window.viewModel().whatIf().representations().pictureProperty().get().result().examples());
    }
}
