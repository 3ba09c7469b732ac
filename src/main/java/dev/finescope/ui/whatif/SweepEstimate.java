package dev.finescope.ui.whatif;

import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.GridData;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.chart.SweepFigures;
import dev.finescope.common.Progress;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SensitivityEstimate;
import dev.finescope.whatif.SessionLease;
import dev.finescope.whatif.SweepSettings;
import dev.finescope.whatif.SweepSpec;
import dev.finescope.whatif.WhatIfSession;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;

/**
 * The sweep page's instant estimate: from one pass of gradients, every point of the sweep's grid as an estimated
 * change of the task loss ({@link SensitivityEstimate}), in seconds instead of a sweep's minutes. Drawn on the
 * same grid as the measured sweep but on its own (sequential) colour scale and titled as an estimate, with
 * Spearman's ρ against the measured sweep where both exist, so a user learns when to trust it.
 */
public final class SweepEstimate {

    /** An estimate as drawn at one sparsity, with its agreement with the measured sweep (null: none yet). */
    public record EstimatePicture(SensitivityEstimate estimate, double sparsity,
                                  SensitivityEstimate.Agreement agreement, JFreeChart heatmap) {
    }

    private final WhatIfViewModel session;
    private final SweepViewModel sweep;
    private final ReadOnlyObjectWrapper<EstimatePicture> picture = new ReadOnlyObjectWrapper<>(this, "estimate");
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown");
    private final ReadOnlyStringWrapper hover = new ReadOnlyStringWrapper(this, "hover", "");

    SweepEstimate(WhatIfViewModel session, SweepViewModel sweep) {
        this.session = session;
        this.sweep = sweep;
        sweep.shownSparsityProperty().addListener((obs, was, now) -> redraw());
        // the agreement with the measured sweep is drawn again when a sweep ends, not at each of its live
        // updates (ten a second while it runs), which would rebuild the chart on the FX thread every time
        sweep.sweepPictureProperty().addListener((obs, was, now) -> {
            if (now == null || now.result().complete()) {
                redraw();
            }
        });
        session.runningProperty().addListener((obs, was, now) -> {
            if (now == null) {
                redraw();
            }
        });
    }

    public ReadOnlyObjectProperty<EstimatePicture> pictureProperty() {
        return picture.getReadOnlyProperty();
    }

    /** The estimate of the cell under the pointer, said as an estimate; empty when none. */
    public ReadOnlyStringProperty hoverProperty() {
        return hover.getReadOnlyProperty();
    }

    /** The pointer is over row {@code row}, column {@code column} of the estimate's heatmap. */
    public void hover(int row, int column) {
        EstimatePicture p = picture.get();
        List<String> columns = p == null ? List.of()
                : p.estimate().points().stream().map(SensitivityEstimate.Point::column).distinct().toList();
        if (p == null || column < 0 || column >= columns.size()) {
            hover.set("");
            return;
        }
        hover.set(p.estimate().point(row, columns.get(column), p.sparsity()).map(e -> String.format(Locale.ROOT,
                "layer %d · %s pruned to %s: estimated loss change %+.4f (gradient term %+.4f, curvature term "
                        + "%+.4f); an estimate, not measured", row, columns.get(column),
                WhatIfCharts.percent(p.sparsity()), e.lossChange(), e.firstOrder(), e.secondOrder())).orElse(""));
    }

    /** Whether the heatmap shows the estimate rather than the measured sweep. */
    public BooleanProperty shownProperty() {
        return shown;
    }

    /** Estimates the sweep the page's settings describe (pruning by magnitude), then shows it. */
    public void run() {
        SweepSpec spec;
        try {
            spec = new SweepSpec(sweep.granularityProperty().get(), MatrixRef.matrixColumns(),
                    SweepSettings.parseSparsities(sweep.sparsitiesProperty().get()), PruneMethod.MAGNITUDE, 0);
        } catch (IllegalArgumentException e) {
            session.dialogs().showError("Cannot estimate the sweep", e.getMessage());
            return;
        }
        SessionLease l = session.leaseForNow();
        if (l == null) {
            return;
        }
        if (sweep.shownSparsityProperty().get() == null) {
            double[] s = spec.sparsities();
            sweep.shownSparsityProperty().set(s[s.length / 2]);
        }
        session.startExperiment(new ExperimentTask<SensitivityEstimate>(session, "What-if: estimating the sweep",
                l) {
            @Override
            SensitivityEstimate work(WhatIfSession s, WhatIfViewModel.SessionInfo info) {
                say("Estimating every point from one pass of gradients");
                return SensitivityEstimate.of(s, spec, Progress.cancelledWhen(this::isCancelled));
            }

            @Override
            void done(SensitivityEstimate e) {
                picture.set(pictureOf(e, sparsityFor(e)));
                shown.set(true);
                session.say("Estimated " + e.points().size() + " points of the sweep (an estimate, not measured)");
            }
        });
    }

    /** The theme changed, the shown sparsity or the measured sweep: the estimate drawn again. */
    void redraw() {
        EstimatePicture p = picture.get();
        if (p != null) {
            picture.set(pictureOf(p.estimate(), sparsityFor(p.estimate())));
        }
    }

    private double sparsityFor(SensitivityEstimate e) {
        Double s = sweep.shownSparsityProperty().get();
        double[] all = e.spec().sparsities();
        if (s != null) {
            for (double x : all) {
                if (Double.compare(x, s) == 0) {
                    return x;
                }
            }
        }
        return all[all.length / 2];
    }

    private EstimatePicture pictureOf(SensitivityEstimate e, double sparsity) {
        SweepViewModel.SweepPicture measured = sweep.sweepPictureProperty().get();
        SensitivityEstimate.Agreement a = measured == null ? null : e.spearman(measured.result().points());
        String said = a == null || a.points() < 2 ? "" : String.format(Locale.ROOT,
                "Spearman ρ %.2f against the measured sweep over %d points", a.rho(), a.points());
        GridData grid = SweepFigures.estimateGrid(e, sparsity, said);
        double max = 0;
        for (SensitivityEstimate.Point p : e.points()) {
            max = Math.max(max, Math.abs(p.lossChange()));
        }
        Range range = new Range(-Math.max(max, 1e-9), Math.max(max, 1e-9));
        ChartStyle style = session.drawingStyle();
        JFreeChart chart = HeatmapChart.create(grid, HeatmapChart.Scale.LINEAR, range, false, style);
        if (chart.getSubtitleCount() > 0 && chart.getSubtitle(0) instanceof TextTitle note) {
            // a signed value: the colours say which way, not how much change
            note.setText(grid.cellNote() + " · linear colour scale, centred on 0: yellow = the loss is estimated to "
                    + "rise most, purple = to fall");
        }
        return new EstimatePicture(e, sparsity, a, chart);
    }

    /** The estimate's points, for "export table". */
    List<SensitivityEstimate.Point> points() {
        EstimatePicture p = picture.get();
        return p == null ? List.of() : p.estimate().points();
    }
}
