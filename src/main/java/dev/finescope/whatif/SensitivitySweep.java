package dev.finescope.whatif;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.common.Progress;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sensitivity sweeps: every matrix or layer pruned at several sparsities, or every layer reverted to its
 * pre-trained values, one evaluation per point. Each finished point is appended to a CSV, so that a cancelled
 * sweep resumes where it stopped.
 *
 * <p>Order: from the last layer to the first, and a matrix's sparsities one after the other. With the session's
 * cache a point at layer L costs layers L … end whatever ran before it, so no order changes the total; the last
 * layer first gives the cheapest points first (a partial result shows most for its time, and the grid's height is
 * known from the first point), and a matrix's sparsities in a row reuse its magnitude order, sorted once.
 */
public final class SensitivitySweep {

    private static final Logger LOGGER = LoggerFactory.getLogger(SensitivitySweep.class);

    private SensitivitySweep() {
    }

    /** One point to evaluate. */
    private record Task(int layer, String column, double sparsity, List<Edit> edits) {
        String key() {
            return key(layer, column, sparsity);
        }

        static String key(int layer, String column, double sparsity) {
            return layer + "," + column + "," + sparsity;
        }
    }

    /**
     * Runs in an order that makes the most of the cache; points already in {@code resumeCsv} (when it exists) are
     * not recomputed; every finished point is appended (flushed) to it, so a cancelled sweep resumes. A finished
     * sweep rewrites the file atomically in grid order.
     *
     * @param resumeCsv may be null (nothing written); an existing file of another model, data or sweep is refused
     *                  with an {@link IllegalArgumentException} naming it
     * @param cancel    checked before every point, and within a point at every batch and layer
     * @return the points (resumed ones included); {@code complete} false when cancelled
     */
    public static SweepResult run(WhatIfSession session, SweepSpec spec, Path resumeCsv, SweepListener listener,
            Progress cancel) {
        if (spec.isRevert()) {
            throw new IllegalArgumentException("a sensitivity sweep needs sparsities in 0 … 1; use revertEachLayer "
                    + "to revert layers");
        }
        List<Task> tasks = tasks(session.layerCount(), spec);
        Outcome baseline = session.baseline();
        Map<String, String> header = SweepCsv.header(session.modelLabel(), session.identity(), spec,
                session.primaryMetric(), baseline.primary());
        List<SweepPoint> points = new ArrayList<>();
        Map<String, SweepPoint> resumed = new HashMap<>();
        if (resumeCsv != null && Files.exists(resumeCsv)) {
            SweepCsv.Contents old = SweepCsv.read(resumeCsv);
            requireSame(resumeCsv, old.header(), header, SweepCsv.SESSION, "model and data");
            requireSame(resumeCsv, old.header(), header, SweepCsv.SWEEP, "sweep");
            for (SweepPoint p : old.points()) {
                resumed.put(Task.key(p.layer(), p.column(), p.sparsity()), p);
            }
        }
        SweepListener tell = listener == null ? SweepListener.NONE : listener;
        List<Task> todo = new ArrayList<>();
        // a point from a file written before the flips were kept is evaluated again where they can be counted
        boolean counts = baseline.change() != null;
        for (Task t : tasks) {
            SweepPoint p = resumed.get(t.key());
            if (p != null && (p.change() != null || !counts)) {
                points.add(p);
                tell.point(p, points.size(), tasks.size());
            } else {
                todo.add(t);
            }
        }
        if (!resumed.isEmpty()) {
            LOGGER.info("{}: resuming a sweep with {} of {} points done", resumeCsv, points.size(), tasks.size());
        }
        if (resumeCsv != null) {
            SweepCsv.write(resumeCsv, header, spec, points);
        }
        boolean complete = true;
        try (BufferedWriter csv = resumeCsv == null ? null : SweepCsv.appender(resumeCsv)) {
            for (Task t : todo) {
                if (cancel.isCancelled()) {
                    complete = false;
                    break;
                }
                Outcome o;
                try {
                    o = session.evaluate(t.edits(), cancel);
                } catch (CancellationException e) {
                    complete = false;
                    break;
                }
                SweepPoint p = new SweepPoint(t.layer(), t.column(), t.sparsity(), o.primary(), o.delta(), o.change());
                points.add(p);
                if (csv != null) {
                    csv.write(SweepCsv.row(p));
                    csv.flush();
                }
                tell.point(p, points.size(), tasks.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(resumeCsv + ": cannot append: " + e.getMessage(), e);
        }
        if (complete && resumeCsv != null) {
            SweepCsv.write(resumeCsv, header, spec, points);
        }
        return new SweepResult(session.modelLabel(), session.primaryMetric(), baseline.primary(), spec, points,
                complete);
    }

    private static void requireSame(Path csv, Map<String, String> old, Map<String, String> now, String key,
            String what) {
        String was = old.get(key);
        if (!now.get(key).equals(was)) {
            throw new IllegalArgumentException(csv + ": holds points of another " + what + " (" + key + ": "
                    + (was == null ? "none" : was) + "; this one: " + now.get(key)
                    + "); give another CSV to start afresh");
        }
    }

    /** Every point of the sweep in evaluation order: last layer first, a matrix's sparsities in a row. */
    private static List<Task> tasks(int layers, SweepSpec spec) {
        List<Task> out = new ArrayList<>();
        for (int layer = layers - 1; layer >= 0; layer--) {
            if (spec.granularity() == SweepSpec.Granularity.CELL) {
                for (GridColumn c : spec.columns()) {
                    List<MatrixRef> one = List.of(new MatrixRef(layer, c));
                    for (double s : spec.sparsities()) {
                        out.add(new Task(layer, c.csvName(), s,
                                List.of(new Edit.Prune(one, s, spec.method(), spec.seed()))));
                    }
                }
            } else {
                List<MatrixRef> row = new ArrayList<>();
                for (GridColumn c : spec.columns()) {
                    row.add(new MatrixRef(layer, c));
                }
                for (double s : spec.sparsities()) {
                    out.add(new Task(layer, "all", s, List.of(new Edit.Prune(row, s, spec.method(), spec.seed()))));
                }
            }
        }
        return out;
    }

    /**
     * Sets each layer back to the base's values, one at a time, last layer first: which layers' fine-tuning carries
     * the task (the paper's critical layers). Points have column {@code layer} and sparsity NaN.
     *
     * @throws IllegalArgumentException when the session knows no base
     * @return the points; {@code complete} false when cancelled
     */
    public static SweepResult revertEachLayer(WhatIfSession session, SweepListener listener, Progress cancel) {
        if (!session.canRevert()) {
            throw new IllegalArgumentException(session.modelLabel() + ": reverting needs the pre-trained base model; "
                    + "give a base (or open an overlay, which names its base)");
        }
        SweepListener tell = listener == null ? SweepListener.NONE : listener;
        double baseline = session.baseline().primary();
        int layers = session.layerCount();
        List<SweepPoint> points = new ArrayList<>();
        boolean complete = true;
        for (int layer = layers - 1; layer >= 0; layer--) {
            if (cancel.isCancelled()) {
                complete = false;
                break;
            }
            Outcome o;
            try {
                o = session.evaluate(List.of(new Edit.RevertLayers(List.of(layer))), cancel);
            } catch (CancellationException e) {
                complete = false;
                break;
            }
            SweepPoint p = new SweepPoint(layer, "layer", Double.NaN, o.primary(), o.delta(), o.change());
            points.add(p);
            tell.point(p, points.size(), layers);
        }
        return new SweepResult(session.modelLabel(), session.primaryMetric(), baseline, SweepSpec.revertLayers(),
                points, complete);
    }
}
