package dev.finescope.ui;

import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.GridData;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.common.Latest;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.awt.Dimension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ObservableList;
import org.jfree.chart.JFreeChart;
import org.jfree.data.Range;

/**
 * The heatmap tab: which metric, which fine-tuned model (or all of them side by side on one shared scale), which
 * colour scale; the charts for that choice, built in the background from the workspace's comparisons; and what
 * the pointer is over. Clicking a cell selects it in the {@link Workspace}, so every tab shows that cell.
 */
public final class HeatmapViewModel {

    /** One heatmap of one fine-tuned model, with the grid it was drawn from. */
    public record Panel(TunedModel model, LayerGrid grid, GridData data, JFreeChart chart) {

        /** The cell drawn at chart row {@code row}, column {@code column}, if there is one. */
        public Optional<LayerGrid.Cell> cell(int row, int column) {
            return CellRef.cell(grid, row, column);
        }
    }

    /**
     * What the tab shows.
     *
     * @param panels one heatmap, or one per fine-tuned model when comparing
     * @param shared true when all panels are coloured over one range
     * @param range  the range the colours span, in the metric's units
     */
    public record Picture(List<Panel> panels, boolean shared, Range range, Metric metric,
            HeatmapChart.Scale scale) {
        public Picture {
            panels = List.copyOf(panels);
        }

        /** True when no measured cell of any panel moved (all 0): there is no colour scale to speak of. */
        public boolean nothingMoved() {
            return panels.stream().allMatch(p -> p.data().allZero());
        }

        /** One sentence for under the charts. */
        public String note() {
            if (nothingMoved()) {
                boolean headTrained = panels.stream().anyMatch(p -> p.data().anyAdded());
                return (panels.size() > 1 ? "In none of these fine-tunes did an" : "No")
                        + " encoder or embedding matrix change: every measured cell is exactly 0"
                        + (headTrained ? ". The head did: it is new in the fine-tuned model (hatched \"new\"), "
                                + "trained from scratch, so there is no pre-trained head to measure it against."
                                : ".");
            }
            String span = Numbers.metric(range.getLowerBound()) + " to " + Numbers.metric(range.getUpperBound());
            if (panels.size() > 1) {
                return panels.size() + " fine-tuned models on one shared " + scaleWord() + " colour scale of "
                        + metric.changeLabel() + ", " + span + ": equal colours mean equal change. "
                        + HeatmapChart.note(panels.get(0).data(), scale, false);
            }
            return scaleWord() + " colour scale of " + metric.changeLabel() + " from " + span
                    + "; more colour = more change. Hover the metric chooser for its definition.";
        }

        private String scaleWord() {
            return scale == HeatmapChart.Scale.LOG ? "log" : "linear";
        }
    }

    /** What the pointer is over: a cell of one panel, with its exact value. */
    public record Hover(TunedModel model, GridRow row, GridColumn column, Metric metric, double value,
            String text) {
    }

    private final Workspace workspace;
    private final UiExecutor executor;
    private final ObjectProperty<Metric> metric = new SimpleObjectProperty<>(this, "metric", Metric.REL_L2);
    private final ObjectProperty<HeatmapChart.Scale> scale =
            new SimpleObjectProperty<>(this, "scale", HeatmapChart.defaultScale(Metric.REL_L2));
    private final BooleanProperty compareAll = new SimpleBooleanProperty(this, "compareAll", false);
    private final BooleanProperty withBias = new SimpleBooleanProperty(this, "withBias", false);
    private final ObjectProperty<ChartStyle> style = new SimpleObjectProperty<>(this, "style", ChartStyle.LIGHT);
    private final ReadOnlyObjectWrapper<Picture> picture = new ReadOnlyObjectWrapper<>(this, "picture");
    private final ReadOnlyObjectWrapper<Hover> hover = new ReadOnlyObjectWrapper<>(this, "hover");
    private final Latest requests = new Latest();
    private DrawTask drawing;

    public HeatmapViewModel(Workspace workspace, UiExecutor executor) {
        this.workspace = workspace;
        this.executor = executor;
        metric.addListener((obs, was, now) -> {
            if (now != null) {
                scale.set(HeatmapChart.defaultScale(now));
            }
        });
        InvalidationListener redraw = this::redraw;
        for (Observable o : List.<Observable>of(metric, scale, compareAll, withBias, style,
                workspace.selectedTunedProperty(), workspace.getComparisons(), workspace.getTunedModels())) {
            o.addListener(redraw);
        }
    }

    public ObjectProperty<Metric> metricProperty() {
        return metric;
    }

    /** Log or linear; set to the metric's honest default whenever the metric changes. */
    public ObjectProperty<HeatmapChart.Scale> scaleProperty() {
        return scale;
    }

    /** All fine-tuned models side by side, on one shared colour scale. */
    public BooleanProperty compareAllProperty() {
        return compareAll;
    }

    /** Cells measured over weight and bias together instead of the weight alone. */
    public BooleanProperty withBiasProperty() {
        return withBias;
    }

    /** The chart frame's colours, following the app's theme. */
    public ObjectProperty<ChartStyle> styleProperty() {
        return style;
    }

    /** The fine-tuned model shown (the workspace's selection). */
    public ObjectProperty<TunedModel> tunedProperty() {
        return workspace.selectedTunedProperty();
    }

    public ObservableList<TunedModel> tunedModels() {
        return workspace.getTunedModels();
    }

    /** The charts to show; null while there is nothing to show. */
    public ReadOnlyObjectProperty<Picture> pictureProperty() {
        return picture.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Hover> hoverProperty() {
        return hover.getReadOnlyProperty();
    }

    /** The pointer is over chart row {@code row}, column {@code column} of {@code panel}. */
    public void hover(Panel panel, int row, int column) {
        hover.set(panel.cell(row, column).map(cell -> describe(panel, cell)).orElseGet(() -> slot(panel, row, column)));
    }

    /** A slot of the grid without a measured cell: what is (not) there. */
    private Hover slot(Panel panel, int row, int column) {
        List<GridRow> rows = GridData.chartRows(panel.grid());
        if (row < 0 || row >= rows.size()) {
            return null;
        }
        GridRow r = rows.get(row);
        Optional<GridColumn> c = CellRef.column(r, column);
        if (c.isEmpty()) {
            return null;
        }
        Metric m = picture.get() == null ? metric.get() : picture.get().metric();
        boolean added = panel.data().cell(row, column).map(GridData.Cell::isAdded).orElse(false);
        String text = CellRef.describe(r, c.get()) + " — " + panel.model().label() + "\n" + (added
                ? "new in the fine-tuned model (" + String.join(", ", panel.grid().comparison().onlyInTuned())
                        + "): trained from scratch, the base has nothing to measure it against"
                : "neither model has a tensor here");
        return new Hover(panel.model(), r, c.get(), m, Double.NaN, text);
    }

    public void clearHover() {
        hover.set(null);
    }

    /** The user clicked chart row {@code row}, column {@code column} of {@code panel}: select that cell. */
    public void select(Panel panel, int row, int column) {
        panel.cell(row, column).ifPresent(cell -> {
            workspace.selectedTunedProperty().set(panel.model());
            workspace.selectCell(cell.row(), cell.column());
        });
    }

    /** The heatmaps shown, as a figure for export: side by side, two per row, when comparing. */
    public Optional<Figure> figure() {
        Picture p = picture.get();
        if (p == null) {
            return Optional.empty();
        }
        List<Supplier<JFreeChart>> charts = new ArrayList<>();
        int width = 0;
        int height = 0;
        for (Panel panel : p.panels()) {
            charts.add(() -> HeatmapChart.create(panel.data(), p.scale(), p.range(), p.shared()));
            Dimension size = HeatmapChart.preferredSize(panel.data());
            width = Math.max(width, size.width);
            height = Math.max(height, size.height);
        }
        String name = "heatmap-" + p.metric().id() + "-"
                + (p.panels().size() == 1 ? p.panels().get(0).model().label() : "compared");
        return Optional.of(new Figure(name, charts, width, height, Math.min(2, charts.size())));
    }

    /** Every cell of every panel shown, one row each, for "export table". */
    public CsvTable table() {
        Picture p = picture.get();
        CsvTable table = new CsvTable(List.of("tuned", "row", "column", "tensors", "numel",
                p == null ? metric.get().id() : p.metric().id()));
        if (p == null) {
            return table;
        }
        for (Panel panel : p.panels()) {
            for (GridRow row : panel.grid().rows()) {
                for (LayerGrid.Cell cell : panel.grid().cells(row)) {
                    long numel = cell.measured().stream().mapToLong(t -> t.metrics().numel()).sum();
                    table.add(panel.model().label(), row.csvName(), cell.column().csvName(),
                            String.join(" ", cell.tensorNames()), Long.toString(numel),
                            Double.toString(p.metric().of(cell.metrics())));
                }
            }
        }
        return table;
    }

    private Hover describe(Panel panel, LayerGrid.Cell cell) {
        Metric m = picture.get() == null ? metric.get() : picture.get().metric();
        double value = m.of(cell.metrics());
        StringBuilder text = new StringBuilder(CellRef.describe(cell.row(), cell.column()))
                .append(" — ").append(panel.model().label()).append('\n')
                .append(m.label()).append(" = ").append(Numbers.metric(value));
        if (m == Metric.COSINE) {
            text.append("   (1 − cosine = ").append(Numbers.metric(m.change(cell.metrics()))).append(')');
        }
        if (cell.metrics().note() != null && Double.isNaN(value)) {
            text.append(" (").append(cell.metrics().note()).append(')');
        }
        for (TensorComparison t : cell.measured()) {
            text.append('\n').append(t.name()).append("  ").append(Numbers.shape(t.shape()));
        }
        return new Hover(panel.model(), cell.row(), cell.column(), m, value, text.toString());
    }

    private void redraw(Observable ignored) {
        long id = requests.next();
        List<TunedModel> models = new ArrayList<>();
        if (compareAll.get()) {
            models.addAll(workspace.getTunedModels());
        } else if (workspace.getSelectedTuned() != null) {
            models.add(workspace.getSelectedTuned());
        }
        List<ModelComparison> comparisons = new ArrayList<>();
        List<TunedModel> shown = new ArrayList<>();
        for (TunedModel t : models) {
            ModelComparison c = workspace.getComparisons().get(t);
            if (c != null) {
                shown.add(t);
                comparisons.add(c);
            }
        }
        hover.set(null);
        if (shown.isEmpty()) {
            picture.set(null);
            return;
        }
        if (drawing != null) {
            drawing.cancel();
        }
        drawing = new DrawTask(id, shown, comparisons, metric.get(), scale.get(), withBias.get(),
                compareAll.get() && shown.size() > 1, style.get());
        executor.execute(drawing);
    }

    /** Builds grids, ranges and charts off the FX thread; the newest request wins. */
    private final class DrawTask extends ProgressTask<Picture> {
        private final long id;
        private final List<TunedModel> models;
        private final List<ModelComparison> comparisons;
        private final Metric metric;
        private final HeatmapChart.Scale scale;
        private final boolean withBias;
        private final boolean shared;
        private final ChartStyle style;

        DrawTask(long id, List<TunedModel> models, List<ModelComparison> comparisons, Metric metric,
                HeatmapChart.Scale scale, boolean withBias, boolean shared, ChartStyle style) {
            super("Drawing the heatmap");
            this.id = id;
            this.models = models;
            this.comparisons = comparisons;
            this.metric = metric;
            this.scale = scale;
            this.withBias = withBias;
            this.shared = shared;
            this.style = style;
            setOnSucceeded(e -> {
                if (requests.isCurrent(id)) {
                    picture.set(getValue());
                }
            });
        }

        @Override
        protected Picture call() {
            List<LayerGrid> grids = new ArrayList<>();
            List<GridData> data = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                ModelComparison c = comparisons.get(i);
                LayerGrid grid = LayerGrid.of(c, withBias);
                grids.add(grid);
                data.add(GridData.of(grid, metric, c.baseLabel(), models.get(i).label(), withBias));
            }
            Range range = HeatmapChart.naturalRange(metric).filter(r -> scale == HeatmapChart.Scale.LINEAR)
                    .orElseGet(() -> HeatmapChart.range(scale, data));
            List<Panel> panels = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                checkCancelled();
                JFreeChart chart = shared ? HeatmapChart.smallMultiple(data.get(i), scale, range, style)
                        : HeatmapChart.create(data.get(i), scale, range, false, style);
                panels.add(new Panel(models.get(i), grids.get(i), data.get(i), chart));
            }
            return new Picture(panels, shared, range, metric, scale);
        }
    }
}
