package dev.finescope.ui.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The work a sweep's pictures cost, counted by a chart sink: one cell write per point, at most one curve write per
 * point, and flushes bounded by the sweep's time / 100 ms, whatever the number of points. A sweep that rebuilt its
 * result and charts at every point did points² work: these counts grow with the points, and no more.
 */
class LiveSweepTest {

    private final ScheduledExecutorService drawing = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        drawing.shutdownNow();
    }

    /** Counts what a sweep asks of its charts; checks they are asked on one thread at a time. */
    private static final class CountingSink implements LiveSweep.Sink {
        final Set<String> cellsSeen = new HashSet<>();
        final List<Integer> cellsPerFlush = new ArrayList<>();
        int cells;
        int curves;
        int pending;
        SweepResult last;
        int lastDone;
        private volatile boolean busy;

        private void enter() {
            assertTrue(!busy, "two threads in the sink at once");
            busy = true;
        }

        @Override
        public void cell(int s, int layer, int column, SweepPoint point) {
            enter();
            cells++;
            pending++;
            assertTrue(cellsSeen.add(s + ":" + layer + ":" + column), "a cell written twice: " + point);
            busy = false;
        }

        @Override
        public void curve(int layer, int s, double mean) {
            enter();
            curves++;
            busy = false;
        }

        @Override
        public void flush(SweepResult soFar, int done, int total) {
            enter();
            cellsPerFlush.add(pending);
            pending = 0;
            last = soFar;
            lastDone = done;
            busy = false;
        }
    }

    /** A CELL sweep of {@code layers} layers × 6 matrices × 5 sparsities, a point every {@code micros} µs. */
    private CountingSink sweep(int layers, long micros, long[] elapsedMillis) throws InterruptedException {
        SweepSpec spec = SweepSpec.defaults();
        CountingSink sink = new CountingSink();
        LiveSweep live = new LiveSweep("m", "accuracy", 0.9, spec, layers, sink, drawing);
        int total = layers * 6 * 5;
        int done = 0;
        long start = System.nanoTime();
        for (int layer = layers - 1; layer >= 0; layer--) {
            for (var c : MatrixRef.matrixColumns()) {
                for (double s : spec.sparsities()) {
                    live.accept(new SweepPoint(layer, c.csvName(), s, 0.9 - s / 10, -s / 10), ++done, total);
                    TimeUnit.MICROSECONDS.sleep(micros);
                }
            }
        }
        live.finish(true);
        elapsedMillis[0] = (System.nanoTime() - start) / 1_000_000;
        return sink;
    }

    @Test
    void eachPointWritesOneCellOnceAndFlushesAreBoundedByTimeNotByPoints() throws Exception {
        for (int layers : new int[] {6, 24}) {
            long[] elapsed = new long[1];
            CountingSink sink = sweep(layers, 1_000, elapsed);
            int points = layers * 30;
            assertEquals(points, sink.cells, "one cell write per point");
            assertEquals(points, sink.cellsPerFlush.stream().mapToInt(Integer::intValue).sum(),
                    "no flush writes an earlier point again");
            assertTrue(sink.curves <= points && sink.curves >= layers * 5,
                    "one curve write per changed layer and sparsity: " + sink.curves);
            int flushes = sink.cellsPerFlush.size();
            assertTrue(flushes <= elapsed[0] / LiveSweep.INTERVAL_MILLIS + 2, flushes + " flushes for " + points
                    + " points in " + elapsed[0] + " ms");
            assertTrue(flushes >= 2, "partial results were shown while the points came: " + flushes);
            assertEquals(points, sink.last.points().size());
            assertTrue(sink.last.complete());
            assertEquals(points, sink.lastDone);
        }
    }

    @Test
    void pointsThatComeFasterThanTheIntervalFoldIntoFewFlushes() throws Exception {
        long[] elapsed = new long[1];
        CountingSink sink = sweep(12, 0, elapsed);
        assertEquals(12 * 30, sink.cells);
        assertTrue(sink.cellsPerFlush.size() <= elapsed[0] / LiveSweep.INTERVAL_MILLIS + 2,
                sink.cellsPerFlush.size() + " flushes in " + elapsed[0] + " ms");
    }

    @Test
    void theCurvesAreTheMeansOfEachLayersMatrices() throws Exception {
        SweepSpec spec = new SweepSpec(SweepSpec.Granularity.CELL, MatrixRef.matrixColumns().subList(0, 2),
                new double[] {0.5}, PruneMethod.MAGNITUDE, 1);
        List<double[]> curves = new ArrayList<>();
        LiveSweep live = new LiveSweep("m", "accuracy", 0.9, spec, 1, new LiveSweep.Sink() {
            @Override
            public void cell(int s, int layer, int column, SweepPoint point) {
            }

            @Override
            public void curve(int layer, int s, double mean) {
                curves.add(new double[] {layer, s, mean});
            }

            @Override
            public void flush(SweepResult soFar, int done, int total) {
            }
        }, drawing);
        live.queue(new SweepPoint(0, "Q", 0.5, 0.8, -0.1), 1, 2);
        live.queue(new SweepPoint(0, "K", 0.5, 0.6, -0.3), 2, 2);
        live.finish(true);
        assertEquals(1, curves.size());
        assertEquals(0.7, curves.get(0)[2], 1e-12);
    }
}
