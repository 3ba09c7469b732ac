package dev.finescope.ui;

import dev.finescope.analysis.Metric;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.ui.common.ChartPane;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.Workspace;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.TilePane;
import javafx.scene.layout.VBox;
import org.jfree.chart.annotations.XYShapeAnnotation;

/**
 * The heatmap tab: choosers on top, the heatmap (or one per fine-tuned model) in the middle, and under it the
 * exact numbers of the cell under the pointer. A view only: every decision is the {@link HeatmapViewModel}'s.
 */
public final class HeatmapView extends BorderPane {

    private static final String HINT = "Each cell: how far fine-tuning moved that matrix. Hover for numbers; "
            + "click for details.";

    private final HeatmapViewModel vm;
    private final Workspace workspace;
    /** Holds the one heatmap, or the small multiples with their one colour bar. */
    private final StackPane charts = new StackPane();
    private final TilePane tiles = new TilePane();
    private final ScrollPane scroll = new ScrollPane(tiles);
    private final ColourBarView colourBar = new ColourBarView();
    private final VBox multiples = new VBox(4, scroll, colourBar);
    private final List<ChartPane> panes = new ArrayList<>();
    private final List<XYShapeAnnotation> marks = new ArrayList<>();
    private final javafx.beans.value.ObservableBooleanValue shown;

    /**
     * {@code showHint} says whether the one-line explanation lies over the heatmap; its button clears it. The
     * charts are drawn while {@code shown} holds (the heatmap's tab is selected).
     */
    public HeatmapView(HeatmapViewModel vm, Workspace workspace, BooleanProperty showHint,
            javafx.beans.value.ObservableBooleanValue shown) {
        this.vm = vm;
        this.shown = shown;
        this.workspace = workspace;
        setTop(toolbar());
        setCenter(centre(showHint));
        setBottom(readout());
        vm.pictureProperty().addListener((obs, was, now) -> show(now));
        workspace.selectedRowProperty().addListener(o -> markSelection());
        workspace.selectedColumnProperty().addListener(o -> markSelection());
        show(vm.pictureProperty().get());
    }

    private FlowPane toolbar() {
        ComboBox<Metric> metric = new ComboBox<>();
        metric.setId("heatmap-metric");
        metric.getItems().setAll(Metric.values());
        metric.valueProperty().bindBidirectional(vm.metricProperty());
        metric.setCellFactory(list -> new MetricCell());
        metric.setButtonCell(new MetricCell());
        Tooltip definition = new Tooltip();
        definition.setWrapText(true);
        definition.setMaxWidth(480);
        definition.textProperty().bind(Bindings.createStringBinding(() -> vm.metricProperty().get() == null
                ? "What a cell's colour measures" : vm.metricProperty().get().definition(), vm.metricProperty()));
        metric.setTooltip(definition);

        ComboBox<TunedModel> tuned = new ComboBox<>(vm.tunedModels());
        tuned.setId("heatmap-tuned");
        tuned.setMinWidth(180);
        tuned.valueProperty().bindBidirectional(vm.tunedProperty());
        tuned.disableProperty().bind(vm.compareAllProperty());
        tuned.setTooltip(new Tooltip("The fine-tuned model compared with the base"));

        ToggleGroup scaleGroup = new ToggleGroup();
        RadioButton log = new RadioButton("log");
        RadioButton linear = new RadioButton("linear");
        log.setId("heatmap-log");
        linear.setId("heatmap-linear");
        log.setToggleGroup(scaleGroup);
        linear.setToggleGroup(scaleGroup);
        log.setTooltip(new Tooltip("Colours by orders of magnitude: distances span several"));
        linear.setTooltip(new Tooltip("Colours by the value itself"));
        Runnable syncScale = () -> scaleGroup.selectToggle(
                vm.scaleProperty().get() == HeatmapChart.Scale.LINEAR ? linear : log);
        vm.scaleProperty().addListener(o -> syncScale.run());
        syncScale.run();
        scaleGroup.selectedToggleProperty().addListener((obs, was, now) -> {
            if (now != null) {
                vm.scaleProperty().set(now == linear ? HeatmapChart.Scale.LINEAR : HeatmapChart.Scale.LOG);
            }
        });

        ToggleButton compare = new ToggleButton("▦ compare all");
        compare.setId("heatmap-compare");
        compare.selectedProperty().bindBidirectional(vm.compareAllProperty());
        compare.disableProperty().bind(Bindings.size(vm.tunedModels()).lessThan(2));
        compare.setTooltip(new Tooltip("Every fine-tuned model side by side, on one shared colour scale"));

        CheckBox bias = new CheckBox("weight + bias");
        bias.selectedProperty().bindBidirectional(vm.withBiasProperty());
        bias.setTooltip(new Tooltip("Measure each cell over its weight and bias together"));

        FlowPane bar = new FlowPane(8, 6, new Label("metric"), metric, gap(), new Label("fine-tuned"), tuned, gap(),
                new Label("scale"), log, linear, gap(), compare, bias);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8, 10, 8, 10));
        bar.getStyleClass().add("tool-bar-flow");
        return bar;
    }

    private static Label gap() {
        Label l = new Label();
        l.setMinWidth(8);
        return l;
    }

    private VBox centre(BooleanProperty showHint) {
        charts.setId("heatmap-charts");
        charts.setPadding(new Insets(0, 6, 0, 6));
        tiles.setId("heatmap-tiles");
        tiles.setHgap(TILE_GAP);
        tiles.setVgap(TILE_GAP);
        tiles.setPrefColumns(2);
        scroll.setId("heatmap-scroll");
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        scroll.viewportBoundsProperty().addListener(o -> sizeTiles());
        colourBar.setId("heatmap-colour-bar");
        VBox.setVgrow(scroll, Priority.ALWAYS);

        Label empty = new Label("Open a base model and a fine-tuned model (File ▸ Open model folder…, Ctrl+O), or "
                + "drop their folders here.");
        empty.setId("heatmap-empty");
        empty.setWrapText(true);
        empty.getStyleClass().add("text-muted");
        empty.visibleProperty().bind(vm.pictureProperty().isNull());

        Label hintText = new Label(HINT);
        hintText.setWrapText(true);
        Button dismiss = new Button("Got it");
        dismiss.setId("hint-dismiss");
        dismiss.setMinWidth(USE_PREF_SIZE);
        dismiss.setOnAction(e -> showHint.set(false));
        HBox hint = new HBox(12, hintText, dismiss);
        hint.setId("heatmap-hint");
        hint.setAlignment(Pos.CENTER_LEFT);
        hint.getStyleClass().add("first-start-hint");
        hint.visibleProperty().bind(showHint.and(vm.pictureProperty().isNotNull()));
        hint.managedProperty().bind(hint.visibleProperty());
        HBox.setHgrow(hintText, Priority.ALWAYS);
        VBox.setMargin(hint, new Insets(0, 10, 6, 10));

        StackPane stack = new StackPane(charts, empty);
        StackPane.setAlignment(empty, Pos.CENTER);
        VBox.setVgrow(stack, Priority.ALWAYS);
        return new VBox(hint, stack);
    }

    private VBox readout() {
        Label note = new Label();
        note.setId("heatmap-note");
        note.setWrapText(true);
        note.getStyleClass().add("text-muted");
        note.textProperty().bind(Bindings.createStringBinding(
                () -> vm.pictureProperty().get() == null ? "" : vm.pictureProperty().get().note(),
                vm.pictureProperty()));
        Tooltip noteTip = new Tooltip();
        noteTip.setWrapText(true);
        noteTip.setMaxWidth(480);
        noteTip.textProperty().bind(Bindings.createStringBinding(() -> vm.metricProperty().get() == null ? ""
                : vm.metricProperty().get().definition(), vm.metricProperty()));
        note.setTooltip(noteTip);
        Label hover = new Label();
        hover.setId("hover-text");
        hover.getStyleClass().add("hover-readout");
        hover.setMinHeight(4 * 16);
        hover.setAlignment(Pos.TOP_LEFT);
        hover.textProperty().bind(Bindings.createStringBinding(
                () -> vm.hoverProperty().get() == null ? "Hover over a cell for its exact numbers."
                        : vm.hoverProperty().get().text(), vm.hoverProperty()));
        VBox box = new VBox(4, note, hover);
        box.setPadding(new Insets(6, 10, 8, 10));
        return box;
    }

    private void show(HeatmapViewModel.Picture picture) {
        marks.replaceAll(m -> null);
        if (picture == null) {
            charts.getChildren().clear();
            tiles.getChildren().clear();
            panes.clear();
            marks.clear();
            return;
        }
        List<HeatmapViewModel.Panel> panels = picture.panels();
        if (panes.size() != panels.size()) {
            layOut(panels.size());
        }
        for (int i = 0; i < panels.size(); i++) {
            panes.get(i).setChart(panels.get(i).chart());
        }
        if (panels.size() > 1) {
            colourBar.show(picture.nothingMoved() ? null : HeatmapChart.colourBar(picture.metric().changeLabel()
                    + ", shared by all " + panels.size(), picture.scale(), picture.range(), vm.styleProperty().get()),
                    picture.metric().definition());
            sizeTiles();
        }
        markSelection();
    }

    /** Room between two small multiples, in pixels. */
    private static final double TILE_GAP = 8;

    /**
     * Sizes the small multiples to the width they have: as many across as fit with cells of at least the minimum
     * size, sharing the width; taller than the view, they scroll.
     */
    private void sizeTiles() {
        HeatmapViewModel.Picture picture = vm.pictureProperty().get();
        if (picture == null || picture.panels().size() < 2 || panes.isEmpty()) {
            return;
        }
        var data = picture.panels().get(0).data();
        double width = Math.max(0, scroll.getViewportBounds().getWidth() - 2);
        double least = HeatmapChart.smallMultipleSize(data, HeatmapChart.MIN_CELL_WIDTH,
                HeatmapChart.MIN_CELL_HEIGHT).width;
        int across = Math.max(1, Math.min(panes.size(), (int) Math.floor((width + TILE_GAP) / (least + TILE_GAP))));
        double tileWidth = Math.max(least, Math.floor((width - TILE_GAP * (across - 1)) / across));
        double extra = tileWidth - least;
        int cellWidth = HeatmapChart.MIN_CELL_WIDTH + (int) Math.floor(extra / data.columnLabels().size());
        int cellHeight = Math.max(HeatmapChart.MIN_CELL_HEIGHT, Math.min(26, (int) Math.round(cellWidth * 0.55)));
        double tileHeight = HeatmapChart.smallMultipleSize(data, cellWidth, cellHeight).height;
        tiles.setPrefTileWidth(tileWidth);
        tiles.setPrefTileHeight(tileHeight);
        tiles.setPrefColumns(across);
        for (ChartPane pane : panes) {
            pane.setMinSize(tileWidth, tileHeight);
            pane.setPrefSize(tileWidth, tileHeight);
            pane.setMaxSize(tileWidth, tileHeight);
        }
    }

    /**
     * One chart pane per panel: one filling the tab, or small multiples in rows that wrap and scroll, over one
     * shared colour bar; panes are kept while the count stays.
     */
    private void layOut(int count) {
        charts.getChildren().clear();
        tiles.getChildren().clear();
        panes.clear();
        marks.clear();
        charts.getChildren().add(count > 1 ? multiples : new StackPane());
        for (int i = 0; i < count; i++) {
            int index = i;
            ChartPane pane = new ChartPane();
            pane.setId("heatmap-chart-" + i);
            pane.drawOnlyWhile(shown);
            pane.setMinSize(200, 160);
            pane.canvas().addEventHandler(MouseEvent.MOUSE_MOVED, e -> panel(index).ifPresent(panel ->
                    cellAt(pane, e).ifPresentOrElse(p -> vm.hover(panel, p[0], p[1]), vm::clearHover)));
            pane.canvas().addEventHandler(MouseEvent.MOUSE_EXITED, e -> vm.clearHover());
            pane.canvas().addEventHandler(MouseEvent.MOUSE_CLICKED, e -> panel(index).ifPresent(panel ->
                    cellAt(pane, e).ifPresent(p -> vm.select(panel, p[0], p[1]))));
            if (count > 1) {
                tiles.getChildren().add(pane);
            } else {
                charts.getChildren().setAll(pane);
            }
            panes.add(pane);
            marks.add(null);
        }
    }

    private Optional<HeatmapViewModel.Panel> panel(int index) {
        HeatmapViewModel.Picture p = vm.pictureProperty().get();
        return p == null || index >= p.panels().size() ? Optional.empty() : Optional.of(p.panels().get(index));
    }

    /** {row, column} of the chart cell under the pointer. */
    private static Optional<int[]> cellAt(ChartPane pane, MouseEvent e) {
        return pane.plotPoint(e.getX(), e.getY())
                .map(p -> new int[] {(int) Math.round(p.getY()), (int) Math.round(p.getX())});
    }

    /** Outlines the selected cell in the panel of the selected model. */
    private void markSelection() {
        HeatmapViewModel.Picture picture = vm.pictureProperty().get();
        if (picture == null) {
            return;
        }
        for (int i = 0; i < panes.size() && i < picture.panels().size(); i++) {
            HeatmapViewModel.Panel panel = picture.panels().get(i);
            var plot = panel.chart().getXYPlot();
            if (marks.get(i) != null) {
                plot.removeAnnotation(marks.get(i));
                marks.set(i, null);
            }
            var row = workspace.selectedRowProperty().get();
            var column = workspace.selectedColumnProperty().get();
            if (row == null || column == null || !panel.model().equals(workspace.getSelectedTuned())) {
                continue;
            }
            int r = dev.finescope.chart.GridData.chartRows(panel.grid()).indexOf(row);
            int c = CellRef.columnIndex(row, column);
            if (r >= 0 && c >= 0) {
                XYShapeAnnotation mark = new XYShapeAnnotation(new Rectangle2D.Double(c - 0.46, r - 0.46, 0.92, 0.92),
                        new BasicStroke(3f), new Color(0xff, 0x40, 0x81));
                plot.addAnnotation(mark);
                marks.set(i, mark);
            }
        }
    }

    /** A metric in words, with its one-sentence meaning as the tooltip. */
    private static final class MetricCell extends ListCell<Metric> {
        @Override
        protected void updateItem(Metric item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.changeLabel());
            Tooltip tip = empty || item == null ? null : new Tooltip(item.definition());
            if (tip != null) {
                tip.setWrapText(true);
                tip.setMaxWidth(480);
            }
            setTooltip(tip);
        }
    }
}
