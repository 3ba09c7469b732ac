package dev.finescope.ui.runs;

import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.plan.Plan;
import dev.finescope.run.DataSpec;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.LaunchCheck;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunHandle;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunListener;
import dev.finescope.run.RunSpec;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.value.ObservableValue;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launch side of the runs: the launch form, filled in from the workspace and the last launch; the one check
 * before a run folder is prepared; the process started on it and what it says handed to the FX thread. The list
 * of runs learns of a run once its process has started, and again when it has ended.
 */
final class RunStarter {

    private static final Logger LOGGER = LoggerFactory.getLogger(RunStarter.class);

    /** System properties of the app that its runs inherit. */
    static final List<String> INHERITED_PROPERTIES = List.of("ai.djl.offline", "ai.djl.pytorch.num_threads",
            UserDirectories.CACHE_PROPERTY, "ENGINE_CACHE_DIR", "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION",
            "PYTORCH_FLAVOR", "RUST_LIBRARY_PATH", "jna.boot.library.path", "jna.tmpdir");

    private final RunsViewModel runs;
    private final Workspace workspace;
    private final UiExecutor executor;
    private final DialogService dialogs;
    private final RunLauncher launcher;
    private final ObservableValue<Plan> plan;
    private final StringBinding blocker;
    private LaunchViewModel lastForm;

    RunStarter(RunsViewModel runs, Workspace workspace, UiExecutor executor, DialogService dialogs,
            RunLauncher launcher, ObservableValue<Plan> plan) {
        this.runs = runs;
        this.workspace = workspace;
        this.executor = executor;
        this.dialogs = dialogs;
        this.launcher = launcher;
        this.plan = plan;
        blocker = Bindings.createStringBinding(() -> {
            if (workspace.baseProperty().get() == null) {
                return "Open a base model to train from.";
            }
            if (workspace.runsFolderProperty().get() == null) {
                return "The workspace has no runs folder to write runs into.";
            }
            return "";
        }, workspace.baseProperty(), workspace.runsFolderProperty());
    }

    /**
     * The app's own settings that a run must share travel to the runs it starts: DJL's downloads and threads,
     * the cache folder (where the built-in base and base fingerprints are kept), and where the packaged app keeps
     * the native libraries it ships (its launcher sets them, see {@code jlink-config/README.md}).
     */
    static List<String> childJvmOptions() {
        List<String> out = new ArrayList<>();
        for (String key : INHERITED_PROPERTIES) {
            String value = System.getProperty(key);
            if (value != null) {
                out.add("-D" + key + "=" + value);
            }
        }
        return out;
    }

    /** Why no run can be launched now; empty when one can. */
    StringBinding blockerBinding() {
        return blocker;
    }

    /** A form for the launch dialog, filled in as the last launch left it. */
    LaunchViewModel newForm() {
        Plan p = plan.getValue();
        LaunchViewModel form = new LaunchViewModel(dialogs, p == null ? "" : p.name(), LaunchViewModel.sparsityOf(p));
        if (lastForm != null) {
            form.copyFrom(lastForm);
        } else {
            // the workspace's own task data, as it names it: a GLUE-layout folder or a table file
            Path data = workspace.dataProperty().get();
            if (data != null && Files.isDirectory(data)) {
                form.dataKindProperty().set(DataSpec.Kind.GLUE);
                form.glueFolderProperty().set(data);
            } else if (data != null && Files.isRegularFile(data)) {
                form.dataKindProperty().set(DataSpec.Kind.FILE);
                form.dataFileProperty().set(data);
            }
        }
        ModelFolder base = workspace.baseProperty().get();
        int positions = base == null ? 0 : Checkpoints.tokenPositions(base.weights());
        HyperParameters hp = form.hyperParametersProperty().get();
        if (positions > 0 && hp.maxLength() > positions) {
            form.hyperParametersProperty().set(hp.toBuilder().maxLength(positions).build());
        }
        return form;
    }

    /**
     * Checks the run ({@link LaunchCheck}: the spec, and the plan and lengths against the open base), writes its
     * folder ({@code spec.json} with the plan inline) under the runs folder and starts {@code finescope train} on
     * it, in the background. What stops it is shown to the user in one message.
     */
    void launch(LaunchViewModel form) {
        String blocked = blocker.get();
        List<String> problems = form.problems();
        if (!blocked.isEmpty() || !problems.isEmpty()) {
            dialogs.showError("Cannot launch the run", blocked.isEmpty() ? String.join(" ", problems) : blocked);
            return;
        }
        lastForm = form;
        ModelFolder base = workspace.baseProperty().get();
        Plan p = plan.getValue();
        String name = runs.uniqueName(form.runName(Instant.now()));
        Path output = RunFolder.newFolderPath(workspace.runsFolderProperty().get(), name, Instant.now());
        RunSpec spec = new RunSpec(name, base.path(), form.dataSpec(), PlanSource.of(p),
                form.hyperParametersProperty().get(), form.deviceProperty().get(), output);
        Task<RunItem> task = new Task<>() {
            @Override
            protected RunItem call() {
                LaunchCheck.require(LaunchCheck.of(spec, base));
                RunFolder folder = RunFolder.prepare(spec);
                RunItem item = new RunItem(folder.path(), name);
                item.setPlanName(p.name());
                item.attach(launcher.launch(folder, listenerFor(item)));
                return item;
            }
        };
        task.setOnSucceeded(e -> runs.launched(task.getValue()));
        task.setOnFailed(e -> {
            Throwable t = task.getException();
            LOGGER.warn("Launching {} failed: {}", output, t.getMessage());
            dialogs.showError("Cannot launch the run", t.getMessage());
        });
        executor.execute(task);
    }

    /** Starts {@code finescope train --resume} on the run's folder, in the background, and follows it. */
    void resume(RunItem item) {
        Task<RunHandle> task = new Task<>() {
            @Override
            protected RunHandle call() {
                return launcher.resume(RunFolder.open(item.folder()), listenerFor(item));
            }
        };
        task.setOnSucceeded(e -> {
            item.attach(task.getValue());
            item.processStarted();
        });
        task.setOnFailed(e -> {
            Throwable t = task.getException();
            LOGGER.warn("Resuming {} failed: {}", item.folder(), t.getMessage());
            dialogs.showError("Cannot resume the run", t.getMessage());
        });
        executor.execute(task);
    }

    /** Hands what a run says, heard on the launcher's threads, to the FX thread. */
    private RunListener listenerFor(RunItem item) {
        return new RunListener() {
            @Override
            public void onEvent(RunEvent event) {
                Platform.runLater(() -> item.apply(event));
            }

            @Override
            public void onOutputLine(String line) {
                item.offerLogLine(line);
            }

            @Override
            public void onErrorLine(String line) {
                item.offerLogLine(line);
            }

            @Override
            public void onExit(RunExit exit) {
                Platform.runLater(() -> runs.ended(item, exit));
            }
        };
    }
}
