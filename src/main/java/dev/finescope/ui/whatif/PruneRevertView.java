package dev.finescope.ui.whatif;

import static dev.finescope.ui.whatif.WhatIfControls.SELECTION_SYNTAX;
import static dev.finescope.ui.whatif.WhatIfControls.column;
import static dev.finescope.ui.whatif.WhatIfControls.fixed;
import static dev.finescope.ui.whatif.WhatIfControls.heading;
import static dev.finescope.ui.whatif.WhatIfControls.tip;

import dev.finescope.ui.common.ChartPane;
import dev.finescope.whatif.PruneMethod;
import java.util.Locale;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Prune &amp; revert page: the form on the left (prune, revert, revert each layer), the results table and
 * the revert-each-layer bars on the right. A thin view of {@link PruneRevertViewModel}.
 */
final class PruneRevertView extends SplitPane {

    private final WhatIfViewModel vm;
    private final PruneRevertViewModel page;
    /** Bidirectional bindings are weak: these adapters live as long as the page. */
    private final ObjectProperty<Double> prunePercentObject;
    private final ObjectProperty<Long> pruneSeedObject;

    PruneRevertView(WhatIfViewModel vm) {
        this.vm = vm;
        this.page = vm.pruneRevert();
        prunePercentObject = page.prunePercentProperty().asObject();
        pruneSeedObject = page.pruneSeedProperty().asObject();
        ScrollPane formScroll = new ScrollPane(form());
        formScroll.setFitToWidth(true);
        formScroll.setMinWidth(300);
        formScroll.setPrefWidth(340);
        getItems().setAll(formScroll, results());
        setDividerPositions(0.38);
        SplitPane.setResizableWithParent(formScroll, false);
    }

    private GridPane form() {
        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(8);
        form.setPadding(new Insets(10));
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(80);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        form.getColumnConstraints().setAll(labels, fields);
        int row = 0;

        form.add(heading("Prune"), 0, row++, 2, 1);
        TextField pruneSelection = new TextField();
        pruneSelection.setId("prune-selection");
        pruneSelection.textProperty().bindBidirectional(page.pruneSelectionProperty());
        tip(pruneSelection, "The matrices to prune: " + SELECTION_SYNTAX + ".");
        form.addRow(row++, new Label("matrices"), pruneSelection);
        Button fromHeatmap = new Button("heatmap cell");
        fromHeatmap.getStyleClass().add("small");
        fromHeatmap.setId("prune-from-heatmap");
        fromHeatmap.setOnAction(e -> page.usePlotSelection());
        tip(fromHeatmap, "Prune the matrix selected on the heatmap.");
        Button fromPlan = new Button("plan cells");
        fromPlan.getStyleClass().add("small");
        fromPlan.setId("prune-from-plan");
        fromPlan.setOnAction(e -> page.usePlanSelection());
        tip(fromPlan, "Prune the encoder matrices selected in the Plan tab.");
        HBox use = new HBox(6, new Label("take"), fromHeatmap, fromPlan);
        use.setAlignment(Pos.CENTER_LEFT);
        form.add(use, 1, row++);

        Slider slider = new Slider(0, 100, page.prunePercentProperty().get());
        slider.setId("prune-sparsity-slider");
        slider.setMajorTickUnit(25);
        slider.setShowTickMarks(true);
        slider.valueProperty().bindBidirectional(page.prunePercentProperty());
        tip(slider, "The share of each chosen matrix's entries set to zero.");
        Spinner<Double> percent = new Spinner<>(0.0, 100.0, page.prunePercentProperty().get(), 5.0);
        percent.setId("prune-sparsity");
        percent.setEditable(true);
        percent.setPrefWidth(90);
        percent.setMinWidth(90);
        percent.getValueFactory().valueProperty().bindBidirectional(prunePercentObject);
        tip(percent, "The share of each chosen matrix's entries set to zero, in percent.");
        HBox.setHgrow(slider, Priority.ALWAYS);
        HBox sparsityBox = new HBox(6, slider, percent, new Label("%"));
        sparsityBox.setAlignment(Pos.CENTER_LEFT);
        form.addRow(row++, new Label("sparsity"), sparsityBox);

        ComboBox<PruneMethod> method = WhatIfControls.methodChooser("prune-method", page.pruneMethodProperty());
        TextField seed = WhatIfControls.seedField("prune-seed", pruneSeedObject);
        seed.disableProperty().bind(page.pruneMethodProperty().isNotEqualTo(PruneMethod.RANDOM));
        form.addRow(row++, new Label("method"), method);
        form.addRow(row++, new Label("seed"), seed);
        seed.setMaxWidth(100);

        Button evaluatePrune = new Button("Evaluate pruned");
        evaluatePrune.setId("prune-evaluate");
        evaluatePrune.getStyleClass().add("accent");
        evaluatePrune.setOnAction(e -> page.evaluatePrune());
        tip(evaluatePrune, "Zero the chosen share of the matrices, score the model on the data, and compare with "
                + "the unpruned model (Ctrl+Shift+R).");
        form.add(evaluatePrune, 1, row++);

        form.add(new Separator(), 0, row++, 2, 1);
        form.add(heading("Revert to pre-trained"), 0, row++, 2, 1);
        TextField revertSelection = new TextField();
        revertSelection.setId("revert-selection");
        revertSelection.textProperty().bindBidirectional(page.revertSelectionProperty());
        tip(revertSelection, "The matrices or layers set back to the base's values: " + SELECTION_SYNTAX + ".");
        form.addRow(row++, new Label("matrices"), revertSelection);
        CheckBox whole = new CheckBox("whole layers");
        whole.setId("revert-whole-layers");
        whole.selectedProperty().bindBidirectional(page.revertWholeLayersProperty());
        tip(whole, "Revert every tensor of the named layers, not only the named weight matrices and biases.");
        form.add(whole, 1, row++);
        Button evaluateRevert = new Button("Evaluate reverted");
        evaluateRevert.setId("revert-evaluate");
        evaluateRevert.setOnAction(e -> page.evaluateRevert());
        tip(evaluateRevert, "Set the chosen parts back to pre-trained, score the model, and compare with the "
                + "fine-tuned one.");
        Button eachLayer = new Button("Revert each layer");
        eachLayer.setId("revert-each-layer");
        eachLayer.setOnAction(e -> page.revertEachLayer());
        tip(eachLayer, "Revert one layer at a time and chart what each costs: which layers carry the task.");
        form.add(evaluateRevert, 1, row++);
        form.add(eachLayer, 1, row++);

        form.add(new Separator(), 0, row++, 2, 1);
        Button cancel = WhatIfControls.cancelButton(vm, "whatif-cancel");
        form.add(cancel, 1, row++);

        BooleanBinding blocked = vm.busyBinding().or(vm.blockerProperty().isNotEmpty());
        for (Node n : new Node[] {evaluatePrune, evaluateRevert, eachLayer}) {
            n.disableProperty().bind(blocked);
        }
        return form;
    }

    private VBox results() {
        TableView<PruneRevertViewModel.ResultRow> table = resultsTable();
        Button clear = new Button("Clear results");
        clear.setId("whatif-clear-results");
        clear.setOnAction(e -> page.results().clear());
        tip(clear, "Empty the table (File ▸ Export table as CSV keeps it first).");
        Label resultsHeading = heading("Results");
        HBox resultsBar = new HBox(8, resultsHeading, WhatIfControls.spacer(), clear);
        resultsBar.setAlignment(Pos.CENTER_LEFT);

        ChartPane revertChart = new ChartPane();
        revertChart.setId("revert-chart");
        revertChart.setMinHeight(300);
        revertChart.setPrefHeight(380);
        page.revertPictureProperty().addListener((obs, was, now) ->
                revertChart.setChart(now == null ? null : now.chart()));
        revertChart.setChart(page.revertPictureProperty().get() == null ? null
                : page.revertPictureProperty().get().chart());
        revertChart.visibleProperty().bind(page.revertPictureProperty().isNotNull());
        revertChart.managedProperty().bind(revertChart.visibleProperty());

        table.setPrefHeight(220);
        VBox right = new VBox(6, resultsBar, table, revertChart);
        right.setPadding(new Insets(10));
        VBox.setVgrow(table, Priority.ALWAYS);
        return right;
    }

    private TableView<PruneRevertViewModel.ResultRow> resultsTable() {
        TableView<PruneRevertViewModel.ResultRow> table = new TableView<>(page.results());
        table.setId("whatif-results");
        table.setPlaceholder(new Label("Evaluate an experiment: each answer joins this table."));
        table.getColumns().add(column("#", 34, r -> Integer.toString(r.number())));
        table.getColumns().add(column("metric", 66, r -> fixed(r.value())));
        table.getColumns().add(column("Δ", 70, r -> String.format(Locale.ROOT, "%+.4f", r.delta())));
        table.getColumns().add(column("model", 100, PruneRevertViewModel.ResultRow::model));
        table.getColumns().add(column("experiment", 260, PruneRevertViewModel.ResultRow::experiment));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(PruneRevertViewModel.ResultRow item, boolean empty) {
                super.updateItem(item, empty);
                setTooltip(empty || item == null ? null : new Tooltip(item.experiment() + "\n" + item.metric()
                        + " " + item.value() + " against " + item.baseline() + " unedited (Δ " + item.delta() + ")"
                        + (item.entries() == 0 ? "" : String.format(Locale.ROOT, "\n%,d of %,d entries zeroed",
                        item.zeroed(), item.entries())) + "\nrecomputed from layer " + item.firstLayer()));
            }
        });
        tip(table, "Every experiment's metric and its difference Δ from the unedited model (negative: it hurts); "
                + "hover a row for the rest, export the table for all of it.");
        page.results().addListener((ListChangeListener<PruneRevertViewModel.ResultRow>) c -> {
            if (!page.results().isEmpty()) {
                table.scrollTo(page.results().size() - 1);
            }
        });
        return table;
    }
}
