package dev.finescope.analysis;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * How far each attention head moved: Q, K and V split by head along their outputs (a head owns {@code head size}
 * rows of the {@code [out, in]} weight, and the same entries of the bias), attention-out split along its inputs (a
 * head owns {@code head size} columns of the weight; the bias is shared, so it is left out). Each head's block is
 * measured with every metric of {@link Metric}, as a whole tensor is, so a head's {@code rel_l2} is
 * {@code ‖ΔW_h‖/‖W_h‖} over its own block.
 *
 * @param heads   heads per layer
 * @param metrics per matrix kind (Q, K, V, AttnOut), {@code [layer][head]}; null where the model lacks the matrix
 */
public record HeadComparison(String baseLabel, String tunedLabel, int layers, int heads,
                             Map<GridColumn, TensorMetrics[][]> metrics) {

    /** The matrix kinds split by head, in the order the grids show them. */
    public static final List<GridColumn> KINDS = List.of(GridColumn.Q, GridColumn.K, GridColumn.V,
            GridColumn.ATTN_OUT);

    /** The metrics of {@code kind}'s head {@code head} in {@code layer}. */
    public TensorMetrics of(GridColumn kind, int layer, int head) {
        TensorMetrics[][] grid = metrics.get(kind);
        return grid == null ? null : grid[layer][head];
    }

    /**
     * Compares every attention matrix of {@code base} and {@code tuned} head by head.
     *
     * @param heads    the model's heads per layer ({@code num_attention_heads}); the hidden size must divide by it
     * @param withBias measure each head over its weight rows and bias entries together (Q, K, V), as
     *                 {@code --with-bias} does for grid cells; otherwise weights only
     * @throws CheckpointException naming the tuned checkpoint when a matrix has another shape in the two models
     *                             or its size does not split into {@code heads} heads
     */
    public static HeadComparison compare(Checkpoint base, String baseLabel, Checkpoint tuned, String tunedLabel,
            NameMap names, int heads, boolean withBias, Progress progress) {
        if (heads < 1) {
            throw new IllegalArgumentException("heads must be at least 1, not " + heads);
        }
        List<Found> found = new ArrayList<>();
        int layers = 0;
        for (String name : base.tensorNames()) {
            Optional<NameMap.Match> m = names.match(name);
            if (m.isEmpty() || !tuned.contains(name)) {
                continue;
            }
            GridPosition p = m.get().position();
            if (p.row().kind() != GridRow.Kind.LAYER || !KINDS.contains(p.column())
                    || p.part() == GridPosition.Part.BIAS && (!withBias || p.column() == GridColumn.ATTN_OUT)) {
                continue;
            }
            found.add(new Found(name, p, m.get().storedTransposed()));
            layers = Math.max(layers, p.row().layer() + 1);
        }
        Map<GridColumn, MetricSums[][]> sums = new EnumMap<>(GridColumn.class);
        for (int i = 0; i < found.size(); i++) {
            if (progress.isCancelled()) {
                throw new CancellationException("the head comparison was cancelled");
            }
            Found f = found.get(i);
            progress.update(i, found.size(), "heads of " + f.name);
            MetricSums[] perHead = perHead(base.tensor(f.name), tuned.tensor(f.name), f, heads, tuned);
            MetricSums[][] grid = sums.computeIfAbsent(f.position.column(), k -> new MetricSums[0][]);
            if (grid.length < layers) {
                MetricSums[][] grown = new MetricSums[layers][];
                System.arraycopy(grid, 0, grown, 0, grid.length);
                grid = grown;
                sums.put(f.position.column(), grid);
            }
            int layer = f.position.row().layer();
            grid[layer] = grid[layer] == null ? perHead : plus(grid[layer], perHead);
        }
        progress.update(found.size(), found.size(), "heads compared");
        Map<GridColumn, TensorMetrics[][]> metrics = new EnumMap<>(GridColumn.class);
        for (var e : sums.entrySet()) {
            TensorMetrics[][] grid = new TensorMetrics[layers][heads];
            for (int l = 0; l < layers && l < e.getValue().length; l++) {
                for (int h = 0; h < heads && e.getValue()[l] != null; h++) {
                    grid[l][h] = TensorMetrics.of(e.getValue()[l][h]);
                }
            }
            metrics.put(e.getKey(), grid);
        }
        return new HeadComparison(baseLabel, tunedLabel, layers, heads, metrics);
    }

    private record Found(String name, GridPosition position, boolean transposed) {
    }

    /** The sums of each head's block of one tensor (weight or bias). */
    private static MetricSums[] perHead(Tensor a, Tensor b, Found f, int heads, Checkpoint tuned) {
        long[] shape = a.shape();
        if (!java.util.Arrays.equals(shape, b.shape())) {
            throw new CheckpointException(tuned.source(), f.name + ": shape " + Tensor.shapeString(shape)
                    + " in base, " + Tensor.shapeString(b.shape()) + " in tuned");
        }
        int rows = shape.length == 2 ? (int) shape[0] : 1;
        int cols = shape.length == 2 ? (int) shape[1] : (int) shape[0];
        // the dimension a head owns: outputs for Q, K, V; inputs for attention-out; a [in, out] file swaps them
        boolean byColumn = (f.position.column() == GridColumn.ATTN_OUT) != f.transposed || shape.length == 1;
        int split = byColumn ? cols : rows;
        if (split % heads != 0) {
            throw new CheckpointException(tuned.source(), f.name + ": " + split + " does not split into " + heads
                    + " heads");
        }
        int width = split / heads;
        MetricSums[] out = new MetricSums[heads];
        int blockSize = (byColumn ? rows : cols) * width;
        float[] p = new float[blockSize];
        float[] q = new float[blockSize];
        for (int h = 0; h < heads; h++) {
            int n = 0;
            // a head's block only, never the whole matrix: a row-major block of rows, or a strip of each row
            if (byColumn) {
                for (int r = 0; r < rows; r++) {
                    a.readFloats((long) r * cols + (long) h * width, p, n, width);
                    b.readFloats((long) r * cols + (long) h * width, q, n, width);
                    n += width;
                }
            } else {
                a.readFloats((long) h * width * cols, p, 0, blockSize);
                b.readFloats((long) h * width * cols, q, 0, blockSize);
                n = blockSize;
            }
            MetricSums s = MetricSums.of(p, q, n);
            out[h] = s.isClosedFormAccurate() ? s.withUnitDiffSq(s.closedFormUnitDiffSq())
                    : s.withUnitDiffSq(Analyzer.unitDiffSq(p, q, n, s.baseNorm(), s.tunedNorm()));
        }
        return out;
    }

    /** Weight and bias of a head together, merged exactly as a grid cell merges them. */
    private static MetricSums[] plus(MetricSums[] a, MetricSums[] b) {
        MetricSums[] out = new MetricSums[a.length];
        for (int h = 0; h < a.length; h++) {
            out[h] = a[h].plus(b[h]);
        }
        return out;
    }
}
