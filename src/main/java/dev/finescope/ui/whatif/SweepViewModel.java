package dev.finescope.ui.whatif;

import dev.finescope.chart.ChartStyle;
import dev.finescope.common.Latest;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SensitivitySweep;
import dev.finescope.whatif.SessionLease;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSettings;
import dev.finescope.whatif.SweepSpec;
import dev.finescope.whatif.WhatIfSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jfree.chart.JFreeChart;

/**
 * The Sensitivity sweep page: every matrix (or layer) pruned alone at each sparsity, drawn as a heatmap at one
 * sparsity and one curve per layer. The sweep's points reach the charts through a {@link LiveSweep} at most every
 * {@value LiveSweep#INTERVAL_MILLIS} ms, off the evaluation thread, and the charts change in place; the points are
 * kept in a CSV in the workspace's folder, so a cancelled sweep resumes where it stopped.
 */
public final class SweepViewModel {

    /**
     * The sweep as drawn: its points so far, and its charts (built once per sweep, changed in place as points
     * arrive) showing the grid at {@code sparsity} and the curves.
     */
    public record SweepPicture(SweepResult result, SweepCharts charts, double sparsity, int done, int total) {

        public JFreeChart heatmap() {
            return charts.heatmap();
        }

        public JFreeChart curves() {
            return charts.curves();
        }

        /** One line under the charts. */
        public String note() {
            String state = result.complete() ? "complete" : done + " of " + total + " points";
            return result.points().size() + " points · " + state + " · " + result.spec().method().name()
                    .toLowerCase(Locale.ROOT) + " pruning of " + WhatIfCharts.unit(result.spec());
        }
    }

    /** Percent sparsities a sweep starts with. */
    public static final String DEFAULT_SPARSITIES = "10, 30, 50, 70, 90";

    /** The thread that turns a sweep's points into chart writes, at most every 100 ms (see LiveSweep). */
    private static final ScheduledExecutorService DRAWING = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "what-if drawing");
        t.setDaemon(true);
        return t;
    });

    private final WhatIfViewModel session;

    private final ObjectProperty<SweepSpec.Granularity> granularity =
            new SimpleObjectProperty<>(this, "granularity", SweepSpec.Granularity.CELL);
    private final StringProperty sparsities = new SimpleStringProperty(this, "sparsities", DEFAULT_SPARSITIES);
    private final ObjectProperty<PruneMethod> sweepMethod =
            new SimpleObjectProperty<>(this, "sweepMethod", PruneMethod.MAGNITUDE);
    private final LongProperty sweepSeed = new SimpleLongProperty(this, "sweepSeed", 42);
    private final BooleanProperty resume = new SimpleBooleanProperty(this, "resume", true);
    private final ReadOnlyObjectWrapper<SweepPicture> sweepPicture = new ReadOnlyObjectWrapper<>(this, "sweep");
    private final ObservableList<Double> sweepSparsities = FXCollections.observableArrayList();
    private final ObjectProperty<Double> shownSparsity = new SimpleObjectProperty<>(this, "shownSparsity");
    private final ReadOnlyStringWrapper sweepHover = new ReadOnlyStringWrapper(this, "sweepHover", "");
    private final ReadOnlyObjectWrapper<Path> sweepCsv = new ReadOnlyObjectWrapper<>(this, "sweepCsv");

    private final Latest sweeps = new Latest();
    private final SweepEstimate estimate;
    /** The sparsity the heatmap shows, read by the sweep's worker for its partial pictures. */
    private volatile double shownSparsityValue = Double.NaN;

    SweepViewModel(WhatIfViewModel session) {
        this.session = session;
        this.estimate = new SweepEstimate(session, this);
        shownSparsity.addListener((obs, was, now) -> {
            shownSparsityValue = now == null ? Double.NaN : now;
            redraw();
        });
    }

    /** The sweep's instant estimate, from one pass of gradients. */
    public SweepEstimate estimate() {
        return estimate;
    }

    public ObjectProperty<SweepSpec.Granularity> granularityProperty() {
        return granularity;
    }

    /** The sweep's sparsities in percent, separated by commas or spaces. */
    public StringProperty sparsitiesProperty() {
        return sparsities;
    }

    public ObjectProperty<PruneMethod> sweepMethodProperty() {
        return sweepMethod;
    }

    public LongProperty sweepSeedProperty() {
        return sweepSeed;
    }

    /** Continue from the points of an earlier, cancelled sweep with the same settings. */
    public BooleanProperty resumeProperty() {
        return resume;
    }

    /** The sweep as drawn; null until a sweep ran. */
    public ReadOnlyObjectProperty<SweepPicture> sweepPictureProperty() {
        return sweepPicture.getReadOnlyProperty();
    }

    /** The sparsities of the sweep shown, for the heatmap's chooser. */
    public ObservableList<Double> sweepSparsities() {
        return sweepSparsities;
    }

    /** The sparsity the heatmap shows. */
    public ObjectProperty<Double> shownSparsityProperty() {
        return shownSparsity;
    }

    /** The exact numbers of the heatmap cell under the pointer. */
    public ReadOnlyStringProperty sweepHoverProperty() {
        return sweepHover.getReadOnlyProperty();
    }

    /** The CSV the sweep shown keeps its points in. */
    public ReadOnlyObjectProperty<Path> sweepCsvProperty() {
        return sweepCsv.getReadOnlyProperty();
    }

    /** Runs the sensitivity sweep: every matrix (or layer) pruned alone at each sparsity. */
    public void runSweep() {
        SweepSpec spec;
        try {
            spec = new SweepSpec(granularity.get(), MatrixRef.matrixColumns(),
                    SweepSettings.parseSparsities(sparsities.get()), sweepMethod.get(), sweepSeed.get());
        } catch (IllegalArgumentException e) {
            session.dialogs().showError("Cannot run the sweep", e.getMessage());
            return;
        }
        SessionLease l = session.leaseForNow();
        if (l == null) {
            return;
        }
        Path csv = sweepCsvFor(l.spec(), spec, session.modelProperty().get().label());
        boolean resumeEarlier = resume.get();
        List<Double> shares = new ArrayList<>();
        for (double s : spec.sparsities()) {
            shares.add(s);
        }
        sweepSparsities.setAll(shares);
        if (shownSparsity.get() == null || !shares.contains(shownSparsity.get())) {
            shownSparsity.set(shares.contains(0.5) ? 0.5 : shares.get(shares.size() / 2));
        }
        sweepCsv.set(csv);
        long generation = sweeps.next();
        String what = "sweep " + spec.granularity().name().toLowerCase(Locale.ROOT) + " × "
                + shares.size() + " sparsities, " + PruneRevertViewModel.describe(spec.method(), spec.seed());
        session.startExperiment(new ExperimentTask<SweepResult>(session, "What-if: " + what, l) {
            @Override
            SweepResult work(WhatIfSession s, WhatIfViewModel.SessionInfo info) throws IOException {
                Files.createDirectories(csv.getParent());
                if (!resumeEarlier) {
                    Files.deleteIfExists(csv);
                }
                // the charts are built once, here; points then only write their cells (see LiveSweep)
                SweepCharts charts = new SweepCharts(label(), info.metric(), info.baseline(), info.chance(), spec,
                        info.layers(), Math.max(0, indexOf(spec, shownSparsityValue)));
                charts.restyle(session.drawingStyle());
                SweepFeed feed = new SweepFeed(generation, charts);
                LiveSweep live = new LiveSweep(label(), info.metric(), info.baseline(), spec, info.layers(), feed,
                        Platform.isFxApplicationThread() ? null : DRAWING);
                SweepResult r;
                try {
                    r = SensitivitySweep.run(s, spec, csv, (p, done, total) -> {
                        updateProgress(done, total);
                        say("Sweep: layer " + p.layer() + " · " + p.column() + " at "
                                + WhatIfCharts.percent(p.sparsity()) + " (" + done + " of " + total + ")");
                        live.accept(p, done, total);
                    }, Progress.cancelledWhen(this::isCancelled));
                } catch (CancellationException e) {
                    live.finish(false);
                    throw e;
                }
                live.finish(r.complete());
                return new SweepResult(label(), r.primaryMetric(), r.baseline(), r.spec(), r.points(), r.complete());
            }

            @Override
            void done(SweepResult r) {
                session.say(what + ": " + r.points().size() + " points" + (r.complete() ? "" : " (stopped early)")
                        + " · kept in " + csv.getFileName());
            }

            @Override
            void stopped() {
                session.say(what + ": cancelled; the points so far are kept in " + csv.getFileName() + " (in the "
                        + "workspace's whatif folder), and a new run with the same settings resumes from them");
            }
        });
    }

    /**
     * The pointer is over chart row {@code row}, column {@code column} of the sweep's heatmap: the cell's metric, its
     * change with the 95 % interval of that change, and whether it is beyond noise.
     */
    public void hoverSweep(int row, int column) {
        SweepPicture p = sweepPicture.get();
        if (p == null || row < 0 || row >= p.charts().layers() || p.charts().columnLabel(column).isEmpty()) {
            sweepHover.set("");
            return;
        }
        String where = "layer " + row + " · " + p.charts().columnLabel(column) + " pruned to "
                + WhatIfCharts.percent(p.sparsity());
        SweepPoint q = p.charts().point(row, column);
        if (q == null) {
            sweepHover.set(where + ": not evaluated" + (p.result().complete() ? "" : " yet"));
            return;
        }
        sweepHover.set(where + ": " + p.charts().describe(q));
    }

    public void clearSweepHover() {
        sweepHover.set("");
    }

    /** The sweep's heatmap and curves, for export and copy. */
    Optional<Figure> figure() {
        return Optional.ofNullable(sweepPicture.get()).map(p -> {
            SweepResult r = p.result();
            int layers = p.charts().layers();
            double floor = p.charts().floor();
            int shown = p.charts().indexOf(p.sparsity());
            return new Figure("whatif-sweep-" + r.modelLabel() + "-" + Math.round(100 * p.sparsity()),
                    List.of(() -> SweepCharts.of(r, layers, floor, shown).heatmap(),
                            () -> SweepCharts.of(r, layers, floor, shown).curves()), 900,
                    Math.max(230 + 34 * layers, 520), 2);
        });
    }

    /** The sweep's points so far. */
    public CsvTable sweepTable() {
        CsvTable t = new CsvTable(List.of("model", "layer", "column", "sparsity", "metric", "value", "delta"));
        SweepPicture p = sweepPicture.get();
        if (p != null) {
            for (SweepPoint q : p.result().points()) {
                t.add(p.result().modelLabel(), Integer.toString(q.layer()), q.column(), Double.toString(q.sparsity()),
                        p.result().primaryMetric(), Double.toString(q.metric()), Double.toString(q.delta()));
            }
        }
        return t;
    }

    /** Where a sweep of these settings keeps its points (see {@link SweepSettings#csvFile}). */
    Path sweepCsvFor(SessionSpec spec, SweepSpec sweep, String modelLabel) {
        return SweepSettings.csvFile(session.workspace().folderProperty().get(), spec, sweep, modelLabel);
    }

    /** Puts on a theme's frame colours: the charts change in place, one redraw. */
    void restyle(ChartStyle style) {
        estimate.redraw();
        SweepPicture sp = sweepPicture.get();
        if (sp != null) {
            sp.charts().restyle(style);
            sp.charts().batch(() -> { });
        }
    }

    /** Shows the chosen sparsity on the sweep's heatmap: the charts change in place, one redraw. */
    private void redraw() {
        SweepPicture p = sweepPicture.get();
        if (p == null) {
            return;
        }
        int s = p.charts().indexOf(shownSparsityValue);
        if (s < 0) {
            return;
        }
        p.charts().show(s);
        p.charts().batch(() -> { });
        sweepPicture.set(new SweepPicture(p.result(), p.charts(), shownSparsityValue, p.done(), p.total()));
    }

    private static int indexOf(SweepSpec spec, double sparsity) {
        double[] shares = spec.sparsities();
        for (int i = 0; i < shares.length; i++) {
            if (Double.compare(shares[i], sparsity) == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where a sweep's points go from its drawing thread: their cell and curve writes are kept until the FX thread
     * applies them all at once to the sweep's charts (one redraw), with the newest result; a flush on the FX thread
     * (the sweep's end in a same-thread executor) applies at once.
     */
    private final class SweepFeed implements LiveSweep.Sink {
        private final long generation;
        private final SweepCharts charts;
        private final List<Runnable> writes = new ArrayList<>();
        private SweepResult latest;
        private int done;
        private int total;
        private boolean posted;

        SweepFeed(long generation, SweepCharts charts) {
            this.generation = generation;
            this.charts = charts;
        }

        @Override
        public synchronized void cell(int s, int layer, int column, SweepPoint point) {
            writes.add(() -> charts.write(s, layer, column, point));
        }

        @Override
        public synchronized void curve(int layer, int s, double mean) {
            writes.add(() -> charts.curve(layer, s, mean));
        }

        @Override
        public void flush(SweepResult soFar, int done, int total) {
            boolean post;
            synchronized (this) {
                latest = soFar;
                this.done = done;
                this.total = total;
                post = !posted;
                posted = true;
            }
            if (Platform.isFxApplicationThread()) {
                apply();
            } else if (post) {
                Platform.runLater(this::apply);
            }
        }

        /** On the FX thread: every write so far, one redraw, the newest picture. */
        private void apply() {
            List<Runnable> now;
            SweepResult r;
            int d;
            int t;
            synchronized (this) {
                now = List.copyOf(writes);
                writes.clear();
                r = latest;
                latest = null;
                d = done;
                t = total;
                posted = false;
            }
            if (r == null || !sweeps.isCurrent(generation)) {
                return;
            }
            charts.batch(() -> {
                now.forEach(Runnable::run);
                charts.progress(d, t, r.complete());
            });
            sweepPicture.set(new SweepPicture(r, charts, charts.sparsity(), d, t));
        }
    }
}
