package dev.finescope.ui.whatif;

import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.PairMatrixChart;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.whatif.MaskComparison;
import java.awt.Dimension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.jfree.chart.JFreeChart;

/**
 * The Masks page: the learned masks of several masked runs compared pairwise (Hamming distance, Jaccard overlap
 * of the zeroed entries), beside each run's accuracy. The comparison reads the overlays only, so it needs no
 * session and may run beside an experiment.
 */
public final class MasksViewModel {

    /** The mask comparison as drawn. */
    public record MaskPicture(MaskComparison comparison, JFreeChart hamming, JFreeChart jaccard) {
    }

    /** One run of the mask comparison, for the table beside the matrices. */
    public record MaskRow(String label, Double accuracy, double meanHamming, double meanJaccard) {
    }

    private final WhatIfViewModel session;

    private final ObservableList<TunedModel> maskCandidates = FXCollections.observableArrayList();
    private final ObservableList<TunedModel> maskChosen = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<MaskPicture> maskPicture = new ReadOnlyObjectWrapper<>(this, "masks");
    private final ObservableList<MaskRow> maskRows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Task<?>> maskTask = new ReadOnlyObjectWrapper<>(this, "maskTask");

    MasksViewModel(WhatIfViewModel session) {
        this.session = session;
    }

    /** The workspace's overlays with learned masks. */
    public ObservableList<TunedModel> maskCandidates() {
        return maskCandidates;
    }

    /** The runs to compare; all candidates when empty. */
    public ObservableList<TunedModel> maskChosen() {
        return maskChosen;
    }

    public ReadOnlyObjectProperty<MaskPicture> maskPictureProperty() {
        return maskPicture.getReadOnlyProperty();
    }

    /** One row per compared run: its accuracy and its mean distance to the others. */
    public ObservableList<MaskRow> maskRows() {
        return maskRows;
    }

    /** The comparison in flight, or null. */
    public ReadOnlyObjectProperty<Task<?>> maskTaskProperty() {
        return maskTask.getReadOnlyProperty();
    }

    /** Compares the learned masks of the chosen runs pairwise (Hamming distance, Jaccard overlap of zeros). */
    public void compareMasks() {
        List<TunedModel> chosen = List.copyOf(maskChosen.isEmpty() ? maskCandidates : maskChosen);
        if (chosen.size() < 2) {
            session.dialogs().showInfo("Choose two runs or more", "Mask comparison needs at least two fine-tuned "
                    + "models with learned masks (overlays of masked runs).");
            return;
        }
        if (maskTask.get() != null) {
            return;
        }
        ProgressTask<MaskPicture> t = new ProgressTask<>("Comparing the masks of " + chosen.size() + " runs") {
            @Override
            protected MaskPicture call() {
                MaskComparison c = MaskComparison.compare(chosen.stream().map(TunedModel::path).toList(),
                        chosen.stream().map(TunedModel::label).toList());
                checkCancelled();
                return pictureOf(c);
            }
        };
        t.setOnSucceeded(e -> {
            maskTask.set(null);
            maskPicture.set(t.getValue());
            maskRows.setAll(rowsOf(t.getValue().comparison()));
        });
        t.setOnFailed(e -> {
            maskTask.set(null);
            session.dialogs().showError("Could not compare the masks", WhatIfViewModel.describeProblem(
                    t.getException()));
        });
        t.setOnCancelled(e -> maskTask.set(null));
        maskTask.set(t);
        session.executor().execute(t);
    }

    /** The app closes: stops the comparison in flight. */
    void cancel() {
        Task<?> m = maskTask.get();
        if (m != null) {
            m.cancel();
        }
    }

    /** The workspace's models with learned masks changed: a run no longer there is no longer chosen. */
    void setCandidates(List<TunedModel> masks) {
        maskCandidates.setAll(masks);
        maskChosen.retainAll(masks);
    }

    /** The two matrices, for export and copy. */
    Optional<Figure> figure() {
        return Optional.ofNullable(maskPicture.get()).map(p -> {
            MaskComparison c = p.comparison();
            Dimension size = WhatIfCharts.maskSize(c.labels().size());
            return new Figure("whatif-masks", List.of(() -> hammingChart(c), () -> jaccardChart(c)),
                    size.width, size.height, 2);
        });
    }

    /** Each compared run: its accuracy, then its Hamming distance and Jaccard overlap with every run. */
    public CsvTable maskTable() {
        MaskPicture p = maskPicture.get();
        if (p == null) {
            return new CsvTable(List.of("run", "accuracy"));
        }
        MaskComparison c = p.comparison();
        List<String> header = new ArrayList<>(List.of("run", "accuracy"));
        c.labels().forEach(l -> header.add("hamming: " + l));
        c.labels().forEach(l -> header.add("jaccard: " + l));
        CsvTable t = new CsvTable(header);
        for (int i = 0; i < c.labels().size(); i++) {
            List<String> row = new ArrayList<>();
            row.add(c.labels().get(i));
            Double a = c.accuracies().get(i);
            row.add(a == null ? "" : Double.toString(a));
            for (int j = 0; j < c.labels().size(); j++) {
                row.add(Double.toString(c.hamming()[i][j]));
            }
            for (int j = 0; j < c.labels().size(); j++) {
                row.add(Double.toString(c.jaccard()[i][j]));
            }
            t.add(row.toArray(String[]::new));
        }
        return t;
    }

    /** The matrices drawn in the style the workers draw with (any thread). */
    MaskPicture pictureOf(MaskComparison c) {
        ChartStyle st = session.drawingStyle();
        return new MaskPicture(c, st.apply(hammingChart(c)), st.apply(jaccardChart(c)));
    }

    /** Shows {@code redrawn} in place of {@code old}, unless a newer picture came meanwhile. */
    void replacePicture(MaskPicture old, MaskPicture redrawn) {
        if (old != null && maskPicture.get() == old) {
            maskPicture.set(redrawn);
        }
    }

    private static JFreeChart hammingChart(MaskComparison c) {
        return WhatIfCharts.maskMatrix(c.labels(), c.hamming(), PairMatrixChart.Measure.DIFFERENCE,
                "Hamming distance of the learned masks", "share of mask bits that differ",
                "cell = a pair of runs, over the matrices both mask");
    }

    private static JFreeChart jaccardChart(MaskComparison c) {
        return WhatIfCharts.maskMatrix(c.labels(), c.jaccard(), PairMatrixChart.Measure.SIMILARITY,
                "Jaccard overlap of the zeroed entries", "|Z_a ∩ Z_b| / |Z_a ∪ Z_b|",
                "cell = a pair of runs, over the matrices both mask");
    }

    private static List<MaskRow> rowsOf(MaskComparison c) {
        List<MaskRow> rows = new ArrayList<>();
        int n = c.labels().size();
        for (int i = 0; i < n; i++) {
            double h = 0;
            double j = 0;
            for (int k = 0; k < n; k++) {
                if (k != i) {
                    h += c.hamming()[i][k];
                    j += c.jaccard()[i][k];
                }
            }
            rows.add(new MaskRow(c.labels().get(i), c.accuracies().get(i), n > 1 ? h / (n - 1) : Double.NaN,
                    n > 1 ? j / (n - 1) : Double.NaN));
        }
        return rows;
    }
}
