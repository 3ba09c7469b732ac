package dev.finescope.ui;

import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.checkpoint.overlay.BuiltinModels;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.UiExecutor;
import java.nio.file.Path;
import java.util.Objects;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The first start: the sample workspace stands on the built-in base model, which is imported from the class path
 * into the user's cache folder once (seconds). While that runs the window shows a progress dialog instead of an
 * empty heatmap and a silent wait; the workspace opens when the import is done, and later starts skip all this.
 */
public final class BaseImportViewModel {

    /** Finds out whether a built-in base still needs importing, and imports it. */
    public interface Importer {

        /** True when the built-in model {@code name} is known but not yet in the cache. */
        boolean needed(String name);

        /** Imports the built-in model {@code name}, reporting progress and stopping when it is cancelled. */
        void importBase(String name, Progress progress);

        /** The built-in MiniLM of {@link BuiltinBase}, imported into the user's cache folder. */
        Importer BUILTIN = new Importer() {
            @Override
            public boolean needed(String name) {
                return BuiltinBase.NAME.equals(name) && BuiltinModels.names().contains(name)
                        && BuiltinBase.importedFolder().isEmpty() && BuiltinBase.jar().isPresent();
            }

            @Override
            public void importBase(String name, Progress progress) {
                BuiltinBase.folder(progress);
            }
        };
    }

    private final UiExecutor executor;
    private final DialogService dialogs;
    private final Importer importer;
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", -1);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyStringWrapper model = new ReadOnlyStringWrapper(this, "model", "");
    private ProgressTask<Void> task;

    public BaseImportViewModel(UiExecutor executor, DialogService dialogs, Importer importer) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.importer = Objects.requireNonNull(importer, "importer");
    }

    /** True while the import runs: the window shows its dialog. */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** Share done, 0 to 1; negative while the size of the work is not known yet. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** What the import does now ("reading initializers …"). */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** The built-in model being imported. */
    public ReadOnlyStringProperty modelProperty() {
        return model.getReadOnlyProperty();
    }

    /**
     * Runs {@code open} once the built-in base of the workspace in {@code workspace} is in the cache: at once when
     * the workspace has no built-in base or it was imported before, else after importing it in the background. A
     * failed import is shown in a dialog and nothing opens; a cancelled one opens nothing either.
     */
    /** Whether opening the workspace in {@code workspace} must first import its built-in base. */
    public boolean needed(Path workspace) {
        return WorkspaceFile.builtinBase(workspace).filter(importer::needed).isPresent();
    }

    public void importThen(Path workspace, Runnable open) {
        String name = WorkspaceFile.builtinBase(workspace).filter(importer::needed).orElse(null);
        if (name == null) {
            open.run();
            return;
        }
        model.set(name);
        ProgressTask<Void> t = new ProgressTask<>("Importing the built-in base model " + name) {
            @Override
            protected Void call() {
                say("Reading " + name + " from the class path …");
                importer.importBase(name, progress());
                return null;
            }
        };
        progress.unbind();
        message.unbind();
        progress.set(-1);
        message.set("");
        progress.bind(t.progressProperty());
        message.bind(t.messageProperty());
        t.setOnSucceeded(e -> {
            finish();
            open.run();
        });
        t.setOnFailed(e -> {
            finish();
            dialogs.showError("Could not import the built-in base model", name + ": "
                    + Problems.describe(t.getException()));
        });
        t.setOnCancelled(e -> finish());
        task = t;
        running.set(true);
        executor.execute(t);
    }

    /** Stops the import; the window stays empty and the user opens models of their own. */
    public void cancel() {
        if (task != null) {
            task.cancel();
        }
    }

    private void finish() {
        progress.unbind();
        message.unbind();
        task = null;
        running.set(false);
    }
}
