package dev.finescope.ui.runs;

import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.EventLog;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.PaneShot;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.RecordingWorkspace;
import dev.finescope.ui.testing.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import javafx.application.Platform;
import javafx.util.Duration;

/**
 * The runs pane alone on the tiny fixture, with a finished run of an earlier session and a fake run training:
 * {@code RunsDemo [out.png [running|finished|dialog]]} shows it, or writes a snapshot and exits: with a fake
 * run launched, with the finished run selected, or of the launch dialog.
 */
public final class RunsDemo {

    private RunsDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path png = args.length > 0 ? Path.of(args[0]) : null;
        String what = args.length > 1 ? args[1] : "running";
        boolean dialog = what.equals("dialog");
        Path runs = Files.createTempDirectory("finescope-runs");
        earlierRun(runs);
        RecordingWorkspace workspace = new RecordingWorkspace();
        RunsViewModel[] vm = new RunsViewModel[1];
        RunsPane[] pane = new RunsPane[1];
        PaneShot.show("Runs", () -> {
            workspace.baseProperty().set(TinyBert.base());
            workspace.runsFolderProperty().set(runs);
            RecordingDialogs dialogs = new RecordingDialogs();
            dialogs.chosen.add(TinyBert.GLUE.toAbsolutePath());
            vm[0] = new RunsViewModel(workspace, UiExecutor.pooled("demo", 2), dialogs,
                    FakeTrainer.launcher(() -> "slow", 300));
            pane[0] = new RunsPane(vm[0]);
            return pane[0];
        }, 1300, 760, stage -> Platform.runLater(() -> {
            LaunchViewModel form = vm[0].newLaunchForm();
            form.chooseGlueFolder();
            if (dialog) {
                LaunchDialog d = new LaunchDialog(stage, form);
                d.show();
                if (png != null) {
                    PaneShot.snapshotLater(d.getDialogPane().getScene(), png, Duration.seconds(2));
                }
            } else if (what.equals("finished")) {
                vm[0].selectedProperty().set(vm[0].runs().get(0));
            } else {
                vm[0].launch(form);
            }
        }), dialog ? null : png, Duration.seconds(10));
    }

    private static void earlierRun(Path runs) throws Exception {
        Path folder = RunFolder.prepare(new RunSpec("SST-2 · masks at 30%", TinyBert.BASE,
                DataSpec.glue(TinyBert.GLUE, "SST-2"), PlanSource.of(Presets.fullFineTuning()),
                HyperParameters.DEFAULTS, Device.CPU, runs.resolve("20250131-140500-sst-2-masks"))).path();
        Instant t = Instant.parse("2025-01-31T14:05:00Z");
        try (EventLog log = EventLog.open(folder.resolve(RunFolder.EVENTS_FILE))) {
            log.append(new RunEvent.Started(t, "cpu", 67, 872, 1000, 23586, 40));
            for (int step = 1; step <= 40; step++) {
                double loss = 0.7 * Math.exp(-step / 15.0) + 0.05 * Math.sin(step);
                log.append(new RunEvent.Step(t.plusSeconds(2L * step), step, 40, 0, loss + 0.1, 2e-5, 16));
                if (step % 10 == 0) {
                    log.append(new RunEvent.Evaluation(t.plusSeconds(2L * step), step, "dev",
                            Map.of("accuracy", 0.5 + step / 100.0)));
                }
            }
            log.append(new RunEvent.Finished(t.plusSeconds(90), 40, Map.of("accuracy", 0.9), RunFolder.OVERLAY_FILE));
        }
        Files.write(folder.resolve(RunFolder.OVERLAY_FILE), new byte[] {0});
        Files.writeString(folder.resolve(RunFolder.LOG_FILE), "Loading the base model\nTraining 40 steps\nDone\n");
    }
}
