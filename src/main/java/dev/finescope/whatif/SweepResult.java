package dev.finescope.whatif;

import dev.finescope.chart.CurveChart;
import dev.finescope.chart.GridData;
import java.nio.file.Path;
import java.util.List;

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
     * swept column (one {@code all} cell for a ROW sweep); cells not yet evaluated are empty.
     */
    public GridData grid(double sparsity) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The metric against sparsity, one curve per layer (for a CELL sweep: the layer's mean over its matrices). */
    public List<CurveChart.Curve> curvesPerLayer() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes the points as CSV, atomically. */
    public void writeCsv(Path file) {
        throw new UnsupportedOperationException("not yet");
    }
}
