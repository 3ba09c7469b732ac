package dev.finescope.checkpoint;

/** Where a tensor sits on the grid: its cell and whether it is the cell's weight or its bias. */
public record GridPosition(GridRow row, GridColumn column, Part part) {

    public enum Part { WEIGHT, BIAS }

    public boolean isWeight() {
        return part == Part.WEIGHT;
    }
}
