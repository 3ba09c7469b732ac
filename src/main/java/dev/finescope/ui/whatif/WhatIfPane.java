package dev.finescope.ui.whatif;

import static dev.finescope.ui.whatif.WhatIfControls.tip;

import dev.finescope.run.DataSpec;
import dev.finescope.ui.common.LazyTab;
import dev.finescope.ui.common.TunedModel;
import java.util.Locale;
import java.util.Objects;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The What-if tab: what to evaluate on at the top (model, data, task, how many examples), then three pages:
 * prune and revert with their results table and the revert-each-layer bars, the sensitivity sweep's heatmap and
 * curves, and the mask comparison, each a view of its own ({@link PruneRevertView}, {@link SweepView},
 * {@link MasksView}) built when first shown. A thin view: every decision is the {@link WhatIfViewModel}'s.
 */
public final class WhatIfPane extends BorderPane {

    private final WhatIfViewModel vm;
    /** Bidirectional bindings are weak: this adapter lives as long as the pane. */
    private final ObjectProperty<Integer> maxExamplesObject;
    private final TabPane pages = new TabPane();

    public WhatIfPane(WhatIfViewModel viewModel) {
        this.vm = Objects.requireNonNull(viewModel, "viewModel");
        maxExamplesObject = vm.maxExamplesProperty().asObject();
        setTop(new VBox(sessionBar(), statusLines()));
        // each page is built when it is first shown
        Tab prune = page("Prune & revert", WhatIfViewModel.Page.PRUNE);
        Tab sweep = page("Sensitivity sweep", WhatIfViewModel.Page.SWEEP);
        Tab masks = page("Masks", WhatIfViewModel.Page.MASKS);
        Tab representations = page("Representations", WhatIfViewModel.Page.REPRESENTATIONS);
        pages.getTabs().setAll(prune, sweep, masks, representations);
        new LazyTab<>(prune, () -> new PruneRevertView(vm));
        new LazyTab<>(sweep, () -> new SweepView(vm));
        new LazyTab<>(masks, () -> new MasksView(vm));
        new LazyTab<>(representations, () -> new RepresentationsView(vm));
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
}
