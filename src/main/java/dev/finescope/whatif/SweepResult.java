package dev.finescope.whatif;

import dev.finescope.chart.CurveChart;
import dev.finescope.chart.GridData;
import dev.finescope.checkpoint.GridColumn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The points of a sweep with what they mean (model, metric, baseline, spec), in the shapes the charts take:
 * a layer × matrix grid per sparsity for the heatmap, and one metric-against-sparsity curve per layer.
 *
 * @param complete false when the sweep was cancelled before its last point
 */
public record SweepResult(String modelLabel, String primaryMetric, double baseline, SweepSpec spec,
                          List<SweepPoint> points, boolean complete) {

    public SweepResult {
        points = List.copyOf(points);
    }

    /**
     * The metric at {@code sparsity} on the layer × matrix grid: one row per layer (top: layer 0), one cell per
     * swept column (one {@code all} cell for a ROW sweep, one {@code layer} cell for the revert-each-layer sweep,
     * whose points have sparsity NaN: ask for {@code grid(Double.NaN)}); cells not yet evaluated are empty. The
     * values are the metric itself (a magnitude: draw it on a linear scale); {@link SweepPoint#delta} holds the
     * signed change.
     */
    public GridData grid(double sparsity) {
        return grid(sparsity, false);
    }

    /**
     * As {@link #grid}, with the signed change against the unedited model ({@link SweepPoint#delta}) in the cells:
     * for a diverging colour map centred on zero ({@code chart.DivergingColorMap}).
     */
    public GridData deltaGrid(double sparsity) {
        return grid(sparsity, true);
    }

    private GridData grid(double sparsity, boolean delta) {
        List<String> columns = columnKeys();
        List<GridData.Row> rows = new ArrayList<>();
        for (int layer = 0; layer < layerCount(); layer++) {
            List<GridData.Cell> cells = new ArrayList<>();
            for (String column : columns) {
                cells.add(find(layer, column, sparsity).map(p -> GridData.Cell.of(null, delta ? p.delta() : p.metric()))
                        .orElseGet(() -> GridData.Cell.empty(null)));
            }
            rows.add(new GridData.Row("layer " + layer, cells));
        }
        String what;
        String note;
        if (spec.isRevert()) {
            what = primaryMetric + " with the layer set back to pre-trained";
            note = "row = that layer alone reverted";
        } else {
            what = primaryMetric + " at " + percent(sparsity) + " sparsity, " + method();
            note = spec.granularity() == SweepSpec.Granularity.CELL ? "cell = that matrix alone pruned"
                    : "row = its matrices pruned together";
        }
        if (delta) {
            what = "change of " + what;
        }
        return new GridData(what, "unedited " + String.format(Locale.ROOT, "%.4f", baseline), modelLabel,
                note + " · " + points.size() + " of " + total() + " points", columns, rows);
    }

    /**
     * The layers of the grid: one more than the highest layer with a point. A sweep evaluates the last layer first,
     * so a partial result has its full height from its first point on.
     */
    int layerCount() {
        int max = -1;
        for (SweepPoint p : points) {
            max = Math.max(max, p.layer());
        }
        return max + 1;
    }

    /** The grid's column keys: the swept columns' CSV names, {@code all} for a ROW sweep, {@code layer} for revert. */
    List<String> columnKeys() {
        if (spec.isRevert()) {
            return List.of("layer");
        }
        if (spec.granularity() == SweepSpec.Granularity.ROW) {
            return List.of("all");
        }
        return spec.columns().stream().map(GridColumn::csvName).toList();
    }

    /** Points of the whole sweep, as far as the grid's height is known. */
    private int total() {
        return layerCount() * columnKeys().size() * spec.sparsities().length;
    }

    private java.util.Optional<SweepPoint> find(int layer, String column, double sparsity) {
        for (SweepPoint p : points) {
            if (p.layer() == layer && p.column().equals(column) && Double.compare(p.sparsity(), sparsity) == 0) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    private String method() {
        return spec.method() == PruneMethod.MAGNITUDE ? "smallest |w| first" : "random (seed " + spec.seed() + ")";
    }

    static String percent(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p))
                + " %";
    }

    /**
     * The metric against sparsity in percent (the curve chart's axis counts in whole units), one curve per layer:
     * for a CELL sweep the mean over the layer's matrices, each pruned alone; every curve starts at sparsity 0 with
     * the baseline (pruning nothing changes nothing). For the revert sweep one curve: the metric against the layer
     * reverted.
     */
    public List<CurveChart.Curve> curvesPerLayer() {
        if (spec.isRevert()) {
            List<SweepPoint> sorted = new ArrayList<>(points);
            sorted.sort(java.util.Comparator.comparingInt(SweepPoint::layer));
            return List.of(new CurveChart.Curve("each layer reverted alone",
                    sorted.stream().mapToDouble(SweepPoint::layer).toArray(),
                    sorted.stream().mapToDouble(SweepPoint::metric).toArray(), true));
        }
        List<CurveChart.Curve> curves = new ArrayList<>();
        for (int layer = 0; layer < layerCount(); layer++) {
            TreeMap<Double, double[]> sums = new TreeMap<>();
            for (SweepPoint p : points) {
                if (p.layer() == layer) {
                    double[] s = sums.computeIfAbsent(p.sparsity(), k -> new double[2]);
                    s[0] += p.metric();
                    s[1]++;
                }
            }
            if (sums.isEmpty()) {
                continue;
            }
            sums.putIfAbsent(0.0, new double[] {baseline, 1});
            double[] x = new double[sums.size()];
            double[] y = new double[sums.size()];
            int i = 0;
            for (var e : sums.entrySet()) {
                x[i] = e.getKey() * 100;
                y[i++] = e.getValue()[0] / e.getValue()[1];
            }
            curves.add(new CurveChart.Curve("layer " + layer, x, y, true));
        }
        return curves;
    }

    /**
     * Writes the points as CSV in grid order, atomically: {@code # key: value} lines (model, sweep, metric,
     * baseline), then {@code layer,column,sparsity,metric,delta,gained,lost,examples}.
     */
    public void writeCsv(Path file) {
        SweepCsv.write(file, SweepCsv.header(modelLabel, null, spec, primaryMetric, baseline), spec, points);
    }
}
