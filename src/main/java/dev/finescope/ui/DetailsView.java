package dev.finescope.ui;

import dev.finescope.ui.common.ChartPane;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** The right-hand pane: the selected cell's shape, every metric (with its meaning on hover) and its histogram. */
public final class DetailsView extends ScrollPane {

    private final DetailsViewModel vm;
    private final GridPane metrics = new GridPane();

    public DetailsView(DetailsViewModel vm) {
        this.vm = vm;
        Label heading = new Label("DETAILS");
        heading.getStyleClass().add("pane-heading");
        Label title = new Label();
        title.setId("details-title");
        title.getStyleClass().add("title-4");
        title.setWrapText(true);
        title.textProperty().bind(vm.titleProperty());
        Label tensors = new Label();
        tensors.setId("details-tensors");
        tensors.setWrapText(true);
        tensors.getStyleClass().add("text-small");
        tensors.textProperty().bind(vm.tensorsProperty());
        Label note = new Label();
        note.setWrapText(true);
        note.getStyleClass().addAll("text-muted", "text-small");
        note.textProperty().bind(vm.noteProperty());

        metrics.setId("details-metrics");
        metrics.setHgap(12);
        metrics.setVgap(3);
        vm.metrics().addListener((ListChangeListener<DetailsViewModel.MetricLine>) c -> fillMetrics());
        fillMetrics();

        ChartPane histogram = new ChartPane();
        histogram.setId("details-histogram");
        histogram.setMinHeight(220);
        histogram.setPrefHeight(240);
        vm.histogramProperty().addListener((obs, was, now) -> histogram.setChart(now));
        histogram.setChart(vm.histogramProperty().get());

        VBox box = new VBox(8, heading, title, tensors, note, metrics, histogram);
        box.setPadding(new Insets(10));
        setContent(box);
        setFitToWidth(true);
        setHbarPolicy(ScrollBarPolicy.NEVER);
    }

    private void fillMetrics() {
        metrics.getChildren().clear();
        int row = 0;
        for (DetailsViewModel.MetricLine m : vm.metrics()) {
            Label name = new Label(m.metric().label());
            Label value = new Label(m.text());
            value.setId("details-value-" + m.metric().id());
            Tooltip tip = new Tooltip(m.description());
            tip.setWrapText(true);
            tip.setMaxWidth(360);
            name.setTooltip(tip);
            value.setTooltip(tip);
            value.getStyleClass().add("number");
            metrics.addRow(row++, name, value);
        }
    }
}
