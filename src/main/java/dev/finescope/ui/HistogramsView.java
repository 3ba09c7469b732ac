package dev.finescope.ui;

import dev.finescope.ui.common.ChartPane;
import dev.finescope.ui.common.Numbers;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
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

        CheckBox logY = new CheckBox("log count");
        logY.setId("histograms-log-y");
        logY.selectedProperty().bindBidirectional(vm.logYProperty());
        logY.setTooltip(new Tooltip("Entries per bin on a log axis, so that the few values in the tails show next to "
                + "the peak"));
        CheckBox robust = new CheckBox("clip outliers");
        robust.setId("histograms-robust");
        robust.selectedProperty().bindBidirectional(vm.robustProperty());
        robust.setTooltip(new Tooltip("The x axis over the " + Numbers.metric(HistogramsViewModel.ROBUST_LOW) + "–"
                + Numbers.metric(HistogramsViewModel.ROBUST_HIGH) + "th percentiles of the values, so that a few "
                + "outliers do not squeeze the rest into one bin; the chart says how many values it left out"));
        for (CheckBox c : new CheckBox[] {logY, robust}) {
            c.disableProperty().bind(vm.viewProperty().isEqualTo(HistogramsViewModel.View.SPARSITY)
                    .or(vm.viewProperty().isEqualTo(HistogramsViewModel.View.MASK_SCORES)));
        }

        FlowPane bar = new FlowPane(8, 6, new Label("show"), view, new Label("over"), scope,
                TensorFilter.attach(tensor, vm.tensorNames(), "histograms-filter"), tensor, logY, robust);
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
        // the tab is built the first time it is shown, often after its first histogram was counted
        HistogramsViewModel.Result counted = vm.resultProperty().get();
        chart.setChart(counted == null ? null : counted.chart());
        setCenter(new StackPane(chart, message));
    }
}
