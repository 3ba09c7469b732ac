package dev.finescope.ui.runs;

import dev.finescope.run.RunStatus;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The runs tab: the workspace's runs with where each stands, and for the selected one its loss and metric
 * curves, its log and why it failed if it did. A thin view over {@link RunsViewModel}.
 */
public final class RunsPane extends BorderPane {

    private static final int CURVES_HEIGHT = 320;

    private final RunsViewModel vm;
    private final ListView<RunItem> list = new ListView<>();

    public RunsPane(RunsViewModel viewModel) {
        this.vm = Objects.requireNonNull(viewModel, "viewModel");
        setTop(createToolBar());
        list.setId("runs");
        list.setItems(vm.runs());
        list.setCellFactory(l -> new RunCell());
        list.setPlaceholder(new Label("No runs yet. Launch one to train the plan."));
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, item) -> vm.selectedProperty().set(item));
        vm.selectedProperty().addListener((obs, old, item) -> {
            if (list.getSelectionModel().getSelectedItem() != item) {
                list.getSelectionModel().select(item);
            }
        });
        SplitPane split = new SplitPane(list, createDetails());
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.3);
        SplitPane.setResizableWithParent(list, false);
        setCenter(split);
    }

    /** The view model, for the shell's close confirmation and its run shortcut. */
    public RunsViewModel viewModel() {
        return vm;
    }

    /** Opens the launch dialog for the current plan (Ctrl+R in the shell). */
    public void showLaunchDialog() {
        String blocker = vm.launchBlockerBinding().get();
        if (!blocker.isEmpty()) {
            return;
        }
        LaunchDialog.show(getScene() == null ? null : getScene().getWindow(), vm.newLaunchForm(), vm::launch);
    }

    private ToolBar createToolBar() {
        Button launch = new Button("Launch run…");
        launch.setId("launch");
        launch.setOnAction(e -> showLaunchDialog());
        launch.disableProperty().bind(vm.launchBlockerBinding().isNotEmpty());
        launch.setTooltip(new Tooltip("Train the plan being edited on task data, in a process of its own."));

        Button cancel = new Button("Cancel run");
        cancel.setId("cancel");
        cancel.setOnAction(e -> vm.cancelSelected());
        cancel.disableProperty().bind(selectedCannotCancel());
        cancel.setTooltip(new Tooltip("Ask the selected run to stop after its current step."));

        Button resume = new Button("Resume run");
        resume.setId("resume");
        resume.setOnAction(e -> vm.resumeSelected());
        ObservableValue<Boolean> resumable = vm.selectedProperty().flatMap(RunItem::resumableProperty).orElse(false);
        resume.disableProperty().bind(Bindings.createBooleanBinding(() -> !resumable.getValue(), resumable));
        resume.setTooltip(new Tooltip("Go on with the selected run from its last checkpoint: it was interrupted, "
                + "killed or crashed before its end."));

        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> vm.rediscover());
        refresh.setTooltip(new Tooltip("Read the runs folder again."));

        Label blocker = new Label();
        blocker.textProperty().bind(vm.launchBlockerBinding());
        return new ToolBar(launch, cancel, resume, refresh, blocker);
    }

    /** True unless the selected run is one this app started and it still trains. */
    private BooleanBinding selectedCannotCancel() {
        ObservableValue<Boolean> cancellable = vm.selectedProperty()
                .flatMap(RunItem::cancellableProperty).orElse(false);
        return Bindings.createBooleanBinding(() -> !cancellable.getValue(), cancellable);
    }

    private VBox createDetails() {
        Label title = new Label();
        title.setId("run-title");
        title.setStyle("-fx-font-size: 15px; -fx-font-weight: bold;");
        title.textProperty().bind(vm.selectedProperty().flatMap(RunItem::nameProperty).orElse("No run selected"));

        Label status = new Label();
        status.setId("run-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.selectedProperty().flatMap(r -> Bindings.createStringBinding(
                () -> (r.status() == RunStatus.RUNNING ? "running · " : "") + r.summaryProperty().get() + "\n"
                        + r.folder(),
                r.statusProperty(), r.summaryProperty())).orElse(""));

        Label problem = new Label();
        problem.setId("run-problem");
        problem.setWrapText(true);
        problem.setStyle("-fx-text-fill: #d55e00;");
        problem.textProperty().bind(vm.selectedProperty().flatMap(RunItem::problemProperty).orElse(""));
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());

        Label verdict = new Label();
        verdict.setId("run-verdict");
        verdict.setWrapText(true);
        verdict.setStyle("-fx-font-weight: bold;");
        verdict.textProperty().bind(vm.selectedProperty().flatMap(RunItem::verdictProperty).orElse(""));
        verdict.visibleProperty().bind(verdict.textProperty().isNotEmpty());
        verdict.managedProperty().bind(verdict.visibleProperty());

        Button join = new Button("Open as a tuned model");
        join.setId("join-workspace");
        join.setTooltip(new Tooltip("Add this run's result to the workspace, to see how it moved the weights."));
        join.setOnAction(e -> vm.addToWorkspace(vm.selectedProperty().get()));
        join.visibleProperty().bind(vm.selectedProperty().flatMap(r -> r.statusProperty()
                .map(s -> s == RunStatus.FINISHED)).orElse(false));
        join.managedProperty().bind(join.visibleProperty());

        ImageView curves = new ImageView();
        curves.setId("run-curves");
        curves.imageProperty().bind(vm.curvesImageProperty());
        Pane curvesBox = new Pane(curves);
        curvesBox.setMinHeight(CURVES_HEIGHT);
        curvesBox.setPrefHeight(CURVES_HEIGHT);
        curvesBox.widthProperty().addListener((obs, old, w) -> vm.setCurvesSize(w.intValue(), CURVES_HEIGHT));

        javafx.scene.control.Slider smooth = new javafx.scene.control.Slider(0, 0.99, vm.smoothingProperty().get());
        smooth.setId("loss-smoothing");
        smooth.setPrefWidth(160);
        smooth.valueProperty().bindBidirectional(vm.smoothingProperty());
        smooth.setTooltip(new Tooltip("Weight of the exponential moving average drawn over the training loss, as "
                + "TensorBoard's smoothing: 0 draws the raw loss only, 0.99 a very smooth trend. The raw curve stays."));
        Label smoothValue = new Label();
        smoothValue.setId("loss-smoothing-value");
        smoothValue.setMinWidth(40);
        smoothValue.textProperty().bind(vm.smoothingProperty().asString(java.util.Locale.ROOT, "%.2f"));
        javafx.scene.layout.HBox smoothing = new javafx.scene.layout.HBox(8, new Label("Loss smoothing"), smooth,
                smoothValue);
        smoothing.setAlignment(javafx.geometry.Pos.CENTER_LEFT);

        TextArea log = new TextArea();
        log.setId("run-log");
        log.setEditable(false);
        log.setWrapText(false);
        log.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        log.textProperty().bind(vm.selectedProperty().flatMap(RunItem::logTextProperty).orElse(""));
        log.textProperty().addListener((obs, old, text) -> log.setScrollTop(Double.MAX_VALUE));
        VBox.setVgrow(log, Priority.ALWAYS);

        VBox details = new VBox(8, title, status, verdict, problem, join, smoothing, curvesBox, new Label("Log"), log);
        details.setPadding(new Insets(10));
        return details;
    }
}
