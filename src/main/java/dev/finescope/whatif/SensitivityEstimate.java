package dev.finescope.whatif;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an edit would do to the task loss, estimated from one pass of gradients instead of measured: for a change
 * Δw of a matrix, {@code ΔL ≈ Σ g·Δw + ½ Σ F·Δw²}, with {@code g} the mean gradient of the loss over the
 * session's examples and {@code F} the mean squared batch gradient (a diagonal Fisher estimate of the curvature).
 * Pruning at sparsity s by magnitude sets the round(s·n) smallest |w| of a weight matrix to zero ({@code Δw = −w}
 * there, ties by position as the measured prune breaks them); reverting sets a matrix's weight and bias to the
 * base ({@code Δw = w_base − w}), as the measured revert does.
 * A row (layer) is the sum over its matrices, as the terms add up. An estimate is not a measurement: it is
 * labelled as one wherever it is shown, and {@link #spearman} says how well it ranked what was measured.
 *
 * @param baselineLoss the unedited model's mean loss over the examples
 * @param points       one estimate per (layer, column key, sparsity) of the spec, in grid order
 */
public record SensitivityEstimate(String modelLabel, SweepSpec spec, double baselineLoss, List<Point> points) {

    /**
     * The estimated loss change of one edit.
     *
     * @param column      the swept column's CSV name, {@code all} for a row, {@code layer} for a revert
     * @param sparsity    NaN for a revert
     * @param firstOrder  {@code Σ g·Δw}
     * @param secondOrder {@code ½ Σ F·Δw²}
     */
    public record Point(int layer, String column, double sparsity, double firstOrder, double secondOrder) {

        /** The estimated change of the loss: both terms. */
        public double lossChange() {
            return firstOrder + secondOrder;
        }
    }

    public SensitivityEstimate {
        points = List.copyOf(points);
    }

    /** Estimates every point of {@code spec} (pruning by magnitude, or reverting each layer) on the session. */
    public static SensitivityEstimate of(WhatIfSession session, SweepSpec spec, Progress progress) {
        if (!spec.isRevert() && spec.method() != PruneMethod.MAGNITUDE) {
            throw new IllegalArgumentException("the estimate covers pruning by magnitude (and reverting), not "
                    + spec.method().name().toLowerCase(java.util.Locale.ROOT) + " pruning");
        }
        List<String> tensors = new ArrayList<>();
        for (int layer = 0; layer < session.layerCount(); layer++) {
            for (GridColumn c : spec.columns()) {
                MatrixRef m = new MatrixRef(layer, c);
                tensors.add(m.weightName());
                if (spec.isRevert() && session.has(m.biasName())) {
                    tensors.add(m.biasName());
                }
            }
        }
        WhatIfSession.Gradients g = session.gradients(tensors, progress);
        List<Point> points = new ArrayList<>();
        for (int layer = 0; layer < session.layerCount(); layer++) {
            if (spec.isRevert()) {
                double[] sum = new double[2];
                for (GridColumn c : spec.columns()) {
                    MatrixRef m = new MatrixRef(layer, c);
                    for (String tensor : List.of(m.weightName(), m.biasName())) {
                        if (!g.mean().containsKey(tensor)) {
                            continue;
                        }
                        float[] w = session.weights(tensor);
                        float[] base = session.baseWeights(tensor);
                        float[] delta = new float[w.length];
                        for (int i = 0; i < w.length; i++) {
                            delta[i] = base[i] - w[i];
                        }
                        add(sum, terms(g.mean().get(tensor), g.meanSquare().get(tensor), delta, null, w.length));
                    }
                }
                points.add(new Point(layer, "layer", Double.NaN, sum[0], sum[1]));
                continue;
            }
            for (double s : spec.sparsities()) {
                double[] row = new double[2];
                for (GridColumn c : spec.columns()) {
                    String tensor = new MatrixRef(layer, c).weightName();
                    float[] w = session.weights(tensor);
                    int k = Pruning.count(s, w.length);
                    int[] order = Pruning.magnitudeOrder(w);
                    float[] delta = new float[w.length];
                    for (int i = 0; i < w.length; i++) {
                        delta[i] = -w[i];
                    }
                    double[] t = terms(g.mean().get(tensor), g.meanSquare().get(tensor), delta, order, k);
                    if (spec.granularity() == SweepSpec.Granularity.CELL) {
                        points.add(new Point(layer, c.csvName(), s, t[0], t[1]));
                    } else {
                        add(row, t);
                    }
                }
                if (spec.granularity() == SweepSpec.Granularity.ROW) {
                    points.add(new Point(layer, "all", s, row[0], row[1]));
                }
            }
        }
        return new SensitivityEstimate(session.modelLabel(), spec, g.loss(), points);
    }

    /** Both terms over the entries {@code order[0 … k)} (every entry {@code [0, k)} when order is null). */
    private static double[] terms(float[] g, float[] f, float[] delta, int[] order, int k) {
        double first = 0;
        double second = 0;
        for (int j = 0; j < k; j++) {
            int i = order == null ? j : order[j];
            double d = delta[i];
            first += g[i] * d;
            second += 0.5 * f[i] * d * d;
        }
        return new double[] {first, second};
    }

    private static void add(double[] into, double[] t) {
        into[0] += t[0];
        into[1] += t[1];
    }

    /** The estimate at a grid point, when the spec has it. */
    public Optional<Point> point(int layer, String column, double sparsity) {
        return points.stream().filter(p -> p.layer() == layer && p.column().equals(column)
                && Double.compare(p.sparsity(), sparsity) == 0).findFirst();
    }

    /**
     * How well the estimate ranks a measured sweep of the same grid: Spearman's ρ between the estimated loss
     * increase and the measured fall of the primary metric, over the points both have (an accuracy that falls
     * more should come with a loss that rises more: ρ near 1 means the estimate can be trusted to rank edits).
     *
     * @return ρ and the number of shared points; ρ NaN below two points
     */
    public Agreement spearman(List<SweepPoint> measured) {
        List<double[]> pairs = new ArrayList<>();
        for (SweepPoint p : measured) {
            point(p.layer(), p.column(), p.sparsity()).ifPresent(e -> pairs.add(new double[] {e.lossChange(),
                -p.delta()}));
        }
        double[] x = pairs.stream().mapToDouble(a -> a[0]).toArray();
        double[] y = pairs.stream().mapToDouble(a -> a[1]).toArray();
        return new Agreement(Spearman.rho(x, y), pairs.size());
    }

    /**
     * The points of a measured sweep's CSV ({@code finescope whatif sweep --csv}, the app's sweep CSV): a
     * {@link IllegalArgumentException} naming the file when it is not one.
     */
    public static List<SweepPoint> measuredPoints(java.nio.file.Path sweepCsv) {
        return SweepCsv.read(sweepCsv).points();
    }

    /** Spearman's ρ between estimate and measurement, over {@code points} shared points. */
    public record Agreement(double rho, int points) {
    }
}
