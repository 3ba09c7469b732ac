package dev.finescope.ui;

import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.GridData;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.chart.RankingChart;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.common.Latest;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.awt.Dimension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.jfree.chart.JFreeChart;
import org.jfree.data.Range;

/**
 * The ranking tab: the weight matrices of the shown fine-tuned model, furthest moved first, by the heatmap's
 * metric and in the heatmap's colours, so that the two tabs tell one story.
 */
public final class RankingViewModel {

    /**
     * The chart and the ranked matrices it was drawn from.
     *
     * @param message what is true instead of a chart when no matrix moved (every value 0); null when there is a
     *                chart
     */
    public record Ranking(JFreeChart chart, Dimension size, Metric metric, TunedModel model,
            List<TensorComparison> matrices, RankingChart.Data data, HeatmapChart.Scale scale, Range range,
            String message) {
        public Ranking {
            matrices = List.copyOf(matrices);
        }

        /** The ranking as a figure for export. */
        public Figure figure() {
            return Figure.of("ranking-" + metric.id() + "-" + model.label(),
                    () -> RankingChart.create(data, scale, range), size.width, size.height);
        }
    }

    private final Workspace workspace;
    private final UiExecutor executor;
    private final HeatmapViewModel heatmap;
    private final ReadOnlyObjectWrapper<Ranking> ranking = new ReadOnlyObjectWrapper<>(this, "ranking");
    private final javafx.beans.property.StringProperty filter =
            new javafx.beans.property.SimpleStringProperty(this, "filter", "");
    private final Latest requests = new Latest();

    /** Follows the heatmap's metric, scale, bias choice and style. */
    public RankingViewModel(Workspace workspace, UiExecutor executor, HeatmapViewModel heatmap) {
        this.workspace = workspace;
        this.executor = executor;
        this.heatmap = heatmap;
        InvalidationListener redraw = o -> redraw();
        for (Observable o : List.<Observable>of(heatmap.metricProperty(), heatmap.scaleProperty(),
                heatmap.withBiasProperty(), heatmap.styleProperty(), workspace.selectedTunedProperty(),
                workspace.getComparisons(), filter)) {
            o.addListener(redraw);
        }
        redraw();
    }

    /** The ranking shown; null when there is no fine-tuned model. */
    public ReadOnlyObjectProperty<Ranking> rankingProperty() {
        return ranking.getReadOnlyProperty();
    }

    /**
     * Words that the ranked matrices must hold (in the tensor's name or its cell's words, "11 value", "layer 3
     * output"), so that BERT-base's many matrices can be narrowed down; empty for all.
     */
    public javafx.beans.property.StringProperty filterProperty() {
        return filter;
    }

    /** The ranked matrices with every metric, for "export table". */
    public CsvTable table() {
        List<String> header = new ArrayList<>(List.of("rank", "tensor", "row", "column", "numel"));
        for (Metric m : Metric.values()) {
            header.add(m.id());
        }
        CsvTable table = new CsvTable(header);
        Ranking r = ranking.get();
        if (r == null) {
            return table;
        }
        int rank = 1;
        for (TensorComparison t : r.matrices()) {
            List<String> fields = new ArrayList<>(List.of(Integer.toString(rank++), t.name(),
                    t.position().row().csvName(), t.position().column().csvName(),
                    Long.toString(t.metrics().numel())));
            for (Metric m : Metric.values()) {
                fields.add(Double.toString(m.of(t.metrics())));
            }
            table.add(fields.toArray(String[]::new));
        }
        return table;
    }

    /** "layer 3 · attention · value", with the tensor's name when its cell holds several matrices. */
    static List<RankingChart.Entry> entries(List<TensorComparison> ranked, Metric metric) {
        Set<String> cellsWithSeveral = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (TensorComparison t : ranked) {
            String cell = cellLabel(t.position());
            if (!seen.add(cell)) {
                cellsWithSeveral.add(cell);
            }
        }
        List<RankingChart.Entry> entries = new ArrayList<>();
        for (TensorComparison t : ranked) {
            String cell = cellLabel(t.position());
            entries.add(new RankingChart.Entry(cellsWithSeveral.contains(cell) ? cell + " (" + t.name() + ")" : cell,
                    metric.change(t.metrics())));
        }
        return entries;
    }

    private static String cellLabel(GridPosition p) {
        return CellRef.describe(p.row(), p.column());
    }

    private void redraw() {
        long id = requests.next();
        TunedModel model = workspace.getSelectedTuned();
        ModelComparison c = model == null ? null : workspace.getComparisons().get(model);
        if (c == null) {
            ranking.set(null);
            return;
        }
        Metric metric = heatmap.metricProperty().get();
        HeatmapChart.Scale scale = heatmap.scaleProperty().get();
        boolean withBias = heatmap.withBiasProperty().get();
        ChartStyle style = heatmap.styleProperty().get();
        String query = filter.get() == null ? "" : filter.get();
        executor.execute(new ProgressTask<Ranking>("Ranking matrices") {
            {
                setOnSucceeded(e -> {
                    if (requests.isCurrent(id)) {
                        ranking.set(getValue());
                    }
                });
            }

            @Override
            protected Ranking call() {
                LayerGrid grid = LayerGrid.of(c, withBias);
                List<TensorComparison> ranked = grid.ranking(metric);
                GridData gridData = GridData.of(grid, metric, c.baseLabel(), model.label(), withBias);
                Range range = HeatmapChart.naturalRange(metric).filter(r -> scale == HeatmapChart.Scale.LINEAR)
                        .orElseGet(() -> HeatmapChart.range(scale, List.of(gridData)));
                RankingChart.Data data = new RankingChart.Data(metric.changeLabel(), c.baseLabel(), model.label(),
                        entries(ranked, metric));
                boolean nothingMoved = !ranked.isEmpty()
                        && ranked.stream().allMatch(t -> metric.change(t.metrics()) == 0);
                if (nothingMoved) {
                    String message = "No encoder or embedding matrix changed in " + model.label() + ": all "
                            + ranked.size() + " weight matrices have " + metric.changeLabel() + " = 0, so there is "
                            + "nothing to rank."
                            + (gridData.anyAdded() ? " The head did: it is new in the fine-tuned model ("
                                    + String.join(", ", c.onlyInTuned()) + "), trained from scratch, with no "
                                    + "pre-trained head to measure it against." : "");
                    return new Ranking(null, RankingChart.preferredSize(data), metric, model, ranked, data, scale,
                            range, message);
                }
                List<TensorComparison> shown = ranked.stream()
                        .filter(t -> TensorFilter.matches(t.name() + " " + cellLabel(t.position()), query)).toList();
                if (shown.isEmpty()) {
                    return new Ranking(null, RankingChart.preferredSize(data), metric, model, shown, data, scale,
                            range, "No matrix of " + model.label() + " matches \"" + query.strip() + "\".");
                }
                RankingChart.Data shownData = shown.size() == ranked.size() ? data
                        : new RankingChart.Data(metric.changeLabel(), c.baseLabel(), model.label(),
                                entries(shown, metric));
                JFreeChart chart = style.apply(RankingChart.create(shownData, scale, range));
                return new Ranking(chart, RankingChart.preferredSize(shownData), metric, model, shown, shownData,
                        scale, range, null);
            }
        });
    }
}
