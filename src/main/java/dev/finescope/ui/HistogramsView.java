package dev.finescope.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.StackPane;

/** The histograms tab: what to count and over which tensors on top, the chart below. */
public final class HistogramsView extends BorderPane {

    /** The histograms of {@code vm}, drawn while {@code shown} holds (its tab is selected). */
    public HistogramsView(HistogramsViewModel vm, javafx.beans.value.ObservableBooleanValue shown) {
        ComboBox<HistogramsViewModel.View> view = new ComboBox<>();
        view.setId("histograms-view");
        view.setItems(vm.views());
        view.valueProperty().bindBidirectional(vm.viewProperty());
        view.setTooltip(new Tooltip("What is counted: the weights of both models, their change, their zeros, or "
                + "(for a sparsified result) the learned scores that chose its masks"));

        ComboBox<HistogramsViewModel.Scope> scope = new ComboBox<>();
        scope.setId("histograms-scope");
        scope.getItems().setAll(HistogramsViewModel.Scope.values());
        scope.valueProperty().bindBidirectional(vm.scopeProperty());
        scope.disableProperty().bind(vm.viewProperty().isEqualTo(HistogramsViewModel.View.SPARSITY));

        ComboBox<String> tensor = new ComboBox<>(vm.tensorNames());
        tensor.setId("histograms-tensor");
        tensor.valueProperty().bindBidirectional(vm.tensorProperty());
        tensor.setPrefWidth(360);
        tensor.disableProperty().bind(vm.scopeProperty().isNotEqualTo(HistogramsViewModel.Scope.TENSOR)
                .or(vm.viewProperty().isEqualTo(HistogramsViewModel.View.SPARSITY)));

        FlowPane bar = new FlowPane(8, 6, new Label("show"), view, new Label("over"), scope,
                TensorFilter.attach(tensor, vm.tensorNames(), "histograms-filter"), tensor);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8, 10, 8, 10));
        setTop(bar);

        ChartPane chart = new ChartPane();
        chart.setId("histograms-chart");
        chart.drawOnlyWhile(shown);
        Label message = new Label();
        message.getStyleClass().add("text-muted");
        message.setId("histograms-message");
        message.setWrapText(true);
        message.setMaxWidth(560);
        message.textProperty().bind(vm.messageProperty());
        message.visibleProperty().bind(vm.resultProperty().isNull());
        vm.resultProperty().addListener((obs, was, now) -> chart.setChart(now == null ? null : now.chart()));
        setCenter(new StackPane(chart, message));
    }
}
