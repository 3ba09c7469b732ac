package dev.finescope.ui.whatif;

import dev.finescope.run.DataSpec;
import dev.finescope.ui.common.ChartPane;
import dev.finescope.ui.common.LazyTab;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SweepSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import javafx.util.converter.LongStringConverter;
import org.controlsfx.control.CheckListView;

/**
 * The What-if tab: what to evaluate on at the top (model, data, task, how many examples), then three pages:
 * prune and revert with their results table and the revert-each-layer bars, the sensitivity sweep's heatmap and
 * curves, and the mask comparison. A thin view: every decision is the {@link WhatIfViewModel}'s.
 */
public final class WhatIfPane extends BorderPane {

    private static final String SELECTION_SYNTAX = "all · layer:3 · layers:2-4 · column:FFN-in · 3:V,4:FFN-out";

    private final WhatIfViewModel vm;
    /** Bidirectional bindings are weak: these adapters live as long as the pane. */
    private final ObjectProperty<Double> prunePercentObject;
    private final ObjectProperty<Integer> maxExamplesObject;
    private final ObjectProperty<Long> pruneSeedObject;
    private final ObjectProperty<Long> sweepSeedObject;
    private final TabPane pages = new TabPane();

    public WhatIfPane(WhatIfViewModel viewModel) {
        this.vm = Objects.requireNonNull(viewModel, "viewModel");
        prunePercentObject = vm.prunePercentProperty().asObject();
        maxExamplesObject = vm.maxExamplesProperty().asObject();
        pruneSeedObject = vm.pruneSeedProperty().asObject();
        sweepSeedObject = vm.sweepSeedProperty().asObject();
        setTop(new VBox(sessionBar(), statusLines()));
        // each page is built when it is first shown
        Tab prune = page("Prune & revert", WhatIfViewModel.Page.PRUNE);
        Tab sweep = page("Sensitivity sweep", WhatIfViewModel.Page.SWEEP);
        Tab masks = page("Masks", WhatIfViewModel.Page.MASKS);
        pages.getTabs().setAll(prune, sweep, masks);
        new LazyTab<>(prune, this::prunePage);
        new LazyTab<>(sweep, this::sweepPage);
        new LazyTab<>(masks, this::masksPage);
        pages.setId("whatif-pages");
        pages.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        pages.getSelectionModel().selectedIndexProperty().addListener((obs, was, now) ->
                vm.pageProperty().set(WhatIfViewModel.Page.values()[now.intValue()]));
        setCenter(pages);
        getStyleClass().add("whatif-pane");
    }

    public WhatIfViewModel viewModel() {
        return vm;
    }

    /** Shows one of the pages (for the shell's shortcuts). */
    public void showPage(WhatIfViewModel.Page page) {
        pages.getSelectionModel().select(page.ordinal());
    }

    private static Tab page(String name, WhatIfViewModel.Page page) {
        Tab tab = new Tab(name);
        tab.setId("whatif-page-" + page.name().toLowerCase(Locale.ROOT));
        return tab;
    }

    // ------------------------------------------------------------------ top

    private FlowPane sessionBar() {
        ComboBox<TunedModel> model = new ComboBox<>(vm.models());
        model.setId("whatif-model");
        model.setPrefWidth(170);
        model.valueProperty().bindBidirectional(vm.modelProperty());
        tip(model, "The fine-tuned model to experiment on; only models with a task head can be scored.");

        Label data = new Label();
        data.setId("whatif-data");
        data.setMaxWidth(220);
        data.textProperty().bind(vm.dataProperty().map(p -> p.getFileName() == null ? p.toString()
                : p.getFileName().toString()).orElse("no data"));
        data.tooltipProperty().bind(vm.dataProperty().map(p -> new Tooltip("The task data evaluated on: " + p)));
        Button chooseData = new Button("…");
        chooseData.setId("whatif-choose-data");
        chooseData.setOnAction(e -> vm.chooseData());
        tip(chooseData, "Evaluate on another data folder (GLUE layout) than the workspace's.");

        ComboBox<String> task = new ComboBox<>();
        task.getItems().setAll(DataSpec.GLUE_TASKS);
        task.setId("whatif-task");
        task.valueProperty().bindBidirectional(vm.taskProperty());
        tip(task, "The GLUE task whose layout and metric the data has (the sample data is SST-2-like).");

        Spinner<Integer> examples = new Spinner<>();
        examples.setId("whatif-examples");
        SpinnerValueFactory.IntegerSpinnerValueFactory examplesFactory =
                new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 1_000_000, vm.maxExamplesProperty().get(), 50);
        examplesFactory.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer n) {
                return n == null || n == 0 ? "all" : n.toString();
            }

            @Override
            public Integer fromString(String s) {
                String t = s == null ? "" : s.strip();
                if (t.isEmpty() || t.equalsIgnoreCase("all")) {
                    return 0;
                }
                try {
                    return Math.max(0, Integer.parseInt(t));
                } catch (NumberFormatException e) {
                    return examplesFactory.getValue();
                }
            }
        });
        examples.setValueFactory(examplesFactory);
        examplesFactory.valueProperty().bindBidirectional(maxExamplesObject);
        examples.setEditable(true);
        examples.setPrefWidth(86);
        tip(examples, "Evaluate on the first N examples of the dev split only (faster, rougher); all by default.");

        BooleanBinding busy = vm.busyBinding();
        for (Node n : new Node[] {model, chooseData, task, examples}) {
            n.disableProperty().bind(busy);
        }

        FlowPane bar = new FlowPane(8, 6, new Label("fine-tuned"), model, new Label("data"), data, chooseData,
                new Label("task"), task, new Label("examples"), examples);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8, 10, 4, 10));
        bar.getStyleClass().add("tool-bar-flow");
        return bar;
    }

    private VBox statusLines() {
        Label session = new Label();
        session.setId("whatif-session");
        session.setWrapText(true);
        session.getStyleClass().add("text-muted");
        session.textProperty().bind(vm.sessionProperty().map(WhatIfViewModel.SessionInfo::describe)
                .orElse("The model and data open with the first experiment and stay open for the next ones."));

        Label blocker = new Label();
        blocker.setId("whatif-blocker");
        blocker.setWrapText(true);
        blocker.setStyle("-fx-text-fill: #d55e00;");
        blocker.textProperty().bind(vm.blockerProperty());
        blocker.visibleProperty().bind(vm.blockerProperty().isNotEmpty());
        blocker.managedProperty().bind(blocker.visibleProperty());

        Label message = new Label();
        message.setId("whatif-message");
        message.setWrapText(true);
        message.textProperty().bind(vm.messageProperty());
        message.visibleProperty().bind(vm.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());

        VBox box = new VBox(2, session, blocker, message);
        box.setPadding(new Insets(0, 10, 6, 10));
        return box;
    }

    // ------------------------------------------------------------------ prune & revert

    private Node prunePage() {
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
        pruneSelection.textProperty().bindBidirectional(vm.pruneSelectionProperty());
        tip(pruneSelection, "The matrices to prune: " + SELECTION_SYNTAX + ".");
        form.addRow(row++, new Label("matrices"), pruneSelection);
        Button fromHeatmap = new Button("heatmap cell");
        fromHeatmap.getStyleClass().add("small");
        fromHeatmap.setId("prune-from-heatmap");
        fromHeatmap.setOnAction(e -> vm.usePlotSelection());
        tip(fromHeatmap, "Prune the matrix selected on the heatmap.");
        Button fromPlan = new Button("plan cells");
        fromPlan.getStyleClass().add("small");
        fromPlan.setId("prune-from-plan");
        fromPlan.setOnAction(e -> vm.usePlanSelection());
        tip(fromPlan, "Prune the encoder matrices selected in the Plan tab.");
        HBox use = new HBox(6, new Label("take"), fromHeatmap, fromPlan);
        use.setAlignment(Pos.CENTER_LEFT);
        form.add(use, 1, row++);

        Slider slider = new Slider(0, 100, vm.prunePercentProperty().get());
        slider.setId("prune-sparsity-slider");
        slider.setMajorTickUnit(25);
        slider.setShowTickMarks(true);
        slider.valueProperty().bindBidirectional(vm.prunePercentProperty());
        tip(slider, "The share of each chosen matrix's entries set to zero.");
        Spinner<Double> percent = new Spinner<>(0.0, 100.0, vm.prunePercentProperty().get(), 5.0);
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

        ComboBox<PruneMethod> method = methodChooser("prune-method", vm.pruneMethodProperty());
        TextField seed = seedField("prune-seed", pruneSeedObject);
        seed.disableProperty().bind(vm.pruneMethodProperty().isNotEqualTo(PruneMethod.RANDOM));
        form.addRow(row++, new Label("method"), method);
        form.addRow(row++, new Label("seed"), seed);
        seed.setMaxWidth(100);

        Button evaluatePrune = new Button("Evaluate pruned");
        evaluatePrune.setId("prune-evaluate");
        evaluatePrune.getStyleClass().add("accent");
        evaluatePrune.setOnAction(e -> vm.evaluatePrune());
        tip(evaluatePrune, "Zero the chosen share of the matrices, score the model on the data, and compare with "
                + "the unpruned model (Ctrl+Shift+R).");
        form.add(evaluatePrune, 1, row++);

        form.add(new Separator(), 0, row++, 2, 1);
        form.add(heading("Revert to pre-trained"), 0, row++, 2, 1);
        TextField revertSelection = new TextField();
        revertSelection.setId("revert-selection");
        revertSelection.textProperty().bindBidirectional(vm.revertSelectionProperty());
        tip(revertSelection, "The matrices or layers set back to the base's values: " + SELECTION_SYNTAX + ".");
        form.addRow(row++, new Label("matrices"), revertSelection);
        CheckBox whole = new CheckBox("whole layers");
        whole.setId("revert-whole-layers");
        whole.selectedProperty().bindBidirectional(vm.revertWholeLayersProperty());
        tip(whole, "Revert every tensor of the named layers, not only the named weight matrices and biases.");
        form.add(whole, 1, row++);
        Button evaluateRevert = new Button("Evaluate reverted");
        evaluateRevert.setId("revert-evaluate");
        evaluateRevert.setOnAction(e -> vm.evaluateRevert());
        tip(evaluateRevert, "Set the chosen parts back to pre-trained, score the model, and compare with the "
                + "fine-tuned one.");
        Button eachLayer = new Button("Revert each layer");
        eachLayer.setId("revert-each-layer");
        eachLayer.setOnAction(e -> vm.revertEachLayer());
        tip(eachLayer, "Revert one layer at a time and chart what each costs: which layers carry the task.");
        form.add(evaluateRevert, 1, row++);
        form.add(eachLayer, 1, row++);

        form.add(new Separator(), 0, row++, 2, 1);
        Button cancel = cancelButton("whatif-cancel");
        form.add(cancel, 1, row++);

        BooleanBinding blocked = vm.busyBinding().or(vm.blockerProperty().isNotEmpty());
        for (Node n : new Node[] {evaluatePrune, evaluateRevert, eachLayer}) {
            n.disableProperty().bind(blocked);
        }

        ScrollPane formScroll = new ScrollPane(form);
        formScroll.setFitToWidth(true);
        formScroll.setMinWidth(300);
        formScroll.setPrefWidth(340);

        TableView<WhatIfViewModel.ResultRow> table = resultsTable();
        Button clear = new Button("Clear results");
        clear.setId("whatif-clear-results");
        clear.setOnAction(e -> vm.results().clear());
        tip(clear, "Empty the table (File ▸ Export table as CSV keeps it first).");
        Label resultsHeading = heading("Results");
        HBox resultsBar = new HBox(8, resultsHeading, spacer(), clear);
        resultsBar.setAlignment(Pos.CENTER_LEFT);

        ChartPane revertChart = new ChartPane();
        revertChart.setId("revert-chart");
        revertChart.setMinHeight(300);
        revertChart.setPrefHeight(380);
        vm.revertPictureProperty().addListener((obs, was, now) ->
                revertChart.setChart(now == null ? null : now.chart()));
        revertChart.setChart(vm.revertPictureProperty().get() == null ? null : vm.revertPictureProperty().get().chart());
        revertChart.visibleProperty().bind(vm.revertPictureProperty().isNotNull());
        revertChart.managedProperty().bind(revertChart.visibleProperty());

        table.setPrefHeight(220);
        VBox right = new VBox(6, resultsBar, table, revertChart);
        right.setPadding(new Insets(10));
        VBox.setVgrow(table, Priority.ALWAYS);

        SplitPane split = new SplitPane(formScroll, right);
        split.setDividerPositions(0.38);
        SplitPane.setResizableWithParent(formScroll, false);
        return split;
    }

    private TableView<WhatIfViewModel.ResultRow> resultsTable() {
        TableView<WhatIfViewModel.ResultRow> table = new TableView<>(vm.results());
        table.setId("whatif-results");
        table.setPlaceholder(new Label("Evaluate an experiment: each answer joins this table."));
        table.getColumns().add(column("#", 34, r -> Integer.toString(r.number())));
        table.getColumns().add(column("metric", 66, r -> fixed(r.value())));
        table.getColumns().add(column("Δ", 70, r -> String.format(Locale.ROOT, "%+.4f", r.delta())));
        table.getColumns().add(column("model", 100, WhatIfViewModel.ResultRow::model));
        table.getColumns().add(column("experiment", 260, WhatIfViewModel.ResultRow::experiment));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setRowFactory(t -> new javafx.scene.control.TableRow<>() {
            @Override
            protected void updateItem(WhatIfViewModel.ResultRow item, boolean empty) {
                super.updateItem(item, empty);
                setTooltip(empty || item == null ? null : new Tooltip(item.experiment() + "\n" + item.metric()
                        + " " + item.value() + " against " + item.baseline() + " unedited (Δ " + item.delta() + ")"
                        + (item.entries() == 0 ? "" : String.format(Locale.ROOT, "\n%,d of %,d entries zeroed",
                        item.zeroed(), item.entries())) + "\nrecomputed from layer " + item.firstLayer()));
            }
        });
        tip(table, "Every experiment's metric and its difference Δ from the unedited model (negative: it hurts); "
                + "hover a row for the rest, export the table for all of it.");
        vm.results().addListener((ListChangeListener<WhatIfViewModel.ResultRow>) c -> {
            if (!vm.results().isEmpty()) {
                table.scrollTo(vm.results().size() - 1);
            }
        });
        return table;
    }

    // ------------------------------------------------------------------ sweep

    private Node sweepPage() {
        ComboBox<SweepSpec.Granularity> granularity = new ComboBox<>();
        granularity.getItems().setAll(SweepSpec.Granularity.values());
        granularity.setId("sweep-granularity");
        granularity.valueProperty().bindBidirectional(vm.granularityProperty());
        granularity.setConverter(new StringConverter<>() {
            @Override
            public String toString(SweepSpec.Granularity g) {
                return g == null ? "" : g == SweepSpec.Granularity.CELL ? "each matrix" : "each layer";
            }

            @Override
            public SweepSpec.Granularity fromString(String s) {
                return s.startsWith("each layer") ? SweepSpec.Granularity.ROW : SweepSpec.Granularity.CELL;
            }
        });
        tip(granularity, "Prune every matrix alone (a cell of the grid), or every layer's matrices together.");

        TextField sparsities = new TextField();
        sparsities.setId("sweep-sparsities");
        sparsities.setPrefColumnCount(11);
        sparsities.textProperty().bindBidirectional(vm.sparsitiesProperty());
        tip(sparsities, "The sparsities to try, in percent, separated by commas.");

        ComboBox<PruneMethod> method = methodChooser("sweep-method", vm.sweepMethodProperty());
        TextField seed = seedField("sweep-seed", sweepSeedObject);
        seed.disableProperty().bind(vm.sweepMethodProperty().isNotEqualTo(PruneMethod.RANDOM));

        CheckBox resume = new CheckBox("resume");
        resume.setId("sweep-resume");
        resume.selectedProperty().bindBidirectional(vm.resumeProperty());
        tip(resume, "Keep the points of an earlier, cancelled sweep with the same settings and compute only the "
                + "rest.");

        Button run = new Button("Run sweep");
        run.setId("sweep-run");
        run.getStyleClass().add("accent");
        run.setOnAction(e -> vm.runSweep());
        run.disableProperty().bind(vm.busyBinding().or(vm.blockerProperty().isNotEmpty()));
        tip(run, "Prune each matrix (or layer) alone at each sparsity and score the model: points appear as they "
                + "arrive.");
        Button cancel = cancelButton("sweep-cancel");

        FlowPane bar = new FlowPane(8, 6, new Label("prune"), granularity, new Label("at %"), sparsities,
                new Label("method"), method, new Label("seed"), seed, resume, run, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8, 10, 8, 10));

        ComboBox<Double> shown = new ComboBox<>(vm.sweepSparsities());
        shown.setId("sweep-sparsity");
        shown.valueProperty().bindBidirectional(vm.shownSparsityProperty());
        shown.setConverter(new StringConverter<>() {
            @Override
            public String toString(Double s) {
                return s == null ? "" : WhatIfCharts.percent(s);
            }

            @Override
            public Double fromString(String s) {
                return null;
            }
        });
        tip(shown, "The sparsity the heatmap shows; the curves show them all.");
        HBox shownBar = new HBox(6, new Label("heatmap at"), shown);
        shownBar.setAlignment(Pos.CENTER_LEFT);
        shownBar.setPadding(new Insets(0, 0, 4, 4));

        ChartPane heatmap = new ChartPane();
        heatmap.setId("sweep-heatmap");
        heatmap.setMinSize(260, 220);
        ChartPane curves = new ChartPane();
        curves.setId("sweep-curves");
        curves.setMinSize(260, 220);
        Runnable show = () -> {
            // a sweep's charts change in place and redraw themselves: only a new sweep's charts are set
            WhatIfViewModel.SweepPicture p = vm.sweepPictureProperty().get();
            if (p == null || heatmap.getChart() != p.heatmap()) {
                heatmap.setChart(p == null ? null : p.heatmap());
            }
            if (p == null || curves.getChart() != p.curves()) {
                curves.setChart(p == null ? null : p.curves());
            }
        };
        vm.sweepPictureProperty().addListener((obs, was, now) -> show.run());
        show.run();
        heatmap.canvas().addEventHandler(MouseEvent.MOUSE_MOVED, e -> heatmap.plotPoint(e.getX(), e.getY())
                .ifPresentOrElse(p -> vm.hoverSweep((int) Math.round(p.getY()), (int) Math.round(p.getX())),
                        vm::clearSweepHover));
        heatmap.canvas().addEventHandler(MouseEvent.MOUSE_EXITED, e -> vm.clearSweepHover());

        VBox heatmapBox = new VBox(shownBar, heatmap);
        VBox.setVgrow(heatmap, Priority.ALWAYS);
        SplitPane charts = new SplitPane(heatmapBox, curves);
        charts.setDividerPositions(0.55);

        Label empty = new Label("Run a sweep: every matrix pruned alone at each sparsity, scored on the data. "
                + "The heatmap fills in as points arrive; cancel keeps them, and the next run resumes.");
        empty.setId("sweep-empty");
        empty.setWrapText(true);
        empty.setMaxWidth(520);
        empty.getStyleClass().add("text-muted");
        empty.visibleProperty().bind(vm.sweepPictureProperty().isNull());
        charts.visibleProperty().bind(vm.sweepPictureProperty().isNotNull());
        StackPane centre = new StackPane(charts, empty);
        centre.setPadding(new Insets(0, 6, 0, 6));

        Label note = new Label();
        note.setId("sweep-note");
        note.getStyleClass().add("text-muted");
        note.textProperty().bind(Bindings.createStringBinding(() -> {
            WhatIfViewModel.SweepPicture p = vm.sweepPictureProperty().get();
            Path csv = vm.sweepCsvProperty().get();
            return p == null ? "" : p.note() + (csv == null ? "" : " · points kept in " + csv.getFileName());
        }, vm.sweepPictureProperty(), vm.sweepCsvProperty()));
        Label hover = new Label();
        hover.setId("sweep-hover");
        hover.getStyleClass().add("hover-readout");
        hover.setWrapText(true);
        hover.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        hover.textProperty().bind(Bindings.createStringBinding(() -> vm.sweepHoverProperty().get().isEmpty()
                ? "Hover over a cell for its exact numbers." : vm.sweepHoverProperty().get(),
                vm.sweepHoverProperty()));
        VBox bottom = new VBox(4, note, hover);
        bottom.setPadding(new Insets(6, 10, 8, 10));

        BorderPane page = new BorderPane(centre);
        page.setTop(bar);
        page.setBottom(bottom);
        return page;
    }

    // ------------------------------------------------------------------ masks

    private Node masksPage() {
        CheckListView<TunedModel> runs = new CheckListView<>(vm.maskCandidates());
        runs.setId("mask-runs");
        runs.setPrefWidth(220);
        runs.setPlaceholder(new Label("No run with learned masks in this workspace."));
        tip(runs, "The runs with learned masks to compare; none ticked compares them all.");
        runs.getCheckModel().getCheckedItems().addListener((ListChangeListener<TunedModel>) c ->
                vm.maskChosen().setAll(runs.getCheckModel().getCheckedItems()));
        Button compare = new Button("Compare masks");
        compare.setId("mask-compare");
        compare.getStyleClass().add("accent");
        compare.setOnAction(e -> vm.compareMasks());
        compare.disableProperty().bind(Bindings.size(vm.maskCandidates()).lessThan(2)
                .or(vm.maskTaskProperty().isNotNull()));
        tip(compare, "Hamming distance and Jaccard overlap of the zeroed entries, for every pair of runs.");
        Label runsHeading = heading("Masked runs");
        VBox left = new VBox(6, runsHeading, runs, compare);
        VBox.setVgrow(runs, Priority.ALWAYS);
        left.setPadding(new Insets(10));

        ChartPane hamming = new ChartPane();
        hamming.setId("mask-hamming");
        hamming.setMinSize(240, 220);
        ChartPane jaccard = new ChartPane();
        jaccard.setId("mask-jaccard");
        jaccard.setMinSize(240, 220);
        Runnable show = () -> {
            WhatIfViewModel.MaskPicture p = vm.maskPictureProperty().get();
            hamming.setChart(p == null ? null : p.hamming());
            jaccard.setChart(p == null ? null : p.jaccard());
        };
        vm.maskPictureProperty().addListener((obs, was, now) -> show.run());
        show.run();
        GridPane matrices = new GridPane();
        matrices.setHgap(6);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        half.setHgrow(Priority.ALWAYS);
        matrices.getColumnConstraints().setAll(half, half);
        matrices.add(hamming, 0, 0);
        matrices.add(jaccard, 1, 0);
        GridPane.setVgrow(hamming, Priority.ALWAYS);
        GridPane.setVgrow(jaccard, Priority.ALWAYS);

        TableView<WhatIfViewModel.MaskRow> table = new TableView<>(vm.maskRows());
        table.setId("mask-table");
        table.setPlaceholder(new Label("Compare masks to see each run's accuracy and overlap."));
        table.getColumns().add(column("run", 160, WhatIfViewModel.MaskRow::label));
        table.getColumns().add(column("accuracy", 90, r -> r.accuracy() == null ? "unknown" : fixed(r.accuracy())));
        table.getColumns().add(column("Hamming, mean", 130, r -> fixed(r.meanHamming())));
        table.getColumns().add(column("Jaccard, mean", 130, r -> fixed(r.meanJaccard())));
        table.setPrefHeight(180);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        tip(table, "Each run's accuracy (from its overlay) beside how far its mask lies from the others'.");

        SplitPane right = new SplitPane(matrices, table);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.7);
        Label empty = new Label("Compare the learned masks of masked runs: are runs at different sparsities the "
                + "same solution, or different good ones?");
        empty.setWrapText(true);
        empty.setMaxWidth(480);
        empty.getStyleClass().add("text-muted");
        empty.visibleProperty().bind(vm.maskPictureProperty().isNull());
        right.visibleProperty().bind(vm.maskPictureProperty().isNotNull());
        StackPane centre = new StackPane(right, empty);

        SplitPane split = new SplitPane(left, centre);
        split.setDividerPositions(0.22);
        SplitPane.setResizableWithParent(left, false);
        return split;
    }

    // ------------------------------------------------------------------ parts

    private Button cancelButton(String id) {
        Button cancel = new Button("Cancel");
        cancel.setId(id);
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.busyBinding().not());
        tip(cancel, "Stop the running experiment at its next layer or batch; a sweep keeps its points.");
        return cancel;
    }

    private static ComboBox<PruneMethod> methodChooser(String id, ObjectProperty<PruneMethod> property) {
        ComboBox<PruneMethod> method = new ComboBox<>();
        method.getItems().setAll(PruneMethod.values());
        method.setId(id);
        method.valueProperty().bindBidirectional(property);
        method.setCellFactory(l -> new MethodCell());
        method.setButtonCell(new MethodCell());
        tip(method, "Magnitude zeroes the smallest |w| first; random zeroes a seeded random set of entries.");
        return method;
    }

    private static TextField seedField(String id, ObjectProperty<Long> seed) {
        TextField field = new TextField();
        field.setId(id);
        field.setPrefColumnCount(4);
        TextFormatter<Long> formatter = new TextFormatter<>(new LongStringConverter(), seed.get(),
                change -> change.getControlNewText().matches("-?\\d{0,18}") ? change : null);
        field.setTextFormatter(formatter);
        formatter.valueProperty().bindBidirectional(seed);
        tip(field, "The seed of random pruning: the same seed zeroes the same entries.");
        return field;
    }

    private static <R> TableColumn<R, String> column(String name, double width, Function<R, String> text) {
        TableColumn<R, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new SimpleStringProperty(f.getValue() == null ? "" : text.apply(f.getValue())));
        c.setSortable(false);
        return c;
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private static javafx.scene.layout.Region spacer() {
        javafx.scene.layout.Region r = new javafx.scene.layout.Region();
        HBox.setHgrow(r, Priority.ALWAYS);
        return r;
    }

    private static void tip(Control control, String text) {
        Tooltip tooltip = new Tooltip(text);
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(420);
        control.setTooltip(tooltip);
    }

    /** A pruning method in words. */
    private static final class MethodCell extends ListCell<PruneMethod> {
        @Override
        protected void updateItem(PruneMethod item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item == PruneMethod.MAGNITUDE ? "magnitude" : "random");
        }
    }
}
