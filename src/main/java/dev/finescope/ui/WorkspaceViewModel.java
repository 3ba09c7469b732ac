package dev.finescope.ui;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.ComparisonCache;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening things: workspaces, base models, fine-tuned models, dropped files. Every open reads and analyses in
 * the background through the {@link UiExecutor}; results are swapped into the {@link Workspace} on the FX
 * thread, so the tabs never see a model that is not analysed. The base and the first fine-tuned model come in
 * one step, as soon as that model is analysed, so its heatmap is on screen while the others are analysed; the
 * others join in a second step. A fine-tuned model that cannot be read is left out with a message naming its
 * file; the rest of the workspace opens.
 */
public final class WorkspaceViewModel {

    /** The file types the open dialogs offer. */
    public static final List<String> MODEL_EXTENSIONS = List.of("safetensors", "bin", "json");

    private static final Logger LOGGER = LoggerFactory.getLogger(WorkspaceViewModel.class);

    private final Workspace workspace;
    private final UiExecutor executor;
    private final DialogService dialogs;
    private final AppPreferences preferences;
    private final ModelOpener opener;
    private final Analyzer analyzer;
    /** Pairs compared before, by their files: the sample workspace opens without comparing its tensors again. */
    private final ComparisonCache comparisonCache = ComparisonCache.inUserCache();
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "FineScope");

    /** What a background open produced, swapped in on the FX thread. */
    private record Loaded(WorkspaceFile.Contents contents, ModelFolder base, Map<TunedModel, ModelFolder> folders,
            Map<TunedModel, ModelComparison> comparisons, List<String> problems, List<TunedModel> rest) {

        void close() {
            if (base != null) {
                base.close();
            }
            folders.values().forEach(ModelFolder::close);
        }
    }

    public WorkspaceViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs,
            AppPreferences preferences, ModelOpener opener, Analyzer analyzer) {
        this.workspace = workspace;
        this.executor = executor;
        this.dialogs = dialogs;
        this.preferences = preferences;
        this.opener = opener;
        this.analyzer = analyzer;
        recent.setAll(preferences.recentWorkspaces());
        workspace.setTunedModelOpener(this::addTuned);
        title.bind(Bindings.createStringBinding(this::describe, workspace.baseProperty(),
                workspace.getTunedModels(), workspace.folderProperty()));
    }

    /** "FineScope — workspace: base + tuned, tuned", for the window title. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** Recent workspace folders, most recent first. */
    public ObservableList<Path> recentWorkspaces() {
        return recent;
    }

    /** Opens the workspace in {@code folderOrFile}, replacing the current one once it has loaded. */
    public void openWorkspace(Path folderOrFile) {
        executor.execute(new LoadTask("Opening workspace " + folderOrFile.getFileName(), null, folderOrFile,
                null, List.of()));
    }

    /** A new workspace around the model at {@code path}, keeping nothing of the current one. */
    public void openBase(Path path) {
        executor.execute(new LoadTask("Opening " + path.getFileName(), null, null, path, List.of()));
    }

    /** Adds the fine-tuned model at {@code path} to the workspace and analyses it against the base. */
    public void addTuned(Path path) {
        open(List.of(path));
    }

    /** As {@link #addTuned(Path)}, by the name {@code label} (null: the file's or folder's). */
    public void addTuned(Path path, String label) {
        if (label == null || label.isBlank() || workspace.getBase() == null || WorkspaceFile.isWorkspace(path)) {
            addTuned(path);
            return;
        }
        TunedModel t = new TunedModel(uniqueLabel(label.strip(), List.of()), path, TunedModel.Kind.FOLDER);
        executor.execute(new LoadTask("Opening " + t.label(), workspace.getBase(), null, null, List.of(t)));
    }

    /**
     * Opens models as a user drops them: a folder holding a workspace file opens that workspace; otherwise the
     * first model becomes the base when there is none, and the rest are added as fine-tuned models.
     */
    public void open(List<Path> paths) {
        List<Path> models = new ArrayList<>();
        for (Path p : paths) {
            if (WorkspaceFile.isWorkspace(p)) {
                openWorkspace(p);
                return;
            }
            models.add(p);
        }
        if (models.isEmpty()) {
            return;
        }
        ModelFolder base = workspace.getBase();
        Path newBase = base == null ? models.remove(0) : null;
        List<TunedModel> tuned = new ArrayList<>();
        for (Path p : models) {
            String label = uniqueLabel(WorkspaceFile.labelOf(p), tuned);
            tuned.add(new TunedModel(label, p, TunedModel.Kind.FOLDER));
        }
        if (newBase == null && tuned.isEmpty()) {
            return;
        }
        String what = newBase != null ? newBase.getFileName().toString()
                : tuned.size() == 1 ? tuned.get(0).label() : tuned.size() + " models";
        executor.execute(new LoadTask("Opening " + what, base, null, newBase, tuned));
    }

    /** Asks for a model (folder or weights file) and opens it: as the base when there is none, else as tuned. */
    public void chooseModel() {
        dialogs.chooseOpenFile("Open a model (weights file)", MODEL_EXTENSIONS).ifPresent(p -> open(List.of(p)));
    }

    /** Asks for a model folder and opens it: as the base when there is none, else as tuned. */
    public void chooseModelFolder() {
        dialogs.chooseDirectory("Open a model folder").ifPresent(p -> open(List.of(p)));
    }

    /** Asks for a fine-tuned model folder and adds it. */
    public void chooseTuned() {
        if (workspace.getBase() == null) {
            dialogs.showInfo("Open a base model first",
                    "A fine-tuned model is compared with its pre-trained base: open the base model first.");
            return;
        }
        dialogs.chooseDirectory("Open a fine-tuned model folder").ifPresent(this::addTuned);
    }

    /** Asks for a workspace folder and opens it. */
    public void chooseWorkspace() {
        dialogs.chooseDirectory("Open a workspace folder").ifPresent(folder -> {
            if (WorkspaceFile.isWorkspace(folder)) {
                openWorkspace(folder);
            } else {
                dialogs.showError("Not a workspace", folder + ": holds no " + WorkspaceFile.FILE_NAME);
            }
        });
    }

    /** Asks for a folder and saves the workspace there, so that it opens again in one step. */
    public void chooseAndSaveWorkspace() {
        if (workspace.getBase() == null) {
            dialogs.showInfo("Nothing to save", "Open a base model first.");
            return;
        }
        dialogs.chooseDirectory("Save the workspace in a folder").ifPresent(this::saveWorkspace);
    }

    /** Writes the workspace file into {@code folder} and remembers it as the last workspace. */
    public void saveWorkspace(Path folder) {
        try {
            if (sampleFolder != null && folder.toAbsolutePath().normalize().equals(sampleFolder)) {
                dialogs.showError("Could not save the workspace", folder + ": this is the built-in sample "
                        + "workspace, which stays as shipped; choose another folder.");
                return;
            }
            WorkspaceFile.write(new WorkspaceFile.Contents(folder, workspace.getBase().path(),
                    workspace.getTunedModels(), null, workspace.dataProperty().get()));
            workspace.folderProperty().set(folder.toAbsolutePath().normalize());
            workspace.runsFolderProperty().set(UserDirectories.workspaceOutputs(folder, "runs"));
            remember(folder);
        } catch (IOException | RuntimeException e) {
            dialogs.showError("Could not save the workspace", Problems.describe(e));
        }
    }

    /** Closes every model and empties the workspace. */
    public void closeWorkspace() {
        replace(new Loaded(null, null, Map.of(), Map.of(), List.of(), List.of()));
    }

    private void remember(Path folder) {
        preferences.rememberWorkspace(folder);
        recent.setAll(preferences.recentWorkspaces());
    }

    /** {@code label}, or with " (2)", " (3)"… when the workspace or {@code alsoTaken} has it already. */
    private String uniqueLabel(String label, List<TunedModel> alsoTaken) {
        String candidate = label;
        for (int n = 2; labelTaken(candidate, alsoTaken); n++) {
            candidate = label + " (" + n + ")";
        }
        return candidate;
    }

    private boolean labelTaken(String label, List<TunedModel> alsoTaken) {
        return workspace.getTunedModels().stream().anyMatch(t -> t.label().equals(label))
                || alsoTaken.stream().anyMatch(t -> t.label().equals(label));
    }

    private String describe() {
        ModelFolder base = workspace.getBase();
        if (base == null) {
            return "FineScope";
        }
        StringBuilder b = new StringBuilder("FineScope — ");
        Path folder = workspace.folderProperty().get();
        b.append(folder != null ? "workspace " + WorkspaceFile.labelOf(folder) + ": " : "").append(base.label());
        List<TunedModel> tuned = workspace.getTunedModels();
        if (!tuned.isEmpty()) {
            b.append(" + ").append(tuned.size() == 1 ? tuned.get(0).label() : tuned.size() + " fine-tuned");
        }
        return b.toString();
    }

    /** Swaps a loaded workspace in, closing the models it replaces. FX thread. */
    private void replace(Loaded loaded) {
        for (ModelFolder m : workspace.getTunedFolders().values()) {
            m.close();
        }
        ModelFolder old = workspace.getBase();
        workspace.selectCell(null, null);
        workspace.selectedTunedProperty().set(null);
        workspace.getComparisons().clear();
        workspace.getTunedFolders().clear();
        workspace.getTunedModels().clear();
        WorkspaceFile.Contents c = loaded.contents();
        workspace.folderProperty().set(c == null ? null : c.folder());
        // a workspace's runs live in the user's data folder, one folder per workspace: never in the workspace's
        // own folder, which may be the checkout's sample-models/ or a read-only install
        workspace.runsFolderProperty().set(c == null ? null : UserDirectories.workspaceOutputs(c.folder(), "runs"));
        workspace.dataProperty().set(c == null ? null : c.data());
        workspace.baseProperty().set(loaded.base());
        if (old != null) {
            old.close();
        }
        add(loaded, false);
    }

    /**
     * Adds the tuned models of a load to the workspace and selects the first of them, as a user who opens a model
     * wants to see it; the rest of a workspace, analysed after its first model, is selected only when nothing
     * is. FX thread.
     */
    private void add(Loaded loaded, boolean rest) {
        workspace.getComparisons().putAll(loaded.comparisons());
        workspace.getTunedFolders().putAll(loaded.folders());
        List<TunedModel> added = loaded.comparisons().keySet().stream().toList();
        workspace.getTunedModels().addAll(added);
        if (!added.isEmpty() && (workspace.getSelectedTuned() == null || loaded.base() == null && !rest)) {
            workspace.selectedTunedProperty().set(added.get(0));
        }
    }

    /**
     * Opens a base (from a path, a workspace file, or the current one) and fine-tuned models, and analyses each
     * fine-tuned model against the base. Everything it opened is closed again if it fails or is cancelled.
     */
    private final class LoadTask extends ProgressTask<Loaded> {
        private final ModelFolder currentBase;
        private final Path workspaceFile;
        private final Path basePath;
        private final List<TunedModel> tuned;
        /** Whether the first analysed model is handed over at once, the rest following in a second task. */
        private final boolean firstAtOnce;
        private Loaded produced;

        LoadTask(String title, ModelFolder currentBase, Path workspaceFile, Path basePath, List<TunedModel> tuned) {
            this(title, currentBase, workspaceFile, basePath, tuned, true);
        }

        LoadTask(String title, ModelFolder currentBase, Path workspaceFile, Path basePath, List<TunedModel> tuned,
                boolean firstAtOnce) {
            super(title);
            this.firstAtOnce = firstAtOnce;
            this.currentBase = currentBase;
            this.workspaceFile = workspaceFile;
            this.basePath = basePath;
            this.tuned = tuned;
            setOnSucceeded(e -> applied(getValue()));
            setOnFailed(e -> {
                LOGGER.info("{} failed: {}", title(), getException().toString());
                LOGGER.debug("{} failed", title(), getException());
                dialogs.showError("Could not open", Problems.describe(getException()));
            });
        }

        @Override
        protected Loaded call() {
            long started = System.nanoTime();
            WorkspaceFile.Contents contents = workspaceFile == null ? null : WorkspaceFile.read(workspaceFile);
            Path baseToOpen = contents != null ? contents.base() : basePath;
            List<TunedModel> toOpen = contents != null ? contents.tuned() : tuned;
            ModelFolder base = null;
            Map<TunedModel, ModelFolder> folders = new LinkedHashMap<>();
            Map<TunedModel, ModelComparison> comparisons = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            try {
                // the base, then one fine-tuned model: a model that fails to open gives its stage to the next
                int stages = (firstAtOnce ? Math.min(1, toOpen.size()) : toOpen.size()) + (baseToOpen == null ? 0 : 1);
                int stage = 0;
                if (baseToOpen != null) {
                    say("Opening " + baseToOpen.getFileName());
                    base = Models.open(baseToOpen);
                    stage(stage++, stages, null).update(1, 1, "opened " + base.label());
                }
                ModelFolder against = base != null ? base : currentBase;
                List<TunedModel> rest = List.of();
                for (int i = 0; i < toOpen.size(); i++) {
                    TunedModel t = toOpen.get(i);
                    if (firstAtOnce && comparisons.size() == 1) {
                        // the first model is shown now; the rest follow in their own task
                        rest = List.copyOf(toOpen.subList(i, toOpen.size()));
                        break;
                    }
                    checkCancelled();
                    Progress p = stage(firstAtOnce ? stage : stage++, stages, t.label());
                    p.update(0, 1, "opening");
                    ModelFolder folder = null;
                    try {
                        folder = opener.open(t, against);
                        ModelFolder tunedFolder = folder;
                        ModelComparison c = comparisonCache.compare(against.inputFiles(), folder.inputFiles(),
                                against.label(), t.label(), NameMap.standard()::locate,
                                () -> analyzer.compare(against.weights(), against.label(), tunedFolder.weights(),
                                        t.label(), NameMap.standard(), p));
                        folders.put(t, folder);
                        comparisons.put(t, c);
                    } catch (RuntimeException e) {
                        if (folder != null) {
                            folder.close();
                        }
                        if (isCancelled() || e instanceof java.util.concurrent.CancellationException) {
                            throw e;
                        }
                        LOGGER.info("could not open {}: {}", t.path(), e.toString());
                        problems.add(t.label() + ": " + Problems.describe(e));
                    }
                }
                updateProgress(1, 1);
                LOGGER.info("{}: {} fine-tuned model(s) opened and analysed in {} ms", title(), comparisons.size(),
                        (System.nanoTime() - started) / 1_000_000);
                Loaded loaded = new Loaded(contents, base, folders, comparisons, problems, rest);
                synchronized (this) {
                    checkCancelled();
                    produced = loaded;
                }
                return loaded;
            } catch (RuntimeException e) {
                new Loaded(null, base, folders, comparisons, problems, List.of()).close();
                throw e;
            }
        }

        /** Closes what the work opened when the cancel came after it had finished. */
        @Override
        protected synchronized void cancelled() {
            LOGGER.info("{} cancelled", title());
            if (produced != null) {
                produced.close();
            }
        }

        private void applied(Loaded loaded) {
            if (loaded.base() != null) {
                replace(loaded);
                if (loaded.contents() != null) {
                    remember(loaded.contents().folder());
                }
            } else if (currentBase != null && currentBase == workspace.getBase()) {
                add(loaded, !firstAtOnce);
            } else {
                loaded.close();
                return;
            }
            if (!loaded.problems().isEmpty()) {
                dialogs.showError("Some models could not be opened", String.join("\n", loaded.problems()));
            }
            if (!loaded.rest().isEmpty()) {
                int n = loaded.rest().size();
                executor.execute(new LoadTask(n == 1 ? "Analysing " + loaded.rest().get(0).label()
                        : "Analysing " + n + " more fine-tuned models", workspace.getBase(), null, null, loaded.rest(),
                        false));
            }
        }
    }

    /** The sample workspace shipped with the app, when there is one next to the working folder or the jar. */
    public static Optional<Path> sampleWorkspace(Path workingFolder, Path jarFolder) {
        Optional<Path> found = findSample(workingFolder, jarFolder);
        found.ifPresent(p -> sampleFolder = p.toAbsolutePath().normalize());
        return found;
    }

    /** The built-in sample's folder once found: it is never written to. */
    private static volatile Path sampleFolder;

    private static Optional<Path> findSample(Path workingFolder, Path jarFolder) {
        for (Path root : new Path[] {workingFolder, jarFolder == null ? null : jarFolder.getParent()}) {
            if (root != null) {
                Path sample = root.resolve("sample-models");
                if (Files.isRegularFile(sample.resolve(WorkspaceFile.FILE_NAME))) {
                    return Optional.of(sample);
                }
            }
        }
        return Optional.empty();
    }
}
