package dev.finescope.ui.testing;

import static dev.finescope.ui.testing.Tours.await;
import static dev.finescope.ui.testing.Tours.fx;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.run.HyperParameters;
import dev.finescope.ui.FineScopeApp;
import dev.finescope.ui.HistogramsViewModel;
import dev.finescope.ui.MainWindow;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.runs.LaunchViewModel;
import dev.finescope.ui.runs.RunItem;
import dev.finescope.ui.whatif.WhatIfPane;
import dev.finescope.ui.whatif.WhatIfViewModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the real window through its main screens on the sample workspace and writes a PNG of each (the scene as
 * drawn, and with {@code DISPLAY} set the whole screen through ImageMagick's {@code import}): the heatmap with a
 * selected cell, the histograms of a change, the plan editor with its cost, a what-if sensitivity sweep in the
 * light and the dark theme, and a run training with its live curves. Usage, on a machine without a display:
 * {@code xvfb-run -a -s '-screen 0 1600x1000x24' java -cp … dev.finescope.ui.testing.ScreenTour OUT_FOLDER
 * [whatif|representations]}; with {@code whatif} it takes the what-if sweep's shots only, with
 * {@code representations} the Representations page's (at the default size and at 1024 × 700, in both themes).
 */
public final class ScreenTour {

    private static final Logger LOGGER = LoggerFactory.getLogger(ScreenTour.class);

    private ScreenTour() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/screens").toAbsolutePath();
        Files.createDirectories(out);
        Path runs = Files.createDirectories(Files.createTempDirectory("finescope-tour").resolve("runs"));
        BuiltinBase.register();
        CompletableFuture<MainWindow> started = new CompletableFuture<>();
        Platform.startup(() -> {
            Stage stage = new Stage();
            started.complete(new FineScopeApp().start(stage, Optional.of(Path.of("sample-models").toAbsolutePath())));
        });
        MainWindow w = started.get(60, TimeUnit.SECONDS);
        if (fx(() -> w.viewModel().baseImport().runningProperty().get())) {
            // a first start (an empty cache folder, -Dfinescope.cache=…): the import's dialog over the window
            Thread.sleep(2500);
            screen(out, "first-start");
        }
        await("the heatmap", () -> w.viewModel().heatmap().pictureProperty().get() != null);
        fx(() -> {
            w.viewModel().workspace().runsFolderProperty().set(runs);
            w.viewModel().workspace().selectCell(GridRow.layer(4), GridColumn.V);
            return null;
        });
        if (args.length > 1 && List.of("whatif", "representations", "estimate").contains(args[1])) {
            switch (args[1]) {
                case "whatif" -> whatIf(w, out);
                case "estimate" -> estimate(w, out);
                default -> representations(w, out);
            }
            Platform.runLater(w::close);
            Thread.sleep(1000);
            System.exit(0);
        }
        Thread.sleep(2500);
        shot(w, out, "heatmap");

        fx(() -> {
            w.tabs().getSelectionModel().select(2);
            w.viewModel().histograms().scopeProperty().set(HistogramsViewModel.Scope.CELL);
            w.viewModel().histograms().viewProperty().set(HistogramsViewModel.View.DELTA);
            return null;
        });
        await("the histogram", () -> w.viewModel().histograms().resultProperty().get() != null);
        Thread.sleep(1500);
        shot(w, out, "histograms");

        fx(() -> {
            TunedModel masks = w.viewModel().workspace().getTunedModels().stream()
                    .filter(t -> t.label().equals("masks 10 %")).findFirst().orElseThrow();
            w.viewModel().workspace().selectedTunedProperty().set(masks);
            w.viewModel().histograms().viewProperty().set(HistogramsViewModel.View.MASK_SCORES);
            w.viewModel().histograms().scopeProperty().set(HistogramsViewModel.Scope.MODEL);
            return null;
        });
        Thread.sleep(1500);
        shot(w, out, "histograms-mask-scores");

        fx(() -> {
            w.tabs().getSelectionModel().select(3);
            return null;
        });
        Thread.sleep(800);
        fx(() -> {
            MenuButton presets = (MenuButton) w.scene().lookup("#presets");
            presets.getItems().stream().filter(i -> i.getText().startsWith("Sparsify every encoder matrix"))
                    .findFirst().ifPresent(MenuItem::fire);
            return null;
        });
        Thread.sleep(2000);
        shot(w, out, "plan");

        whatIf(w, out);

        fx(() -> {
            w.tabs().getSelectionModel().select(5);
            LaunchViewModel form = w.runsViewModel().newLaunchForm();
            form.glueFolderProperty().set(Path.of("sample-models/data/uci-sentiment").toAbsolutePath());
            form.nameProperty().set("masks 10 % · tour");
            form.hyperParametersProperty().set(HyperParameters.DEFAULTS.toBuilder().epochs(1).maxSteps(30)
                    .evalEverySteps(10).maxLength(64).learningRate(1e-3).scoreLearningRate(5e-2).build());
            w.runsViewModel().launch(form);
            return null;
        });
        await("a run", () -> !w.runsViewModel().runs().isEmpty());
        RunItem run = fx(() -> w.runsViewModel().runs().get(0));
        await("a first evaluation", () -> !run.metricPoints().isEmpty() && run.lossPoints().size() >= 12);
        Thread.sleep(1500);
        shot(w, out, "runs");
        fx(() -> {
            w.runsViewModel().cancelAll();
            return null;
        });
        Thread.sleep(3000);
        Platform.runLater(w::close);
        Thread.sleep(1000);
        System.exit(0);
    }

    /**
     * The What-if tab's sensitivity sweep of the full fine-tune on the first 128 dev sentences, the heatmap at 90 %
     * with a cell hovered: {@code whatif.png}, then the same in the dark theme, {@code whatif-dark.png}.
     */
    private static void whatIf(MainWindow w, Path out) throws Exception {
        WhatIfViewModel vm = w.viewModel().whatIf();
        fx(() -> {
            showWhatIfPage(w, WhatIfViewModel.Page.SWEEP);
            vm.maxExamplesProperty().set(128);
            vm.sweep().resumeProperty().set(false);
            vm.sweep().shownSparsityProperty().set(0.9);
            return null;
        });
        await("the what-if session", () -> vm.sessionProperty().get() != null && vm.runningProperty().get() == null);
        fx(() -> {
            vm.sweep().runSweep();
            return null;
        });
        await("the sweep", () -> vm.runningProperty().get() == null && vm.sweep().sweepPictureProperty().get() != null
                && vm.sweep().sweepPictureProperty().get().result().complete());
        fx(() -> {
            vm.sweep().hoverSweep(2, 4);
            return null;
        });
        Thread.sleep(1500);
        shot(w, out, "whatif");
        boolean wasDark = fx(() -> w.viewModel().darkProperty().get());
        fx(() -> {
            w.viewModel().darkProperty().set(true);
            return null;
        });
        Thread.sleep(2000);
        shot(w, out, "whatif-dark");
        fx(() -> {
            w.viewModel().darkProperty().set(wasDark);
            return null;
        });
    }

    /**
     * The sweep page's estimate of the full fine-tune on 128 dev sentences at 30 and 70 %, shown after the measured
     * sweep of the same grid, with their agreement: {@code estimate[-dark].png}.
     */
    private static void estimate(MainWindow w, Path out) throws Exception {
        WhatIfViewModel vm = w.viewModel().whatIf();
        fx(() -> {
            showWhatIfPage(w, WhatIfViewModel.Page.SWEEP);
            vm.maxExamplesProperty().set(128);
            vm.sweep().resumeProperty().set(false);
            vm.sweep().sparsitiesProperty().set("30, 70");
            vm.sweep().shownSparsityProperty().set(0.7);
            return null;
        });
        await("the what-if session", () -> vm.sessionProperty().get() != null && vm.runningProperty().get() == null);
        fx(() -> {
            vm.sweep().runSweep();
            return null;
        });
        await("the sweep", () -> vm.runningProperty().get() == null && vm.sweep().sweepPictureProperty().get() != null
                && vm.sweep().sweepPictureProperty().get().result().complete());
        fx(() -> {
            vm.sweep().estimate().run();
            return null;
        });
        await("the estimate", () -> vm.runningProperty().get() == null
                && vm.sweep().estimate().pictureProperty().get() != null);
        fx(() -> {
            vm.sweep().estimate().hover(5, 4);
            return null;
        });
        for (boolean dark : new boolean[] {false, true}) {
            fx(() -> {
                w.viewModel().darkProperty().set(dark);
                return null;
            });
            Thread.sleep(2000);
            shot(w, out, "estimate" + (dark ? "-dark" : ""));
        }
    }

    /**
     * The What-if tab's Representations page: the full fine-tune against its base on 256 dev sentences, at the
     * window's size and at 1024 × 700, light and dark: {@code representations[-dark][-1024].png}.
     */
    private static void representations(MainWindow w, Path out) throws Exception {
        WhatIfViewModel vm = w.viewModel().whatIf();
        fx(() -> {
            showWhatIfPage(w, WhatIfViewModel.Page.REPRESENTATIONS);
            return null;
        });
        await("a model to compare", () -> vm.blockerProperty().get().isEmpty());
        fx(() -> {
            vm.representations().compare();
            return null;
        });
        await("the comparison", () -> vm.representations().taskProperty().get() == null
                && vm.representations().pictureProperty().get() != null);
        for (boolean dark : new boolean[] {false, true}) {
            fx(() -> {
                w.viewModel().darkProperty().set(dark);
                return null;
            });
            for (boolean small : new boolean[] {false, true}) {
                double[] was = fx(() -> new double[] {w.scene().getWindow().getWidth(),
                    w.scene().getWindow().getHeight()});
                if (small) {
                    fx(() -> {
                        w.scene().getWindow().setWidth(1024);
                        w.scene().getWindow().setHeight(700);
                        return null;
                    });
                }
                Thread.sleep(2000);
                shot(w, out, "representations" + (dark ? "-dark" : "") + (small ? "-1024" : ""));
                if (small) {
                    fx(() -> {
                        w.scene().getWindow().setWidth(was[0]);
                        w.scene().getWindow().setHeight(was[1]);
                        return null;
                    });
                }
            }
        }
    }

    /** The What-if tab on one of its pages (FX thread). */
    private static void showWhatIfPage(MainWindow w, WhatIfViewModel.Page page) {
        w.tabs().getSelectionModel().select(MainWindow.TAB_NAMES.indexOf("What-if"));
        ((WhatIfPane) w.tabs().getSelectionModel().getSelectedItem().getContent()).showPage(page);
    }

    private static void shot(MainWindow w, Path out, String name) throws Exception {
        fx(() -> {
            ImageIO.write(SwingFXUtils.fromFXImage(w.scene().snapshot(null), null), "png",
                    out.resolve(name + ".png").toFile());
            return null;
        });
        screen(out, name);
        LOGGER.info("wrote {}", out.resolve(name + ".png"));
    }

    /** The whole screen, windows and dialogs, when there is a display. */
    private static void screen(Path out, String name) throws InterruptedException {
        if (System.getenv("DISPLAY") != null) {
            try {
                new ProcessBuilder("import", "-window", "root", out.resolve(name + "-screen.png").toString())
                        .inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                LOGGER.warn("no screen shot: {}", e.getMessage());
            }
        }
    }
}
