package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.common.Progress;
import dev.finescope.train.TinyRuns;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First-order (with diagonal Fisher) estimates of edits on the tiny classifier, against measured losses. */
class SensitivityEstimateTest {

    private static final SweepSpec CELLS = new SweepSpec(SweepSpec.Granularity.CELL,
            List.of(GridColumn.Q, GridColumn.FFN_IN), new double[] {0.2, 0.6}, PruneMethod.MAGNITUDE, 42);

    @TempDir
    static Path shared;
    static WhatIfSession session;

    @BeforeAll
    static void open() {
        TinyRuns.cacheIn(shared.resolve("cache"));
        session = WhatIfSession.open(TinyWhatIf.spec(TinyWhatIf.tunedFolder(shared), TinyWhatIf.BASE), null);
    }

    @AfterAll
    static void close() {
        session.close();
        TinyRuns.clearCache();
    }

    @Test
    void theGradientPassSeesTheLossAnIndependentForwardPassMeasures() {
        String q = new MatrixRef(0, GridColumn.Q).weightName();
        WhatIfSession.Gradients g = session.gradients(List.of(q), Progress.NONE);
        double measured = session.loss(List.of(), Progress.NONE);
        assertEquals(measured, g.loss(), 1e-5 * measured);
        assertEquals(32 * 32, g.mean().get(q).length);
    }

    @Test
    void eachPointSumsTheTermsOverExactlyTheEntriesThePruneZeroes() {
        SensitivityEstimate e = SensitivityEstimate.of(session, CELLS, Progress.NONE);
        assertEquals(2 * 2 * 2, e.points().size(), "2 layers × 2 matrices × 2 sparsities");
        String m = new MatrixRef(1, GridColumn.FFN_IN).weightName();
        WhatIfSession.Gradients g = session.gradients(List.of(m), Progress.NONE);
        float[] w = session.weights(m);
        // the smallest |w| first, ties by position: sorted here without Pruning's code
        Integer[] order = new Integer[w.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> Math.abs(w[i])).thenComparingInt(i -> i));
        int k = (int) Math.round(0.6 * w.length);
        double first = 0;
        double second = 0;
        for (int j = 0; j < k; j++) {
            int i = order[j];
            first -= g.mean().get(m)[i] * (double) w[i];
            second += 0.5 * g.meanSquare().get(m)[i] * (double) w[i] * w[i];
        }
        SensitivityEstimate.Point p = e.point(1, "FFN-in", 0.6).orElseThrow();
        assertEquals(first, p.firstOrder(), 1e-9 * Math.abs(first) + 1e-12);
        assertEquals(second, p.secondOrder(), 1e-9 * second + 1e-12);
        assertTrue(second > 0, "the curvature term of a change is never negative");
    }

    @Test
    void aRowIsTheSumOfItsMatrices() {
        SensitivityEstimate cells = SensitivityEstimate.of(session, CELLS, Progress.NONE);
        SweepSpec rows = new SweepSpec(SweepSpec.Granularity.ROW, CELLS.columns(), CELLS.sparsities(),
                PruneMethod.MAGNITUDE, 42);
        SensitivityEstimate row = SensitivityEstimate.of(session, rows, Progress.NONE);
        double sum = cells.point(0, "Q", 0.2).orElseThrow().lossChange()
                + cells.point(0, "FFN-in", 0.2).orElseThrow().lossChange();
        assertEquals(sum, row.point(0, "all", 0.2).orElseThrow().lossChange(), 1e-12 * Math.abs(sum) + 1e-15);
    }

    /**
     * Near the model the estimate is close: each matrix pruned at 20 % changes the loss within a quarter of what
     * the estimate says (measured on this model: within 17 %). Far from it, it is not: at 60 % one estimate even
     * has the wrong sign, which is why the app shows how well the estimate ranks a measured sweep.
     */
    @Test
    void smallEditsAreEstimatedNearTheMeasuredLossChangeAndLargeOnesOnlyRoughly() {
        SensitivityEstimate e = SensitivityEstimate.of(session, CELLS, Progress.NONE);
        double before = session.loss(List.of(), Progress.NONE);
        for (GridColumn c : CELLS.columns()) {
            for (int layer = 0; layer < 2; layer++) {
                double measured = session.loss(List.of(new Edit.Prune(List.of(new MatrixRef(layer, c)), 0.2,
                        PruneMethod.MAGNITUDE, 42)), Progress.NONE) - before;
                double estimated = e.point(layer, c.csvName(), 0.2).orElseThrow().lossChange();
                assertEquals(measured, estimated, 0.25 * Math.abs(measured), c + " of layer " + layer);
            }
        }
        double far = session.loss(List.of(new Edit.Prune(List.of(new MatrixRef(0, GridColumn.FFN_IN)), 0.6,
                PruneMethod.MAGNITUDE, 42)), Progress.NONE) - before;
        assertTrue(far < 0 && e.point(0, "FFN-in", 0.6).orElseThrow().lossChange() > 0,
                "measured " + far + ": the estimate of a large edit can be wrong, and is reported as an estimate");
    }

    @Test
    void revertingALayerIsEstimatedWithTheSignOfTheMeasuredChange() {
        List<GridColumn> all = List.of(GridColumn.Q, GridColumn.K, GridColumn.V, GridColumn.ATTN_OUT,
                GridColumn.FFN_IN, GridColumn.FFN_OUT);
        SweepSpec revert = new SweepSpec(SweepSpec.Granularity.ROW, all, new double[] {Double.NaN},
                PruneMethod.MAGNITUDE, 42);
        SensitivityEstimate e = SensitivityEstimate.of(session, revert, Progress.NONE);
        double before = session.loss(List.of(), Progress.NONE);
        for (int layer = 0; layer < 2; layer++) {
            int l = layer;
            double measured = session.loss(List.of(new Edit.Revert(all.stream().map(c -> new MatrixRef(l, c))
                    .toList())), Progress.NONE) - before;
            double estimated = e.point(layer, "layer", Double.NaN).orElseThrow().lossChange();
            // measured -0.053 and -0.0097; estimated -0.090 and -0.015: the sign and the order, not the size
            assertTrue(Math.signum(measured) == Math.signum(estimated) && Math.abs(estimated) < 2 * Math.abs(measured),
                    "layer " + layer + ": measured " + measured + ", estimated " + estimated);
        }
    }

    @Test
    void randomPruningIsNotEstimated() {
        SweepSpec random = new SweepSpec(SweepSpec.Granularity.CELL, CELLS.columns(), CELLS.sparsities(),
                PruneMethod.RANDOM, 42);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SensitivityEstimate.of(session, random, Progress.NONE));
        assertEquals("the estimate covers pruning by magnitude (and reverting), not random pruning", e.getMessage());
    }
}
