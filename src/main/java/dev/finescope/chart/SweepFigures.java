package dev.finescope.chart;

import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SensitivityEstimate;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A what-if sweep's numbers ({@link SweepResult}) in the shapes the charts take: a layer × matrix grid per
 * sparsity for the heatmap, and one metric-against-sparsity curve per layer.
 */
public final class SweepFigures {

    private SweepFigures() {
    }

    /**
     * The metric at {@code sparsity} on the layer × matrix grid: one row per layer (top: layer 0), one cell per
     * swept column (one {@code all} cell for a ROW sweep, one {@code layer} cell for the revert-each-layer sweep,
     * whose points have sparsity NaN: ask for {@code grid(result, Double.NaN)}); cells not yet evaluated are empty.
     * The values are the metric itself (a magnitude: draw it on a linear scale).
     */
    public static GridData grid(SweepResult result, double sparsity) {
        return grid(result, sparsity, false);
    }

    /**
     * As {@link #grid}, with the signed change against the unedited model in the cells: for a diverging colour
     * map centred on zero ({@link DivergingColorMap}).
     */
    public static GridData deltaGrid(SweepResult result, double sparsity) {
        return grid(result, sparsity, true);
    }

    private static GridData grid(SweepResult result, double sparsity, boolean delta) {
        List<String> columns = result.columnKeys();
        List<GridData.Row> rows = new ArrayList<>();
        for (int layer = 0; layer < result.layerCount(); layer++) {
            List<GridData.Cell> cells = new ArrayList<>();
            for (String column : columns) {
                cells.add(result.point(layer, column, sparsity)
                        .map(p -> GridData.Cell.of(null, delta ? p.delta() : p.metric()))
                        .orElseGet(() -> GridData.Cell.empty(null)));
            }
            rows.add(new GridData.Row("layer " + layer, cells));
        }
        SweepSpec spec = result.spec();
        String what;
        String note;
        if (spec.isRevert()) {
            what = result.primaryMetric() + " with the layer set back to pre-trained";
            note = "row = that layer alone reverted";
        } else {
            what = result.primaryMetric() + " at " + percent(sparsity) + " sparsity, " + method(spec);
            note = spec.granularity() == SweepSpec.Granularity.CELL ? "cell = that matrix alone pruned"
                    : "row = its matrices pruned together";
        }
        if (delta) {
            what = "change of " + what;
        }
        return new GridData(what, "unedited " + String.format(Locale.ROOT, "%.4f", result.baseline()),
                result.modelLabel(), note + " · " + result.points().size() + " of " + result.plannedPoints()
                + " points", columns, rows);
    }

    /**
     * The metric against sparsity in percent (the curve chart's axis counts in whole units), one curve per layer
     * ({@link SweepResult#meansPerLayer}); for the revert sweep one curve, the metric against the layer reverted.
     */
    public static List<CurveChart.Curve> curvesPerLayer(SweepResult result) {
        return result.meansPerLayer().stream()
                .map(s -> new CurveChart.Curve(s.name(), s.x(), s.y(), true)).toList();
    }

    /**
     * An estimate's points at {@code sparsity} on the same layer × matrix grid as the measured sweep, the value
     * being the estimated change of the task loss. Labelled as an estimate wherever it is drawn.
     *
     * @param agreement "ρ = …" against the measured sweep, or empty
     */
    public static GridData estimateGrid(SensitivityEstimate e, double sparsity, String agreement) {
        List<String> columns = e.points().stream().map(SensitivityEstimate.Point::column).distinct().toList();
        int layers = e.points().stream().mapToInt(SensitivityEstimate.Point::layer).max().orElse(-1) + 1;
        List<GridData.Row> rows = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            List<GridData.Cell> cells = new ArrayList<>();
            for (String column : columns) {
                int l = layer;
                cells.add(e.point(l, column, sparsity).map(p -> GridData.Cell.of(null, p.lossChange()))
                        .orElseGet(() -> GridData.Cell.empty(null)));
            }
            rows.add(new GridData.Row("layer " + layer, cells));
        }
        return new GridData("ESTIMATED loss change at " + percent(sparsity) + " (not measured)",
                String.format(Locale.ROOT, "its unedited self (loss %.4f)", e.baselineLoss()), e.modelLabel(),
                "first-order Taylor with diagonal Fisher, one gradient pass" + (agreement.isEmpty() ? ""
                        : " · " + agreement), columns, rows);
    }

    private static String method(SweepSpec spec) {
        return spec.method() == PruneMethod.MAGNITUDE ? "smallest |w| first" : "random (seed " + spec.seed() + ")";
    }

    private static String percent(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p))
                + " %";
    }
}
