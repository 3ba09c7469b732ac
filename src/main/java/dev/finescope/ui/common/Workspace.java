package dev.finescope.ui.common;

import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

/**
 * What the user has open, and what they selected: one base model, its fine-tuned models, a runs folder and a
 * data set. Every tab reads this one object, so a cell clicked on the heatmap is the cell the details, the
 * histograms and the plan editor show. Changed on the FX thread only.
 */
public class Workspace {

    private final ObjectProperty<Path> folder = new SimpleObjectProperty<>(this, "folder");
    private final ObjectProperty<ModelFolder> base = new SimpleObjectProperty<>(this, "base");
    private final ObservableList<TunedModel> tunedModels = FXCollections.observableArrayList();
    private final ObservableMap<TunedModel, ModelComparison> comparisons = FXCollections.observableHashMap();
    private final ObservableMap<TunedModel, ModelFolder> tunedFolders = FXCollections.observableHashMap();
    private final ObjectProperty<Path> runsFolder = new SimpleObjectProperty<>(this, "runsFolder");
    private final ObjectProperty<Path> data = new SimpleObjectProperty<>(this, "data");
    private final ObjectProperty<TunedModel> selectedTuned = new SimpleObjectProperty<>(this, "selectedTuned");
    private final ObjectProperty<GridRow> selectedRow = new SimpleObjectProperty<>(this, "selectedRow");
    private final ObjectProperty<GridColumn> selectedColumn = new SimpleObjectProperty<>(this, "selectedColumn");
    private final ObjectBinding<ModelComparison> selectedComparison = Bindings.valueAt(comparisons, selectedTuned);
    private BiConsumer<Path, String> tunedModelOpener = (path, label) -> {
    };

    /** The folder holding {@code workspace.json}, or null for a workspace built from opened models. */
    public ObjectProperty<Path> folderProperty() {
        return folder;
    }

    /** The pre-trained model every tuned model is compared with; null until one is opened. */
    public ObjectProperty<ModelFolder> baseProperty() {
        return base;
    }

    public ModelFolder getBase() {
        return base.get();
    }

    /** The fine-tuned models, in the order the user added them. */
    public ObservableList<TunedModel> getTunedModels() {
        return tunedModels;
    }

    /** Each tuned model's comparison with the base, once analysed. */
    public ObservableMap<TunedModel, ModelComparison> getComparisons() {
        return comparisons;
    }

    /** Each tuned model opened as a model (an overlay on top of the base), for reading its tensors. */
    public ObservableMap<TunedModel, ModelFolder> getTunedFolders() {
        return tunedFolders;
    }

    /** Where runs are written and found again; null when the workspace has none yet. */
    public ObjectProperty<Path> runsFolderProperty() {
        return runsFolder;
    }

    public Path getRunsFolder() {
        return runsFolder.get();
    }

    /** The task data the workspace was made for (a GLUE folder or a table file); may be null. */
    public ObjectProperty<Path> dataProperty() {
        return data;
    }

    /** The tuned model the tabs show; null when there is none. */
    public ObjectProperty<TunedModel> selectedTunedProperty() {
        return selectedTuned;
    }

    public TunedModel getSelectedTuned() {
        return selectedTuned.get();
    }

    /** The row of the selected grid cell; null when no cell is selected. */
    public ObjectProperty<GridRow> selectedRowProperty() {
        return selectedRow;
    }

    /** The column of the selected grid cell; null when no cell is selected. */
    public ObjectProperty<GridColumn> selectedColumnProperty() {
        return selectedColumn;
    }

    /** Selects one cell (both null: none). Listeners of either property see the final pair after this returns. */
    public void selectCell(GridRow row, GridColumn column) {
        selectedRow.set(null);
        selectedColumn.set(column);
        selectedRow.set(row);
    }

    /** The comparison of the selected tuned model with the base; null until it is analysed or when none is selected. */
    public ObjectBinding<ModelComparison> selectedComparisonProperty() {
        return selectedComparison;
    }

    /**
     * Adds a fine-tuned model (a folder or an overlay, e.g. a finished run's) and has it analysed; panes that make
     * models call this rather than knowing how the workspace opens them.
     */
    public void addTunedModel(Path path) {
        addTunedModel(path, null);
    }

    /**
     * As {@link #addTunedModel(Path)}, by the name {@code label} (a finished run's, which says more than its
     * file's name {@code overlay.safetensors}); null: the file's or folder's name.
     */
    public void addTunedModel(Path path, String label) {
        tunedModelOpener.accept(path, label);
    }

    /** Who opens models added through {@link #addTunedModel}: the workspace's view model. */
    public void setTunedModelOpener(BiConsumer<Path, String> opener) {
        this.tunedModelOpener = opener;
    }
}
