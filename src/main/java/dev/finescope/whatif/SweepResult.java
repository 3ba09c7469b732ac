package dev.finescope.whatif;

import dev.finescope.checkpoint.GridColumn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The points of a sweep with what they mean (model, metric, baseline, spec): numbers only, which
 * {@code chart.SweepFigures} draws as a layer × matrix grid per sparsity and one curve per layer.
 *
 * @param complete false when the sweep was cancelled before its last point
 */
public record SweepResult(String modelLabel, String primaryMetric, double baseline, SweepSpec spec,
                          List<SweepPoint> points, boolean complete) {

    public SweepResult {
        points = List.copyOf(points);
    }

    /**
     * The layers of the grid: one more than the highest layer with a point. A sweep evaluates the last layer first,
     * so a partial result has its full height from its first point on.
     */
    public int layerCount() {
        int max = -1;
        for (SweepPoint p : points) {
            max = Math.max(max, p.layer());
        }
        return max + 1;
    }

    /** The grid's column keys: the swept columns' CSV names, {@code all} for a ROW sweep, {@code layer} for revert. */
    public List<String> columnKeys() {
        if (spec.isRevert()) {
            return List.of("layer");
        }
        if (spec.granularity() == SweepSpec.Granularity.ROW) {
            return List.of("all");
        }
        return spec.columns().stream().map(GridColumn::csvName).toList();
    }

    /** Points of the whole sweep, as far as the grid's height is known. */
    public int plannedPoints() {
        return layerCount() * columnKeys().size() * spec.sparsities().length;
    }

    /** The point at {@code layer}, {@code column} and {@code sparsity} (NaN for a revert), when evaluated. */
    public Optional<SweepPoint> point(int layer, String column, double sparsity) {
        for (SweepPoint p : points) {
            if (p.layer() == layer && p.column().equals(column) && Double.compare(p.sparsity(), sparsity) == 0) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A named series of numbers: y against x. */
    public record Series(String name, double[] x, double[] y) {
    }

    /**
     * The metric against sparsity in percent (a chart's axis counts in whole units), one series per layer:
     * for a CELL sweep the mean over the layer's matrices, each pruned alone; every curve starts at sparsity 0 with
     * the baseline (pruning nothing changes nothing). For the revert sweep one curve: the metric against the layer
     * reverted.
     */
    public List<Series> meansPerLayer() {
        if (spec.isRevert()) {
            List<SweepPoint> sorted = new ArrayList<>(points);
            sorted.sort(java.util.Comparator.comparingInt(SweepPoint::layer));
            return List.of(new Series("each layer reverted alone",
                    sorted.stream().mapToDouble(SweepPoint::layer).toArray(),
                    sorted.stream().mapToDouble(SweepPoint::metric).toArray()));
        }
        List<Series> curves = new ArrayList<>();
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
            curves.add(new Series("layer " + layer, x, y));
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
