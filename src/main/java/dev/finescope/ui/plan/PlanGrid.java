package dev.finescope.ui.plan;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.SetChangeListener;
import javafx.geometry.HPos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.StackPane;
import javafx.util.Duration;

/**
 * The layer × sublayer grid of weight matrices, each cell showing what the plan does with it. A press paints
 * the cell with the current tool, a drag paints every cell it crosses, a row or column header paints the whole
 * row or column. Everything it shows comes from the view model; it only forwards gestures.
 */
final class PlanGrid extends GridPane {

    private final PlanEditorViewModel vm;
    private final Map<MatrixCell, CellView> cells = new LinkedHashMap<>();
    private final javafx.beans.value.ObservableBooleanValue shown;
    /** What changed while the grid was not shown, to be redone when it is. */
    private boolean rebuildWhenShown;
    private boolean refreshWhenShown;

    /**
     * The grid of {@code vm}'s plan, kept up to date while {@code shown} holds; changes made while it does not
     * (a new base, another plan) are applied when it does, so a hidden tab costs the FX thread nothing.
     */
    PlanGrid(PlanEditorViewModel vm, javafx.beans.value.ObservableBooleanValue shown) {
        this.vm = vm;
        this.shown = shown;
        getStyleClass().add("plan-grid");
        vm.layoutProperty().addListener((obs, old, layout) -> {
            if (shown.get()) {
                rebuild();
            } else {
                rebuildWhenShown = true;
            }
        });
        vm.planProperty().addListener((obs, old, plan) -> refreshIfShown());
        vm.selection().addListener((SetChangeListener<MatrixCell>) c -> refreshIfShown());
        shown.addListener((obs, was, now) -> {
            if (now && rebuildWhenShown) {
                rebuild();
            } else if (now && refreshWhenShown) {
                refresh();
            }
        });
        rebuild();
    }

    private void refreshIfShown() {
        if (shown.get()) {
            refresh();
        } else {
            refreshWhenShown = true;
        }
    }

    private void rebuild() {
        rebuildWhenShown = false;
        getChildren().clear();
        cells.clear();
        List<GridRow> rows = vm.rows();
        List<GridColumn> columns = vm.columns();
        if (rows.isEmpty()) {
            Label none = new Label("Open a base model to plan its fine-tuning.");
            none.setId("no-model");
            add(none, 0, 0);
            return;
        }
        for (int c = 0; c < columns.size(); c++) {
            GridColumn column = columns.get(c);
            Button header = header(column.csvName(), "column-" + column.csvName(),
                    column.label() + " (" + column.technicalName() + ") in every layer");
            header.setOnAction(e -> vm.paintColumn(column));
            GridPane.setHalignment(header, HPos.CENTER);
            add(header, c + 1, 0);
        }
        for (int r = 0; r < rows.size(); r++) {
            GridRow row = rows.get(r);
            Button header = header(row.label(), "row-" + row.csvName(), "every matrix of " + row.label());
            header.setOnAction(e -> vm.paintRow(row));
            GridPane.setHalignment(header, HPos.RIGHT);
            add(header, 0, r + 1);
            List<GridColumn> own = MatrixCell.matrixColumns(row.kind());
            for (int c = 0; c < own.size(); c++) {
                MatrixCell cell = new MatrixCell(row, own.get(c));
                CellView view = new CellView(cell, row.kind() != GridRow.Kind.LAYER);
                cells.put(cell, view);
                add(view, c + 1, r + 1);
            }
        }
        refresh();
    }

    private static Button header(String text, String id, String tooltip) {
        Button b = new Button(text);
        b.setId(id);
        b.getStyleClass().add("plan-header");
        b.setFocusTraversable(false);
        b.setTooltip(tip("Apply the tool to " + tooltip));
        return b;
    }

    private void refresh() {
        refreshWhenShown = false;
        for (CellView v : cells.values()) {
            v.update();
        }
    }

    private static Tooltip tip(String text) {
        Tooltip t = new Tooltip(text);
        t.setShowDelay(Duration.millis(300));
        t.setWrapText(true);
        t.setMaxWidth(360);
        return t;
    }

    /** One weight matrix. */
    final class CellView extends StackPane {

        private final MatrixCell cell;
        private final boolean ownLabel;
        private final Label text = new Label();
        /** Under a sparsified cell's label, a bar as long as its share of zeros: 30 % and 70 % look different. */
        private final javafx.scene.layout.Region gauge = new javafx.scene.layout.Region();
        private double share;
        /** Made when the pointer first comes over the cell: a grid of BERT-large has 200 cells. */
        private Tooltip tooltip;
        private String tooltipText = "";

        CellView(MatrixCell cell, boolean ownLabel) {
            this.cell = cell;
            this.ownLabel = ownLabel;
            setId("cell-" + cell.row().csvName() + "-" + cell.column().csvName());
            getStyleClass().add("plan-cell");
            gauge.getStyleClass().add("sparsity-gauge");
            gauge.setManaged(false);
            getChildren().addAll(gauge, text);
            addEventHandler(javafx.scene.input.MouseEvent.MOUSE_ENTERED, e -> {
                if (tooltip == null) {
                    tooltip = tip(tooltipText);
                    Tooltip.install(this, tooltip);
                }
            });
            if (vm.hasCell(cell)) {
                setOnMousePressed(e -> vm.startStroke(cell));
                setOnDragDetected(e -> startFullDrag());
                setOnMouseDragEntered(e -> vm.extendStroke(cell));
            }
        }

        @Override
        protected void layoutChildren() {
            super.layoutChildren();
            double h = 4;
            gauge.resizeRelocate(0, getHeight() - h, Math.round(getWidth() * share), h);
        }

        /** The width of the sparsity bar, a share of the cell's: 0 unless the cell is sparsified. */
        double gaugeShare() {
            return share;
        }

        void update() {
            getStyleClass().removeAll("freeze", "fine-tune", "sparsify", "empty", "selected");
            share = 0;
            String name = ownLabel ? cell.column().csvName() + "\n" : "";
            if (!vm.hasCell(cell)) {
                getStyleClass().add("empty");
                text.setText(name + "none");
                setTooltipText("The model has no " + cell.column().label() + " matrix here.");
                return;
            }
            Action a = vm.actionOf(cell);
            getStyleClass().add(styleOf(a));
            share = a.isSparsify() ? a.sparsity() : 0;
            gauge.setVisible(share > 0);
            requestLayout();
            if (vm.selection().contains(cell)) {
                getStyleClass().add("selected");
            }
            text.setText(name + CellLook.glyph(a) + " " + CellLook.word(a));
            setTooltipText(cell.row().label() + " · " + cell.column().label() + " (" + vm.shapeOf(cell) + ", "
                    + cell.column().technicalName() + ")\n" + CellLook.meaning(a));
        }

        private void setTooltipText(String s) {
            tooltipText = s;
            if (tooltip != null) {
                tooltip.setText(s);
            }
        }

        /** What the cell's tooltip says (made or not yet). */
        String tooltipText() {
            return tooltipText;
        }

        private static String styleOf(Action a) {
            return switch (a.kind()) {
                case FREEZE -> "freeze";
                case FINE_TUNE -> "fine-tune";
                case SPARSIFY -> "sparsify";
            };
        }

        String text() {
            return text.getText();
        }
    }
}
