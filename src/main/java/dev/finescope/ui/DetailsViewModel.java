package dev.finescope.ui;

import dev.finescope.analysis.Histogram;
import dev.finescope.analysis.HistogramSpec;
import dev.finescope.analysis.Histograms;
import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.analysis.TensorMetrics;
import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.HistogramChart;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.common.Latest;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.awt.Font;
import java.util.List;
import java.util.Optional;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jfree.chart.JFreeChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The details of the selected cell: what it is, its shape, every metric with what the metric means, and the
 * histogram of its change on a log scale (computed in the background, as it reads the tensors).
 */
public final class DetailsViewModel {

    /** Bins of the details histogram: enough for a shape, few enough for a narrow pane. */
    public static final int HISTOGRAM_BINS = 40;

    private static final Logger LOGGER = LoggerFactory.getLogger(DetailsViewModel.class);
    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 13);

    /** One metric of the cell. */
    public record MetricLine(Metric metric, double value, String text) {
        public String description() {
            return metric.definition();
        }
    }

    private final Workspace workspace;
    private final UiExecutor executor;
    private final Histograms histograms;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "");
    private final ReadOnlyStringWrapper tensors = new ReadOnlyStringWrapper(this, "tensors", "");
    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper(this, "note", "");
    private final ObservableList<MetricLine> metrics = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<JFreeChart> histogram = new ReadOnlyObjectWrapper<>(this, "histogram");
    private final ObjectProperty<ChartStyle> style = new SimpleObjectProperty<>(this, "style", ChartStyle.LIGHT);
    private final Latest requests = new Latest();

    public DetailsViewModel(Workspace workspace, UiExecutor executor, Histograms histograms) {
        this.workspace = workspace;
        this.executor = executor;
        this.histograms = histograms;
        InvalidationListener update = o -> update();
        for (Observable o : List.<Observable>of(workspace.selectedRowProperty(), workspace.selectedColumnProperty(),
                workspace.selectedTunedProperty(), workspace.getComparisons(), style)) {
            o.addListener(update);
        }
        update();
    }

    /** "layer 3 · attention · value", or a hint when nothing is selected. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** The cell's tensors with their shapes, one per line. */
    public ReadOnlyStringProperty tensorsProperty() {
        return tensors.getReadOnlyProperty();
    }

    /** Why some metric is undefined, or which model the numbers compare. */
    public ReadOnlyStringProperty noteProperty() {
        return note.getReadOnlyProperty();
    }

    public ObservableList<MetricLine> metrics() {
        return metrics;
    }

    /** The histogram of log10|Δ| over the cell; null until computed or when nothing is selected. */
    public ReadOnlyObjectProperty<JFreeChart> histogramProperty() {
        return histogram.getReadOnlyProperty();
    }

    public ObjectProperty<ChartStyle> styleProperty() {
        return style;
    }

    /** The metrics of the selected cell, for "export table". */
    public CsvTable table() {
        CsvTable t = new CsvTable(List.of("metric", "value", "meaning"));
        for (MetricLine m : metrics) {
            t.add(m.metric().id(), Double.toString(m.value()), m.description());
        }
        return t;
    }

    private Optional<LayerGrid.Cell> selectedCell() {
        TunedModel tuned = workspace.getSelectedTuned();
        GridRow row = workspace.selectedRowProperty().get();
        GridColumn column = workspace.selectedColumnProperty().get();
        ModelComparison c = tuned == null ? null : workspace.getComparisons().get(tuned);
        if (c == null || row == null || column == null) {
            return Optional.empty();
        }
        return LayerGrid.of(c, false).cellDetail(row, column);
    }

    private void update() {
        long id = requests.next();
        histogram.set(null);
        Optional<LayerGrid.Cell> selected = selectedCell();
        if (selected.isEmpty()) {
            title.set("No cell selected");
            tensors.set("");
            note.set(workspace.getSelectedTuned() == null ? "Open a base and a fine-tuned model."
                    : "Click a cell of the heatmap to see its numbers here.");
            metrics.clear();
            return;
        }
        LayerGrid.Cell cell = selected.get();
        TunedModel tuned = workspace.getSelectedTuned();
        title.set(CellRef.describe(cell.row(), cell.column()));
        StringBuilder t = new StringBuilder();
        for (TensorComparison tc : cell.weights()) {
            t.append(t.isEmpty() ? "" : "\n").append(Numbers.shape(tc.shape())).append("   ").append(tc.name());
        }
        tensors.set(t.toString());
        TensorMetrics m = cell.metrics();
        note.set(tuned.label() + " against " + workspace.getBase().label()
                + (m.note() == null ? "" : " · " + m.note()));
        metrics.setAll(java.util.Arrays.stream(Metric.values())
                .map(metric -> new MetricLine(metric, metric.of(m), text(metric, metric.of(m)))).toList());
        ModelFolder tunedFolder = workspace.getTunedFolders().get(tuned);
        if (tunedFolder != null) {
            executor.execute(new HistogramTask(id, workspace.getBase().weights(), tunedFolder.weights(),
                    cell.tensorNames(), title.get(), style.get()));
        }
    }

    private static String text(Metric metric, double v) {
        return switch (metric) {
            case FRAC_CHANGED, FRAC_ZERO -> Numbers.percent(v);
            // three digits of a cosine near 1 say nothing: write how far it is from 1
            case COSINE -> v > 0.99 && v < 1 ? "1 − " + Numbers.metric(1 - v) : Numbers.metric(v);
            default -> Numbers.metric(v);
        };
    }

    /** The cell's log10|Δ| histogram, read in the background. */
    private final class HistogramTask extends ProgressTask<JFreeChart> {
        private final long id;
        private final Checkpoint base;
        private final Checkpoint tuned;
        private final List<String> names;
        private final ChartStyle chartStyle;

        HistogramTask(long id, Checkpoint base, Checkpoint tuned, List<String> names, String cellTitle,
                ChartStyle chartStyle) {
            super("Histogram of " + cellTitle);
            this.id = id;
            this.base = base;
            this.tuned = tuned;
            this.names = names;
            this.chartStyle = chartStyle;
            setOnSucceeded(e -> {
                if (requests.isCurrent(id)) {
                    histogram.set(getValue());
                }
            });
            setOnFailed(e -> LOGGER.info("{} failed: {}", title(), Problems.describe(getException())));
        }

        @Override
        protected JFreeChart call() {
            Histogram h = histograms.of(base, tuned, names,
                    HistogramSpec.auto(Histogram.Values.DELTA, true, HISTOGRAM_BINS), progress());
            JFreeChart chart = HistogramChart.create("change Δ of this cell", List.of(new HistogramChart.Series("Δ", h)));
            chart.getTitle().setFont(TITLE_FONT);
            return chartStyle.apply(chart);
        }
    }
}
