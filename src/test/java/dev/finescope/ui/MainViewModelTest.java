package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.Analyzer;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.testing.RecordingDialogs;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import javafx.concurrent.Worker;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports, About, the start-up choice and cancellation, through the window's view model. */
class MainViewModelTest {

    @TempDir
    Path dir;

    private final UiFixtures.ScratchPreferences prefs = new UiFixtures.ScratchPreferences();
    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final MainViewModel vm = new MainViewModel(new Workspace(), UiExecutor.sameThread(), dialogs,
            prefs.preferences, ModelOpener.STANDARD, 2);

    @AfterEach
    void close() {
        vm.workspaceViewModel().closeWorkspace();
        prefs.close();
    }

    @Test
    void theRequestedWorkspaceOpensAtStartAndElseTheLastOne() {
        vm.openAtStart(Optional.of(UiFixtures.tinyWorkspace()), dir, null);
        assertEquals(3, vm.workspace().getTunedModels().size());

        MainViewModel again = new MainViewModel(new Workspace(), UiExecutor.sameThread(), dialogs, prefs.preferences,
                ModelOpener.STANDARD, 2);
        again.openAtStart(Optional.empty(), dir, null);
        assertEquals(3, again.workspace().getTunedModels().size(), "the last workspace opens again");
        again.workspaceViewModel().closeWorkspace();
    }

    @Test
    void aModelFolderNamedAtStartOpensAsTheBase() {
        vm.openAtStart(Optional.of(UiFixtures.tinyBase()), dir, null);
        assertEquals("base", vm.workspace().getBase().label());
    }

    @Test
    void theHeatmapExportsAsPngAndSvgWhereTheUserChooses() throws Exception {
        vm.openAtStart(Optional.of(UiFixtures.tinyWorkspace()), dir, null);
        Path png = dir.resolve("heat.png");
        dialogs.chosen.add(png);
        vm.exportFigure(vm.heatmap().figure());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());

        Path svg = dir.resolve("heat.svg");
        dialogs.chosen.add(svg);
        vm.exportFigure(vm.heatmap().figure());
        String text = Files.readString(svg, StandardCharsets.UTF_8);
        assertTrue(text.contains("relative L2 — fine-tuned vs base"));
        assertEquals(List.of(), dialogs.shown);
    }

    @Test
    void tablesExportAsCsvWithAnExtensionAdded() throws Exception {
        vm.openAtStart(Optional.of(UiFixtures.tinyWorkspace()), dir, null);
        dialogs.chosen.add(dir.resolve("grid"));
        vm.exportTable(vm.heatmap().table(), "heatmap");
        List<String> lines = Files.readAllLines(dir.resolve("grid.csv"));
        assertEquals("tuned,row,column,tensors,numel,rel_l2", lines.get(0));
        assertTrue(lines.get(1).startsWith("fine-tuned,embeddings,Word,bert.embeddings.word_embeddings.weight,"),
                lines.get(1));
    }

    @Test
    void nothingToExportIsSaidNotWritten() {
        vm.exportFigure(Optional.empty());
        assertEquals("No chart to export", dialogs.shown.get(0).title());
    }

    @Test
    void aCopiedChartArrivesAsAnImage() {
        vm.openAtStart(Optional.of(UiFixtures.tinyWorkspace()), dir, null);
        AtomicReference<BufferedImage> copied = new AtomicReference<>();
        vm.copyFigure(vm.heatmap().figure(), copied::set);
        assertEquals(900, copied.get().getWidth());
    }

    @Test
    void chartsExportAndCopyAtTheChosenScale() throws Exception {
        vm.openAtStart(Optional.of(UiFixtures.tinyWorkspace()), dir, null);
        vm.exportScaleProperty().set(4);
        Path png = dir.resolve("heat4.png");
        dialogs.chosen.add(png);
        vm.exportFigure(vm.heatmap().figure());
        assertEquals(4 * 900, ImageIO.read(png.toFile()).getWidth());
        AtomicReference<BufferedImage> copied = new AtomicReference<>();
        vm.exportScaleProperty().set(2);
        vm.copyFigure(vm.heatmap().figure(), copied::set);
        assertEquals(2 * 900, copied.get().getWidth());
    }

    @Test
    void aboutNamesTheVersionsAndTheDataSource() {
        vm.openAtStart(Optional.of(UiFixtures.tinyWorkspace()), dir, null);
        String about = vm.about();
        assertTrue(about.contains("DJL " + Versions.DJL), about);
        assertTrue(about.contains("Java " + System.getProperty("java.version")), about);
        assertTrue(about.contains("CC BY 4.0"), about);
        assertTrue(about.contains("Kotzias, Denil, de Freitas, Smyth"), about);
        assertTrue(about.contains("SOURCE.md"), "the workspace's own attribution file is quoted: " + about);
    }

    @Test
    void theHintStaysAwayOnceDismissedAndTheThemeIsRemembered() {
        assertTrue(vm.showHintProperty().get());
        vm.showHintProperty().set(false);
        vm.darkProperty().set(true);
        assertTrue(prefs.preferences.hintDismissed());
        assertTrue(prefs.preferences.dark());
        assertEquals(dev.finescope.chart.ChartStyle.DARK, vm.heatmap().styleProperty().get());
    }

    @Test
    void cancellingATaskStopsTheAnalysisItRuns() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        ProgressTask<Object> task = new ProgressTask<>("analysing") {
            @Override
            protected Object call() {
                cancel();
                try (ModelFolder b = Models.open(UiFixtures.tinyBase());
                        ModelFolder t = Models.open(UiFixtures.tinyTuned())) {
                    return new Analyzer(1).compare(b.weights(), "b", t.weights(), "t", NameMap.standard(),
                            progress());
                } catch (RuntimeException e) {
                    thrown.set(e);
                    throw e;
                }
            }
        };
        AtomicReference<Worker.State> state = new AtomicReference<>();
        task.setOnCancelled(e -> state.set(task.getState()));
        UiExecutor.sameThread().execute(task);
        assertTrue(thrown.get() instanceof CancellationException, String.valueOf(thrown.get()));
        assertEquals(Worker.State.CANCELLED, state.get());
        assertFalse(Progress.NONE.isCancelled());
    }
}
