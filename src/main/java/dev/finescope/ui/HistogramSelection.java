package dev.finescope.ui;

import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.OverlaidModel;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.ui.HistogramsViewModel.Scope;
import dev.finescope.ui.HistogramsViewModel.View;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the workspace's selection means to the histograms tab: the fine-tuned model shown, its grid and its
 * overlay, the tensors it can count, and which of them a scope counts. It only reads the workspace, so the view
 * model alone keeps the tab's state and decides when to count.
 */
final class HistogramSelection {

    /** The tensors a histogram counts, and how its title names them (null when the selection names nothing). */
    record Target(List<String> names, String what) {
    }

    private final Workspace workspace;

    HistogramSelection(Workspace workspace) {
        this.workspace = workspace;
    }

    /** The fine-tuned model shown, or null. */
    TunedModel tuned() {
        return workspace.getSelectedTuned();
    }

    /** The folder of the fine-tuned model shown, or null while it is not open. */
    ModelFolder tunedFolder() {
        TunedModel t = tuned();
        return t == null ? null : workspace.getTunedFolders().get(t);
    }

    /** The tensors of the shown fine-tuned model that are compared with the base. */
    List<String> tensorNames() {
        ModelComparison c = comparison();
        return c == null ? List.of() : c.tensors().stream().map(x -> x.name()).toList();
    }

    /** What can be shown: mask scores only for a fine-tuned model with learned masks. */
    List<View> views() {
        List<View> now = new ArrayList<>(List.of(View.values()));
        if (overlay().map(o -> o.maskedNames().isEmpty()).orElse(true)) {
            now.remove(View.MASK_SCORES);
        }
        return now;
    }

    /** The overlay of the selected fine-tuned model, when it is base ⊕ overlay. */
    Optional<Overlay> overlay() {
        ModelFolder folder = tunedFolder();
        return folder == null ? Optional.empty() : OverlaidModel.overlayOf(folder);
    }

    /** The layer × sublayer grid of the shown comparison. */
    Optional<LayerGrid> grid() {
        ModelComparison c = comparison();
        return c == null ? Optional.empty() : Optional.of(LayerGrid.of(c, false));
    }

    /** The first weight matrix of the heatmap's selected cell, so that "one tensor" can show the clicked matrix. */
    Optional<String> clickedTensor() {
        GridRow row = workspace.selectedRowProperty().get();
        GridColumn column = workspace.selectedColumnProperty().get();
        if (row == null || column == null) {
            return Optional.empty();
        }
        return grid().flatMap(g -> g.cellDetail(row, column))
                .filter(cell -> !cell.weights().isEmpty())
                .map(cell -> cell.weights().get(0).name());
    }

    /** The tensors of {@code grid} that {@code scope} counts; {@code tensor} is the one of {@link Scope#TENSOR}. */
    Target target(Scope scope, LayerGrid grid, String tensor) {
        GridRow row = workspace.selectedRowProperty().get();
        GridColumn column = workspace.selectedColumnProperty().get();
        return switch (scope) {
            case TENSOR -> new Target(tensor == null ? List.of() : List.of(tensor), tensor);
            case CELL -> row == null || column == null ? new Target(List.of(), null)
                    : new Target(grid.cellDetail(row, column).map(LayerGrid.Cell::tensorNames).orElse(List.of()),
                            CellRef.describe(row, column));
            case ROW -> row == null ? new Target(List.of(), null) : new Target(grid.rowTensorNames(row), row.label());
            case MODEL -> new Target(grid.rows().stream().flatMap(r -> grid.rowTensorNames(r).stream()).toList(),
                    "the whole model");
        };
    }

    private ModelComparison comparison() {
        TunedModel t = tuned();
        return t == null ? null : workspace.getComparisons().get(t);
    }
}
