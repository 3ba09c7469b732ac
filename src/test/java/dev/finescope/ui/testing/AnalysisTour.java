package dev.finescope.ui.testing;

import static dev.finescope.ui.testing.Tours.await;
import static dev.finescope.ui.testing.Tours.fx;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.ui.FineScopeApp;
import dev.finescope.ui.HistogramsViewModel;
import dev.finescope.ui.MainWindow;
import dev.finescope.ui.WorkspaceFile;
import dev.finescope.ui.common.TunedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

/**
 * Walks the analysis tabs of the real window on the sample workspace (Heatmap, compare all, Ranking, Histograms,
 * and the head-only fine-tune whose encoder did not move) at one window size and theme, and writes a PNG of each
 * into OUT_FOLDER as {@code <tab>-<theme>.png}. Usage:
 * {@code xvfb-run -a -s '-screen 0 1920x1200x24' java -cp …
 * dev.finescope.ui.testing.AnalysisTour OUT_FOLDER [WIDTHxHEIGHT] [light|dark]}; without a size the window opens
 * at its default size.
 */
public final class AnalysisTour {

    private AnalysisTour() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/screens").toAbsolutePath();
        String size = args.length > 1 ? args[1] : "default";
        boolean dark = args.length > 2 && args[2].equals("dark");
        String theme = dark ? "dark" : "light";
        Files.createDirectories(out);
        // a scratch preferences node: the window opens at its default size, not at one a tour left behind
        String node = "dev/finescope/tour-" + java.util.UUID.randomUUID();
        System.setProperty(dev.finescope.ui.AppPreferences.NODE_PROPERTY, node);
        BuiltinBase.register();
        CompletableFuture<MainWindow> started = new CompletableFuture<>();
        Platform.startup(() -> {
            Stage stage = new Stage();
            MainWindow w = new FineScopeApp().start(stage, Optional.of(Path.of("sample-models").toAbsolutePath()));
            if (!size.equals("default")) {
                String[] wh = size.split("x");
                stage.setWidth(Double.parseDouble(wh[0]));
                stage.setHeight(Double.parseDouble(wh[1]));
            }
            w.viewModel().darkProperty().set(dark);
            w.viewModel().showHintProperty().set(false);
            started.complete(w);
        });
        MainWindow w = started.get(60, TimeUnit.SECONDS);
        int expected = WorkspaceFile.read(Path.of("sample-models/workspace.json").toAbsolutePath()).tuned().size();
        await("the heatmap", () -> w.viewModel().heatmap().pictureProperty().get() != null
                && w.viewModel().workspace().getTunedModels().size() == expected
                && w.viewModel().workspace().getComparisons().size() == expected);
        fx(() -> {
            w.viewModel().workspace().selectCell(GridRow.layer(4), GridColumn.V);
            return null;
        });
        Thread.sleep(2500);
        shot(w, out, "heatmap-" + theme);

        fx(() -> {
            w.viewModel().heatmap().compareAllProperty().set(true);
            return null;
        });
        Thread.sleep(4000);
        shot(w, out, "compare-all-" + theme);
        fx(() -> {
            w.viewModel().heatmap().compareAllProperty().set(false);
            w.tabs().getSelectionModel().select(1);
            return null;
        });
        Thread.sleep(2500);
        shot(w, out, "ranking-" + theme);

        fx(() -> {
            w.tabs().getSelectionModel().select(2);
            w.viewModel().histograms().scopeProperty().set(HistogramsViewModel.Scope.CELL);
            return null;
        });
        Thread.sleep(3000);
        shot(w, out, "histograms-" + theme);

        fx(() -> {
            TunedModel head = w.viewModel().workspace().getTunedModels().stream()
                    .filter(t -> t.label().equals("head only")).findFirst().orElseThrow();
            w.viewModel().workspace().selectedTunedProperty().set(head);
            return null;
        });
        Thread.sleep(3000);
        shot(w, out, "head-only-histograms-" + theme);
        fx(() -> {
            w.tabs().getSelectionModel().select(1);
            return null;
        });
        Thread.sleep(2500);
        shot(w, out, "head-only-ranking-" + theme);
        fx(() -> {
            w.tabs().getSelectionModel().select(0);
            return null;
        });
        Thread.sleep(2500);
        shot(w, out, "head-only-heatmap-" + theme);
        Platform.runLater(w::close);
        Thread.sleep(1000);
        java.util.prefs.Preferences.userRoot().node(node).removeNode();
        System.exit(0);
    }

    private static void shot(MainWindow w, Path out, String name) throws Exception {
        fx(() -> {
            ImageIO.write(SwingFXUtils.fromFXImage(w.scene().snapshot(null), null), "png",
                    out.resolve(name + ".png").toFile());
            return null;
        });
        System.out.println("wrote " + out.resolve(name + ".png"));
    }
}
