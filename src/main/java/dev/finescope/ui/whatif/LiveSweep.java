package dev.finescope.ui.whatif;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A sweep's points on their way to its pictures, at a cost linear in the points. The evaluation thread only queues
 * each point (no copy of what came before, no chart); at most every {@link #INTERVAL_MILLIS} ms, on the drawing
 * thread, the points that came since are handed to a {@link Sink} once each: the cell each fills, and the new mean
 * of each layer's curve they change; then the sink is told to show them. Once the sweep ends, {@link #finish} hands
 * over the rest at once, on the caller's thread.
 */
final class LiveSweep {

    /** Publishes at most this often. */
    static final long INTERVAL_MILLIS = 100;

    /** Where the points go: called on one thread at a time, in the order cell…, curve…, flush. */
    interface Sink {
        /** A point filled its cell: sparsity {@code s} (an index into the spec's), {@code layer}, {@code column}. */
        void cell(int s, int layer, int column, SweepPoint point);

        /** The mean metric of {@code layer}'s matrices pruned to sparsity {@code s} is now {@code mean}. */
        void curve(int layer, int s, double mean);

        /**
         * What came since the last flush is all there: show it.
         *
         * @param soFar every point so far, with what they mean ({@code complete} once the sweep ended whole)
         */
        void flush(SweepResult soFar, int done, int total);
    }

    private final String modelLabel;
    private final String metric;
    private final double baseline;
    private final SweepSpec spec;
    private final List<String> columns;
    private final double[] sparsities;
    private final Sink sink;
    private final Throttle throttle;
    private final ConcurrentLinkedQueue<Arrived> queue = new ConcurrentLinkedQueue<>();
    /** Per layer and sparsity: the sum and count of the metric so far (the curves' means). */
    private final double[][] sums;
    private final int[][] counts;
    private final List<SweepPoint> points = new ArrayList<>();
    private int done;
    private int total;
    private boolean finished;

    private record Arrived(SweepPoint point, int done, int total) {
    }

    /**
     * @param layers    the model's encoder layers
     * @param scheduler the drawing thread; one thread, so that flushes never overlap; null to flush on the thread
     *                  that hands in the points, at most once per interval
     */
    LiveSweep(String modelLabel, String metric, double baseline, SweepSpec spec, int layers, Sink sink,
            ScheduledExecutorService scheduler) {
        this.modelLabel = modelLabel;
        this.metric = metric;
        this.baseline = baseline;
        this.spec = spec;
        this.columns = columnKeys(spec);
        this.sparsities = spec.sparsities();
        this.sink = sink;
        this.sums = new double[layers][sparsities.length];
        this.counts = new int[layers][sparsities.length];
        this.throttle = new Throttle(INTERVAL_MILLIS, TimeUnit.MILLISECONDS, scheduler, this::drain);
    }

    /** The keys of a sweep's grid columns: the swept columns' CSV names, or {@code all} for a ROW sweep. */
    static List<String> columnKeys(SweepSpec spec) {
        return spec.granularity() == SweepSpec.Granularity.ROW ? List.of("all")
                : spec.columns().stream().map(GridColumn::csvName).toList();
    }

    /** A point finished (any thread; returns at once). */
    void accept(SweepPoint point, int done, int total) {
        queue(point, done, total);
        throttle.request();
    }

    /** Queues a point without asking for a flush: {@link #finish} hands it over. */
    void queue(SweepPoint point, int done, int total) {
        queue.add(new Arrived(point, done, total));
    }

    /**
     * The sweep ended: hands over what is left and flushes with {@code complete}, on this thread; later requests of
     * the throttle find nothing to do.
     */
    void finish(boolean complete) {
        drain(true, complete);
    }

    private void drain() {
        drain(false, false);
    }

    private synchronized void drain(boolean last, boolean complete) {
        if (finished) {
            return;
        }
        finished = last;
        boolean[][] changed = new boolean[sums.length][sparsities.length];
        boolean any = false;
        for (Arrived a; (a = queue.poll()) != null; ) {
            SweepPoint p = a.point();
            done = a.done();
            total = a.total();
            int s = sparsityIndex(p.sparsity());
            int column = columns.indexOf(p.column());
            if (s < 0 || column < 0 || p.layer() < 0 || p.layer() >= sums.length) {
                continue;
            }
            points.add(p);
            sink.cell(s, p.layer(), column, p);
            if (Double.isFinite(p.metric())) {
                sums[p.layer()][s] += p.metric();
                counts[p.layer()][s]++;
                changed[p.layer()][s] = true;
            }
            any = true;
        }
        if (!any && !last) {
            return;
        }
        for (int layer = 0; layer < sums.length; layer++) {
            for (int s = 0; s < sparsities.length; s++) {
                if (changed[layer][s]) {
                    sink.curve(layer, s, sums[layer][s] / counts[layer][s]);
                }
            }
        }
        sink.flush(new SweepResult(modelLabel, metric, baseline, spec, points, last && complete), done, total);
    }

    private int sparsityIndex(double sparsity) {
        for (int i = 0; i < sparsities.length; i++) {
            if (Double.compare(sparsities[i], sparsity) == 0) {
                return i;
            }
        }
        return -1;
    }
}
