package dev.finescope.ui.plan;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.common.Latest;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.ModelLayout;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;

/**
 * The base model's tensors as the plan editor sees them, and the grid they make: which rows and cells exist and
 * what shape each matrix has. Reading a model's tensor headers touches its files, so the layout is read in the
 * background; when the base changes again before that ends, only the newest base's layout is kept.
 */
final class BaseLayout {

    private final UiExecutor executor;
    private final DialogService dialogs;
    private final ReadOnlyObjectWrapper<ModelLayout> layout;
    private final Latest loads = new Latest();

    /** An empty layout; {@code bean} owns its property, as the views see it. */
    BaseLayout(Object bean, UiExecutor executor, DialogService dialogs) {
        this.executor = executor;
        this.dialogs = dialogs;
        this.layout = new ReadOnlyObjectWrapper<>(bean, "layout");
    }

    /** The base model's layout; null while no base is open or while it is read. */
    ReadOnlyObjectProperty<ModelLayout> property() {
        return layout.getReadOnlyProperty();
    }

    ModelLayout get() {
        return layout.get();
    }

    /**
     * Reads the layout of {@code base} in the background (none when it is null); the user is told when its tensors
     * cannot be read.
     */
    void load(ModelFolder base) {
        long generation = loads.next();
        if (base == null) {
            layout.set(null);
            return;
        }
        Task<ModelLayout> task = new Task<>() {
            @Override
            protected ModelLayout call() {
                NameMap names = NameMap.standard();
                return ModelLayout.of(base.weights(), names::locate);
            }
        };
        task.setOnSucceeded(e -> {
            if (loads.isCurrent(generation)) {
                layout.set(task.getValue());
            }
        });
        task.setOnFailed(e -> {
            if (loads.isCurrent(generation)) {
                layout.set(null);
                dialogs.showError("Cannot read the model's tensors", base.path() + ": "
                        + task.getException().getMessage());
            }
        });
        executor.execute(task);
    }

    /** The grid's rows, top to bottom: the embeddings, layers 0 … L-1 and the pooler, as far as the model has them. */
    List<GridRow> rows() {
        ModelLayout l = layout.get();
        if (l == null) {
            return List.of();
        }
        List<GridRow> rows = new ArrayList<>();
        if (hasAnyCell(l, GridRow.EMBEDDINGS)) {
            rows.add(GridRow.EMBEDDINGS);
        }
        for (int i = 0; i < l.layers(); i++) {
            rows.add(GridRow.layer(i));
        }
        if (hasAnyCell(l, GridRow.POOLER)) {
            rows.add(GridRow.POOLER);
        }
        return rows;
    }

    /** True when the model has a weight matrix in that cell. */
    boolean hasCell(MatrixCell cell) {
        ModelLayout l = layout.get();
        return l != null && l.matrix(cell).isPresent();
    }

    /** The weight-matrix shape of a cell ("64 × 32"), or empty. */
    String shapeOf(MatrixCell cell) {
        ModelLayout l = layout.get();
        if (l == null) {
            return "";
        }
        return l.matrix(cell).map(t -> {
            long[] s = t.shape();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length; i++) {
                b.append(i == 0 ? "" : " × ").append(s[i]);
            }
            return b.toString();
        }).orElse("");
    }

    /** The model's matrix cells that {@code keep} accepts, in the layout's order; none without a layout. */
    List<MatrixCell> cellsWhere(Predicate<MatrixCell> keep) {
        ModelLayout l = layout.get();
        return l == null ? List.of() : l.matrixCells().stream().filter(keep).toList();
    }

    private static boolean hasAnyCell(ModelLayout l, GridRow row) {
        Set<GridColumn> columns = Set.copyOf(MatrixCell.matrixColumns(row.kind()));
        return l.matrixCells().stream().anyMatch(c -> c.row().equals(row) && columns.contains(c.column()));
    }
}
