package dev.finescope.ui;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.runs.RunItem;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The left-hand pane: what the user has. The base, the fine-tuned models (a click shows one on every tab), the
 * runs with where each stands, and the task data. It reads the {@link Workspace} and the runs tab's list and
 * writes only the selection.
 */
public final class WorkspaceTreeView extends VBox {

    /** A heading of the tree, as opposed to a thing in it. */
    private record Section(String title) {
    }

    /** A line that only says something ("no fine-tuned model yet"). */
    private record Placeholder(String text, String tooltip) {
    }

    private final Workspace workspace;
    private final TreeItem<Object> base = new TreeItem<>(new Section("BASE"));
    private final TreeItem<Object> tuned = new TreeItem<>(new Section("FINE-TUNED"));
    private final TreeItem<Object> runs = new TreeItem<>(new Section("RUNS"));
    private final TreeItem<Object> data = new TreeItem<>(new Section("DATA"));
    private final TreeView<Object> tree;
    private boolean updating;
    private ObservableList<RunItem> runItems = FXCollections.emptyObservableList();
    private Consumer<RunItem> openRun = r -> { };

    public WorkspaceTreeView(Workspace workspace) {
        this.workspace = workspace;
        Label heading = new Label("WORKSPACE");
        heading.getStyleClass().add("pane-heading");
        TreeItem<Object> root = new TreeItem<>();
        root.getChildren().addAll(base, tuned, runs, data);
        for (TreeItem<Object> section : root.getChildren()) {
            section.setExpanded(true);
        }
        tree = new TreeView<>(root);
        tree.setId("workspace-tree");
        tree.setShowRoot(false);
        tree.setCellFactory(t -> new Cell());
        tree.getSelectionModel().selectedItemProperty().addListener((obs, was, now) -> {
            if (!updating && now != null && now.getValue() instanceof TunedModel model) {
                workspace.selectedTunedProperty().set(model);
            }
            if (!updating && now != null && now.getValue() instanceof RunItem run) {
                openRun.accept(run);
            }
        });
        VBox.setVgrow(tree, Priority.ALWAYS);
        getChildren().addAll(heading, tree);
        setPadding(new Insets(10, 0, 0, 0));
        setSpacing(6);
        heading.setPadding(new Insets(0, 10, 0, 10));

        InvalidationListener refresh = o -> refresh();
        for (Observable o : new Observable[] {workspace.baseProperty(), workspace.getTunedModels(),
            workspace.runsFolderProperty(), workspace.dataProperty(), workspace.selectedTunedProperty()}) {
            o.addListener(refresh);
        }
        refresh();
    }

    /**
     * Lists {@code runs} (newest first) under RUNS with where each stands; choosing one hands it to {@code open}
     * (the window shows it in the runs tab).
     */
    public void followRuns(ObservableList<RunItem> runs, Consumer<RunItem> open) {
        this.runItems = runs;
        this.openRun = open;
        runs.addListener((InvalidationListener) o -> refresh());
        refresh();
    }

    private void refresh() {
        updating = true;
        try {
            ModelFolder b = workspace.getBase();
            base.getChildren().setAll(new TreeItem<>(b != null ? b
                    : new Placeholder("none yet (Ctrl+O)", "Open a model folder, or drop one on the window")));
            tuned.getChildren().clear();
            for (TunedModel t : workspace.getTunedModels()) {
                tuned.getChildren().add(new TreeItem<>(t));
            }
            if (workspace.getTunedModels().isEmpty()) {
                tuned.getChildren().add(new TreeItem<>(new Placeholder("none yet", null)));
            }
            Path r = workspace.getRunsFolder();
            runs.getChildren().clear();
            for (RunItem run : runItems) {
                runs.getChildren().add(new TreeItem<>(run));
            }
            if (runItems.isEmpty()) {
                runs.getChildren().add(new TreeItem<>(new Placeholder(r == null ? "no runs folder"
                        : "none yet (Ctrl+R runs the plan)", r == null ? null : r.toString())));
            }
            Path d = workspace.dataProperty().get();
            data.getChildren().setAll(new TreeItem<>(d == null ? new Placeholder("no task data", null)
                    : new Placeholder(WorkspaceFile.labelOf(d), d.toString())));
            for (TreeItem<Object> item : tuned.getChildren()) {
                if (item.getValue().equals(workspace.getSelectedTuned())) {
                    tree.getSelectionModel().select(item);
                }
            }
        } finally {
            updating = false;
        }
    }

    /** A run as one line: a glyph for where it stands, its name, and how far it is while it trains. */
    static String runLine(RunItem r) {
        return switch (r.status()) {
            case RUNNING -> String.format(java.util.Locale.ROOT, "◐ %s (%.0f %%)", r.nameProperty().get(),
                    100 * Math.max(0, r.progressProperty().get()));
            case FINISHED -> "✓ " + r.nameProperty().get();
            case CANCELLED -> "■ " + r.nameProperty().get() + " (cancelled)";
            case INTERRUPTED -> "‖ " + r.nameProperty().get() + " (interrupted, can resume)";
            case FAILED, CRASHED -> "✗ " + r.nameProperty().get() + " (" + r.status().label() + ")";
        };
    }

    private static final class Cell extends TreeCell<Object> {
        @Override
        protected void updateItem(Object item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("tree-section", "tree-placeholder");
            setTooltip(null);
            textProperty().unbind();
            if (empty || item == null) {
                setText(null);
                return;
            }
            if (item instanceof Section s) {
                setText(s.title());
                getStyleClass().add("tree-section");
            } else if (item instanceof ModelFolder m) {
                setText(m.label());
                setTooltip(new Tooltip(m.path() + "\n" + m.config().describe()));
            } else if (item instanceof TunedModel t) {
                setText("● " + t.label());
                setTooltip(new Tooltip(t.path() + (t.kind() == TunedModel.Kind.OVERLAY ? "\noverlay on the base"
                        : "")));
            } else if (item instanceof RunItem r) {
                textProperty().bind(Bindings.createStringBinding(() -> runLine(r), r.statusProperty(),
                        r.progressProperty(), r.nameProperty()));
                setTooltip(new Tooltip(r.folder().toString()));
            } else if (item instanceof Placeholder p) {
                setText(p.text());
                getStyleClass().add("tree-placeholder");
                if (p.tooltip() != null) {
                    setTooltip(new Tooltip(p.tooltip()));
                }
            }
        }
    }
}
