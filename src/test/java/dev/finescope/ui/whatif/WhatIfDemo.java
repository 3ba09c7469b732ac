package dev.finescope.ui.whatif;

import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.ui.AppPreferences;
import dev.finescope.ui.FineScopeApp;
import dev.finescope.ui.MainWindow;
import dev.finescope.ui.testing.PaneShot;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.util.Duration;

/**
 * The real window on a workspace, driven to a what-if result and photographed: {@code WhatIfDemo WORKSPACE
 * OUT.png [sweep|prune|masks] [EXAMPLES] [SPARSITIES]} opens the workspace, shows the What-if tab's page, runs
 * its experiments (a sensitivity sweep; a few prunes, a revert and the revert-each-layer sweep; or the mask
 * comparison) on the first EXAMPLES dev sentences, writes a snapshot of the window once they are done and exits.
 * Run it under {@code xvfb-run} on a machine without a display; preferences go to a node of their own;
 * {@code -Ddark=true} puts on the dark theme, {@code -Dsize=1280x800} sets the window's size, and
 * {@code -Dmid=N} photographs a sweep once N points are in (mid-sweep) rather than at its end.
 */
public final class WhatIfDemo {

    private WhatIfDemo() {
    }

    public static void main(String[] args) {
        Path workspace = Path.of(args[0]).toAbsolutePath();
        Path png = Path.of(args[1]).toAbsolutePath();
        String page = args.length > 2 ? args[2] : "sweep";
        int examples = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        String sparsities = args.length > 4 ? args[4] : SweepViewModel.DEFAULT_SPARSITIES;
        System.setProperty(AppPreferences.NODE_PROPERTY, "dev/finescope/demo/whatif");
        BuiltinBase.register();
        Platform.startup(() -> {
            Stage stage = new Stage();
            MainWindow window = new FineScopeApp().start(stage, Optional.of(workspace));
            WhatIfViewModel vm = window.viewModel().whatIf();
            window.viewModel().darkProperty().set(Boolean.getBoolean("dark"));
            String size = System.getProperty("size");
            if (size != null) {
                String[] wh = size.split("x");
                stage.setWidth(Double.parseDouble(wh[0]));
                stage.setHeight(Double.parseDouble(wh[1]));
            }
            int mid = Integer.getInteger("mid", 0);
            if (mid > 0) {
                boolean[] shot = {false};
                vm.sweep().sweepPictureProperty().addListener((obs, was, now) -> {
                    if (now != null && now.done() >= mid && !shot[0]) {
                        shot[0] = true;
                        vm.sweep().hoverSweep(now.charts().layers() - 1, 4);
                        PaneShot.snapshotLater(window.scene(), png, Duration.millis(300));
                    }
                });
            }
            window.tabs().getSelectionModel().select(MainWindow.TAB_NAMES.indexOf("What-if"));
            WhatIfPane pane = (WhatIfPane) window.tabs().getTabs().get(MainWindow.TAB_NAMES.indexOf("What-if"))
                    .getContent();
            vm.maxExamplesProperty().set(examples);
            vm.sweep().sparsitiesProperty().set(sparsities);
            vm.sweep().resumeProperty().set(Boolean.getBoolean("resume"));
            Deque<Runnable> steps = new ArrayDeque<>();
            switch (page) {
                case "prune" -> {
                    pane.showPage(WhatIfViewModel.Page.PRUNE);
                    steps.add(vm.pruneRevert()::evaluatePrune);
                    steps.add(() -> {
                        vm.pruneRevert().pruneSelectionProperty().set("layer:5");
                        vm.pruneRevert().prunePercentProperty().set(70);
                        vm.pruneRevert().evaluatePrune();
                    });
                    steps.add(() -> {
                        vm.pruneRevert().pruneSelectionProperty().set("column:FFN-out");
                        vm.pruneRevert().pruneMethodProperty().set(dev.finescope.whatif.PruneMethod.RANDOM);
                        vm.pruneRevert().evaluatePrune();
                    });
                    steps.add(() -> {
                        vm.pruneRevert().revertSelectionProperty().set("layers:0-2");
                        vm.pruneRevert().evaluateRevert();
                    });
                    steps.add(vm.pruneRevert()::revertEachLayer);
                }
                case "masks" -> {
                    pane.showPage(WhatIfViewModel.Page.MASKS);
                    steps.add(vm.masks()::compareMasks);
                }
                default -> {
                    pane.showPage(WhatIfViewModel.Page.SWEEP);
                    steps.add(vm.sweep()::runSweep);
                }
            }
            Runnable next = () -> {
                Runnable step = steps.poll();
                if (step != null) {
                    step.run();
                } else {
                    if (page.equals("sweep") && vm.sweep().sweepPictureProperty().get() != null) {
                        vm.sweep().hoverSweep(2, 4);
                    }
                    PaneShot.snapshotLater(window.scene(), png, Duration.seconds(2));
                }
            };
            vm.runningProperty().addListener((obs, was, now) -> {
                if (now == null) {
                    Platform.runLater(next);
                }
            });
            vm.masks().maskTaskProperty().addListener((obs, was, now) -> {
                if (now == null) {
                    Platform.runLater(next);
                }
            });
            boolean[] started = {false};
            javafx.beans.InvalidationListener ready = o -> {
                // the session of the chosen examples open, so that no change of settings cancels the first step
                if (!started[0] && vm.modelProperty().get() != null
                        && (page.equals("masks") ? vm.masks().maskCandidates().size() >= 2
                        : vm.sessionProperty().get() != null && vm.runningProperty().get() == null)) {
                    started[0] = true;
                    Platform.runLater(next);
                }
            };
            vm.modelProperty().addListener(ready);
            vm.masks().maskCandidates().addListener(ready);
            vm.sessionProperty().addListener(ready);
        });
    }
}
