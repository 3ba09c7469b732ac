package dev.finescope.ui.testing;

import static dev.finescope.ui.testing.Tours.await;
import static dev.finescope.ui.testing.Tours.fx;

import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.checkpoint.overlay.BuiltinModels;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.EventLog;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.ui.FineScopeApp;
import dev.finescope.ui.HelpWindow;
import dev.finescope.ui.MainWindow;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.runs.RunItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import javafx.stage.Window;
import javax.imageio.ImageIO;

/**
 * The states of the window a new user meets, photographed in light and dark at the default size and at 1280 × 800:
 * the Runs tab with a run training, one failed and one finished at chance; the status bar with two pieces of work
 * and its popover; the launch dialog; the Plan tab; the help window. The runs are folders written here (a running
 * one is this very process, appending steps), so no training is needed. Usage, with a display (xvfb-run):
 * {@code java -cp … dev.finescope.ui.testing.StatesTour OUT_FOLDER}.
 */
public final class StatesTour {

    private StatesTour() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/states").toAbsolutePath();
        Files.createDirectories(out);
        Path runs = Files.createDirectories(Files.createTempDirectory("finescope-states").resolve("runs"));
        BuiltinBase.register();
        Path base = BuiltinModels.resolve("all-MiniLM-L6-v2").orElseThrow();
        Path data = Path.of("sample-models/data/uci-sentiment").toAbsolutePath();
        Instant t0 = Instant.parse("2026-12-08T13:05:00Z");
        write(runs, "SST-2 · sparsify encoder at 30% · seed 7 · 13:05", base, data, t0, "finished");
        write(runs, "SST-2 · full fine-tuning · seed 42 · 13:40", base, data, t0.plusSeconds(2100), "failed");
        write(runs, "SST-2 · sparsify encoder at 10% · seed 3 · 13:50", base, data, t0.plusSeconds(2700),
                "interrupted");
        EventLog live = write(runs, "SST-2 · sparsify encoder at 70% · seed 42 · 14:02", base, data,
                t0.plusSeconds(3420), "running");

        CompletableFuture<MainWindow> started = new CompletableFuture<>();
        Platform.startup(() -> started.complete(new FineScopeApp().start(new Stage(),
                Optional.of(Path.of("sample-models").toAbsolutePath()))));
        MainWindow w = started.get(60, TimeUnit.SECONDS);
        await("the heatmap", () -> w.viewModel().heatmap().pictureProperty().get() != null);
        fx(() -> {
            w.viewModel().workspace().runsFolderProperty().set(runs);
            w.tabs().getSelectionModel().select(3);
            return null;
        });
        await("four runs", () -> w.runsViewModel().runs().size() == 4);
        Thread.sleep(1000);
        fx(() -> {
            MenuButton presets = (MenuButton) w.scene().lookup("#presets");
            presets.getItems().stream().filter(i -> i.getText().startsWith("Sparsify every encoder matrix"))
                    .findFirst().ifPresent(MenuItem::fire);
            return null;
        });
        Thread.sleep(800);
        fx(() -> {
            // the last layer masked at 70 %: two levels side by side
            ((javafx.scene.control.ToggleButton) w.scene().lookup("#tool-sparsify")).fire();
            javafx.scene.control.Slider s = (javafx.scene.control.Slider) w.scene().lookup("#sparsity");
            s.setValue(70);
            ((javafx.scene.control.Button) w.scene().lookup("#row-5")).fire();
            return null;
        });
        CountDownLatch sweepGoesOn = new CountDownLatch(1);
        fx(() -> {
            w.viewModel().executor().execute(new ProgressTask<Void>("Sweeping masks 10 % on SST-2 dev") {
                @Override
                protected Void call() throws Exception {
                    updateMessage("cell 14 of 216");
                    updateProgress(14, 216);
                    sweepGoesOn.await(30, TimeUnit.MINUTES);
                    return null;
                }
            });
            return null;
        });
        long step = 40;
        for (boolean dark : new boolean[] {false, true}) {
            fx(() -> {
                w.viewModel().darkProperty().set(dark);
                return null;
            });
            for (int[] size : new int[][] {{1400, 880}, {1280, 800}}) {
                String suffix = (dark ? "-dark" : "") + (size[0] == 1400 ? "" : "-1280");
                fx(() -> {
                    Window stage = w.scene().getWindow();
                    stage.setWidth(size[0]);
                    stage.setHeight(size[1]);
                    w.tabs().getSelectionModel().select(3);
                    return null;
                });
                Thread.sleep(2500);
                shot(w.scene(), out, "plan" + suffix);
                for (String state : new String[] {"running", "failed", "finished", "interrupted"}) {
                    for (int i = 0; i < 3; i++) {
                        live.append(step(t0.plusSeconds(3500 + 25 * step), ++step));
                    }
                    fx(() -> {
                        w.tabs().getSelectionModel().select(5);
                        RunItem r = w.runsViewModel().runs().stream()
                                .filter(x -> x.status().name().equalsIgnoreCase(state)).findFirst().orElseThrow();
                        w.runsViewModel().selectedProperty().set(r);
                        return null;
                    });
                    Thread.sleep(2500);
                    shot(w.scene(), out, "runs-" + state + suffix);
                }
                fx(() -> {
                    w.statusBar().togglePopover();
                    return null;
                });
                Thread.sleep(1500);
                screen(out, "status-popover" + suffix);
                fx(() -> {
                    w.statusBar().togglePopover();
                    MenuBar bar = (MenuBar) w.scene().lookup("#menu-bar");
                    bar.getMenus().stream().flatMap(m -> m.getItems().stream())
                            .filter(i -> "Run the plan…".equals(i.getText())).findFirst().orElseThrow().fire();
                    return null;
                });
                Thread.sleep(2500);
                screen(out, "run-dialog" + suffix);
                fx(() -> {
                    for (Window win : Window.getWindows().toArray(Window[]::new)) {
                        if (win != w.scene().getWindow() && win instanceof Stage s) {
                            s.close();
                        }
                    }
                    return null;
                });
                HelpWindow help = fx(() -> w.help(HelpWindow.Topic.METRICS));
                Thread.sleep(1500);
                shot(help.stage().getScene(), out, "help" + suffix);
                fx(() -> {
                    help.stage().close();
                    return null;
                });
            }
        }
        sweepGoesOn.countDown();
        live.append(new RunEvent.Cancelled(Instant.now(), step));
        live.close();
        Thread.sleep(1000);
        Platform.runLater(w::close);
        Thread.sleep(1000);
        System.exit(0);
    }

    private static RunEvent.Step step(Instant t, long step) {
        double loss = 0.69 * Math.exp(-step / 60.0) + 0.25 + 0.08 * Math.sin(step * 1.7);
        return new RunEvent.Step(t, step, 198, 1 + (int) (step / 66), loss, 1e-3, 19);
    }

    /** A run folder as a run leaves it: its spec and its events, up to how it {@code ends}. */
    private static EventLog write(Path runs, String name, Path base, Path data, Instant t0, String ends)
            throws IOException {
        RunSpec spec = new RunSpec(name, base, DataSpec.glue(data, "SST-2"), PlanSource.of(ends.equals("failed")
                ? Presets.fullFineTuning() : Presets.headOnly().withName(name.split(" · ")[1])),
                HyperParameters.DEFAULTS, Device.AUTO, RunFolder.newFolderPath(runs, name, t0));
        RunFolder folder = RunFolder.prepare(spec);
        EventLog log = EventLog.open(folder.eventsFile());
        log.append(new RunEvent.Started(t0, "cpu (2 threads), PyTorch 2.7.1", 2100, 450, 10_617_602, 22_566_146,
                198));
        switch (ends) {
            case "failed" -> log.append(new RunEvent.Failed(t0.plusSeconds(40), "sample-models/data/uci-sentiment/"
                    + "dev.tsv, line 14: the label 'positive' is not one of the task's labels 0, 1"));
            case "interrupted" -> {
                for (long s = 1; s <= 90; s++) {
                    log.append(new RunEvent.Step(t0.plusSeconds(20 * s), s, 198, 1 + (int) ((s - 1) / 66),
                            0.69 - 0.002 * s + 0.01 * Math.sin(s), 1e-3, 19));
                    if (s == 66) {
                        log.append(new RunEvent.Evaluation(t0.plusSeconds(20 * s + 5), s, "dev",
                                Map.of("accuracy", 0.81, "loss", 0.45)));
                    }
                }
                Files.write(folder.path().resolve(RunFolder.CHECKPOINT_FILE), new byte[] {0});
                log.append(new RunEvent.CheckpointSaved(t0.plusSeconds(1805), 90, RunFolder.CHECKPOINT_FILE));
                log.append(new RunEvent.Interrupted(t0.plusSeconds(1806), 90, RunFolder.CHECKPOINT_FILE));
            }
            case "finished" -> {
                for (long s = 1; s <= 198; s++) {
                    log.append(new RunEvent.Step(t0.plusSeconds(20 * s), s, 198, 1 + (int) ((s - 1) / 66),
                            0.693 + 0.01 * Math.sin(s), 1e-3, 19));
                    if (s % 66 == 0) {
                        log.append(new RunEvent.Evaluation(t0.plusSeconds(20 * s + 5), s, "dev",
                                Map.of("accuracy", 0.5 + 0.013 * s / 198, "loss", 0.6931)));
                    }
                }
                log.append(new RunEvent.Finished(t0.plusSeconds(4000), 198, Map.of("accuracy", 0.513,
                        "loss", 0.6931), RunFolder.OVERLAY_FILE));
            }
            default -> {
                folder.recordProcess(ProcessHandle.current());
                for (long s = 1; s <= 40; s++) {
                    log.append(step(t0.plusSeconds(25 * s), s));
                    if (s % 20 == 0) {
                        log.append(new RunEvent.Evaluation(t0.plusSeconds(25 * s + 5), s, "dev",
                                Map.of("accuracy", 0.78 + 0.004 * s, "loss", 0.5 - 0.004 * s)));
                    }
                }
                return log;
            }
        }
        log.close();
        return null;
    }

    private static void shot(Scene scene, Path out, String name) throws Exception {
        fx(() -> {
            ImageIO.write(SwingFXUtils.fromFXImage(scene.snapshot(null), null), "png",
                    out.resolve(name + ".png").toFile());
            return null;
        });
    }

    /** The whole screen (dialogs and popovers are windows of their own), cropped by the caller if needed. */
    /** The whole screen through ImageMagick's {@code import}, where there is a display and ImageMagick. */
    private static void screen(Path out, String name) throws InterruptedException {
        if (System.getenv("DISPLAY") != null) {
            try {
                new ProcessBuilder("import", "-window", "root", out.resolve(name + ".png").toString())
                        .inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException noImageMagick) {
                System.err.println("no screen shot of " + name + ": " + noImageMagick.getMessage());
            }
        }
    }
}
