package dev.finescope.whatif;

import dev.finescope.checkpoint.GridColumn;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every matrix (CELL) or every layer (ROW) × sparsities, pruned one at a time: which parts of a fine-tuned model
 * a task depends on, drawn on the same grid as the closeness analysis so the two can be read side by side.
 *
 * @param columns    the matrix columns swept (CELL), or pruned together per layer (ROW)
 * @param sparsities shares of zeros, each in 0..1 (a single NaN only in the revert-each-layer result's spec)
 */
public record SweepSpec(Granularity granularity, List<GridColumn> columns, double[] sparsities,
                        PruneMethod method, long seed) {

    /** One point per matrix, or one per layer with all its chosen matrices pruned together. */
    public enum Granularity { CELL, ROW }

    public SweepSpec {
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(method, "method");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one matrix column");
        }
        for (GridColumn c : columns) {
            if (!MatrixRef.matrixColumns().contains(c)) {
                throw new IllegalArgumentException(c.csvName() + " is not a weight matrix column (Q, K, V, AttnOut, "
                        + "FFN-in, FFN-out)");
            }
        }
        sparsities = sparsities.clone();
        if (sparsities.length == 0) {
            throw new IllegalArgumentException("a sweep needs at least one sparsity");
        }
        for (double s : sparsities) {
            if (!(s >= 0 && s <= 1) && !(Double.isNaN(s) && sparsities.length == 1)) {
                throw new IllegalArgumentException("a sparsity must lie in 0 … 1, not " + s);
            }
        }
    }

    /** The spec of {@link SensitivitySweep#revertEachLayer}'s result: one row per layer, no sparsity (NaN). */
    public static SweepSpec revertLayers() {
        return new SweepSpec(Granularity.ROW, MatrixRef.matrixColumns(), new double[] {Double.NaN},
                PruneMethod.MAGNITUDE, 0);
    }

    /** True for the spec of the revert-each-layer sweep. */
    public boolean isRevert() {
        return sparsities.length == 1 && Double.isNaN(sparsities[0]);
    }

    /** One line that says what was swept, as a sweep's CSV records it. */
    String describe() {
        if (isRevert()) {
            return "revert each layer";
        }
        StringBuilder sb = new StringBuilder(granularity.name()).append(' ');
        sb.append(String.join(" ", columns.stream().map(GridColumn::csvName).toList()));
        sb.append("; sparsities");
        for (double s : sparsities) {
            sb.append(' ').append(s);
        }
        return sb.append("; ").append(method.name().toLowerCase(java.util.Locale.ROOT)).append("; seed ")
                .append(seed).toString();
    }

    /** CELL, the six matrix columns, sparsities 10 30 50 70 90 %, magnitude, seed 42. */
    public static SweepSpec defaults() {
        return new SweepSpec(Granularity.CELL, MatrixRef.matrixColumns(), new double[] {0.1, 0.3, 0.5, 0.7, 0.9},
                PruneMethod.MAGNITUDE, 42);
    }

    @Override
    public double[] sparsities() {
        return sparsities.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SweepSpec s && granularity == s.granularity && columns.equals(s.columns)
                && Arrays.equals(sparsities, s.sparsities) && method == s.method && seed == s.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(granularity, columns, Arrays.hashCode(sparsities), method, seed);
    }

    @Override
    public String toString() {
        return "SweepSpec[" + granularity + ", " + columns + ", " + Arrays.toString(sparsities) + ", " + method
                + ", seed " + seed + "]";
    }
}
