package dev.finescope.ui.plan;

import dev.finescope.analysis.Metric;
import dev.finescope.plan.Action;
import dev.finescope.plan.BiasRule;
import dev.finescope.plan.ModelLayout;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The plan editor tab: a toolbar of tools, the sparsity slider and the presets above the grid of weight matrices,
 * and the cost panel beside it. A thin view over {@link PlanEditorViewModel}: it lays controls out and forwards
 * gestures; every decision is the view model's.
 */
public final class PlanEditorPane extends BorderPane {

    private static final KeyCombination UNDO = KeyCombination.keyCombination("Shortcut+Z");

    private final PlanEditorViewModel vm;
    private final javafx.beans.property.BooleanProperty runnable = new javafx.beans.property.SimpleBooleanProperty();
    private Runnable runAction = () -> {
    };

    public PlanEditorPane(PlanEditorViewModel viewModel) {
        this(viewModel, new javafx.beans.property.SimpleBooleanProperty(true));
    }

    /** The editor of {@code viewModel}'s plan, whose grid follows changes while {@code shown} holds. */
    public PlanEditorPane(PlanEditorViewModel viewModel, javafx.beans.value.ObservableBooleanValue shown) {
        this.vm = Objects.requireNonNull(viewModel, "viewModel");
        getStylesheets().add(Objects.requireNonNull(
                PlanEditorPane.class.getResource("plan-editor.css"), "plan-editor.css").toExternalForm());
        setTop(createToolBar());
        Label hint = new Label("Click or drag over matrices to apply the tool; click a layer or a column name for the "
                + "whole row or column.");
        hint.getStyleClass().add("plan-hint");
        ScrollPane scroll = new ScrollPane(new VBox(hint, new PlanGrid(vm, shown)));
        scroll.setFitToWidth(false);
        scroll.setPannable(false);
        setCenter(scroll);
        setRight(new CostPanel(vm));
        addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (UNDO.match(e)) {
                vm.undo();
                e.consume();
            }
        });
    }

    /** The view model, for the shell (a run launches the plan being edited). */
    public PlanEditorViewModel viewModel() {
        return vm;
    }

    private VBox createToolBar() {
        ToggleGroup tools = new ToggleGroup();
        ToggleButton freeze = tool(tools, Action.Kind.FREEZE, "○ Freeze", "tool-freeze",
                "Click or drag over matrices to keep their pre-trained values.");
        ToggleButton tune = tool(tools, Action.Kind.FINE_TUNE, "● Fine-tune", "tool-fine-tune",
                "Click or drag over matrices to train every entry.");
        ToggleButton sparsify = tool(tools, Action.Kind.SPARSIFY, "◐ Sparsify", "tool-sparsify",
                "Click or drag over matrices to learn a mask that zeroes the slider's share of their entries.");
        syncTools(tools);

        Slider slider = new Slider(PlanEditorViewModel.MIN_SPARSITY_PERCENT, PlanEditorViewModel.MAX_SPARSITY_PERCENT,
                vm.sparsityPercentProperty().get());
        slider.setId("sparsity");
        slider.setPrefWidth(150);
        slider.setBlockIncrement(1);
        slider.setTooltip(new Tooltip("Target share of zeros for sparsified matrices; moving it sparsifies the "
                + "selected cells (outlined) at that share."));
        slider.valueProperty().addListener((obs, old, v) -> {
            int percent = (int) Math.round(v.doubleValue());
            if (percent != vm.sparsityPercentProperty().get()) {
                vm.sparsityPercentProperty().set(percent);
            }
        });
        vm.sparsityPercentProperty().addListener((obs, old, p) -> {
            if ((int) Math.round(slider.getValue()) != p.intValue()) {
                slider.setValue(p.intValue());
            }
        });
        Label percent = new Label();
        percent.setId("sparsity-value");
        percent.setMinWidth(34);
        percent.textProperty().bind(vm.sparsityPercentProperty().asString("%d%%"));

        Button all = new Button("All");
        all.setId("paint-all");
        all.setTooltip(new Tooltip("Apply the tool to every matrix of the model."));
        all.setOnAction(e -> vm.paintAll());
        all.disableProperty().bind(vm.layoutProperty().isNull());

        Button undo = new Button("Undo");
        undo.setId("undo");
        undo.setTooltip(new Tooltip("Go back to the plan before the last change (Ctrl+Z)."));
        undo.setOnAction(e -> vm.undo());
        undo.disableProperty().bind(vm.canUndoProperty().not());

        Button open = new Button("Open…");
        open.setTooltip(new Tooltip("Load a plan saved as JSON."));
        open.setOnAction(e -> vm.load());
        Button save = new Button("Save…");
        save.setTooltip(new Tooltip("Save this plan as JSON; `finescope train` reads the same file."));
        save.setOnAction(e -> vm.save());
        open.disableProperty().bind(vm.busyProperty());
        save.disableProperty().bind(vm.busyProperty());

        Button run = new Button("Run this plan…");
        run.setId("run-plan");
        run.setDefaultButton(false);
        run.setTooltip(new Tooltip("Train this plan on task data, in a process of its own (Ctrl+R); the Runs tab "
                + "follows it."));
        run.setOnAction(e -> runAction.run());
        run.disableProperty().bind(vm.layoutProperty().isNull().or(runnable.not()));

        // two rows, so that nothing hides in an overflow menu on a window of ordinary width; separators stand
        // upright between groups (a ToolBar's own are drawn as dashes when made without an orientation)
        ToolBar painting = new ToolBar(freeze, tune, sparsify, separator(), new Label("Sparsity"), slider,
                percent, all, separator(), undo);
        ToolBar recipes = new ToolBar(presets(), separator(), new Label("Biases & LayerNorms"), biasRules(),
                separator(), open, save, separator(), run);
        return new VBox(painting, recipes);
    }

    private static Separator separator() {
        return new Separator(javafx.geometry.Orientation.VERTICAL);
    }

    /**
     * What "Run this plan…" does (the shell opens the launch dialog); until it is set, the button is disabled.
     */
    public void setRunAction(Runnable action) {
        runAction = Objects.requireNonNull(action, "action");
        runnable.set(true);
    }

    private ToggleButton tool(ToggleGroup group, Action.Kind kind, String text, String id, String tip) {
        ToggleButton b = new ToggleButton(text);
        b.setId(id);
        b.setUserData(kind);
        b.setToggleGroup(group);
        b.setFocusTraversable(false);
        b.setTooltip(new Tooltip(tip));
        return b;
    }

    /** The toggle group and the view model's tool follow each other; one tool is always chosen. */
    private void syncTools(ToggleGroup group) {
        Runnable select = () -> group.getToggles().stream()
                .filter(t -> t.getUserData() == vm.toolProperty().get()).findFirst().ifPresent(group::selectToggle);
        select.run();
        vm.toolProperty().addListener((obs, old, kind) -> select.run());
        group.selectedToggleProperty().addListener((obs, old, toggle) -> {
            if (toggle == null) {
                group.selectToggle(old);
            } else {
                vm.toolProperty().set((Action.Kind) toggle.getUserData());
            }
        });
    }

    private MenuButton presets() {
        MenuItem full = new MenuItem("Full fine-tuning");
        full.setOnAction(e -> vm.applyFullFineTuning());
        MenuItem embeddings = new MenuItem("Freeze embeddings");
        embeddings.setOnAction(e -> vm.applyFreezeEmbeddings());
        MenuItem l0 = new MenuItem();
        l0.textProperty().bind(Bindings.when(vm.l0CloseAvailableBinding())
                .then("L0-close: train the top k matrices…")
                .otherwise("L0-close (select a fine-tuned model first)"));
        l0.disableProperty().bind(vm.l0CloseAvailableBinding().not());
        l0.setOnAction(e -> askL0Close());
        MenuItem encoder = new MenuItem();
        encoder.textProperty().bind(vm.sparsityPercentProperty().asString("Sparsify every encoder matrix at %d%%"));
        encoder.setOnAction(e -> vm.applySparsifyEncoder());
        MenuItem biases = new MenuItem("Biases only (BitFit)");
        biases.setOnAction(e -> vm.applyBiasesOnly());
        MenuItem head = new MenuItem("Head only (the baseline)");
        head.setId("preset-head-only");
        head.setOnAction(e -> vm.applyHeadOnly());
        for (MenuItem needsModel : new MenuItem[] {embeddings, encoder}) {
            needsModel.disableProperty().bind(vm.layoutProperty().isNull());
        }
        MenuButton menu = new MenuButton("Presets", null, full, embeddings, l0, encoder, biases, head);
        menu.setId("presets");
        menu.setTooltip(new Tooltip("Start from a known recipe; the grid shows what it does."));
        return menu;
    }

    private ComboBox<BiasRule> biasRules() {
        ComboBox<BiasRule> box = new ComboBox<>();
        box.setId("bias-rule");
        box.getItems().setAll(BiasRule.values());
        box.valueProperty().bindBidirectional(vm.biasRuleProperty());
        StringConverter<BiasRule> names = new StringConverter<>() {
            @Override
            public String toString(BiasRule rule) {
                return rule == null ? "" : biasRuleName(rule);
            }

            @Override
            public BiasRule fromString(String s) {
                throw new UnsupportedOperationException("the bias rule is chosen, not typed");
            }
        };
        box.setConverter(names);
        box.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(BiasRule rule, boolean empty) {
                super.updateItem(rule, empty);
                setText(empty || rule == null ? null : biasRuleName(rule));
                setTooltip(empty || rule == null ? null : new Tooltip(rule.description()));
            }
        });
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(Bindings.createStringBinding(
                () -> vm.biasRuleProperty().get() == null ? "" : vm.biasRuleProperty().get().description(),
                vm.biasRuleProperty()));
        box.setTooltip(tip);
        return box;
    }

    static String biasRuleName(BiasRule rule) {
        return switch (rule) {
            case FOLLOW_MATRIX -> "follow their matrix";
            case ALL_TRAIN -> "all train";
            case ALL_BIASES -> "biases train (BitFit)";
            case ALL_FROZEN -> "all frozen";
        };
    }

    /** Asks for the metric and k of L0-close, then applies it. */
    private void askL0Close() {
        ModelLayout layout = vm.layoutProperty().get();
        int matrices = layout == null ? 1 : Math.max(1, layout.matrixCells().size());
        ChoiceBox<Metric> metric = new ChoiceBox<>();
        metric.getItems().setAll(Metric.values());
        metric.setValue(vm.l0MetricProperty().get());
        metric.setConverter(new StringConverter<>() {
            @Override
            public String toString(Metric m) {
                return m == null ? "" : m.label();
            }

            @Override
            public Metric fromString(String s) {
                throw new UnsupportedOperationException("the metric is chosen, not typed");
            }
        });
        Spinner<Integer> k = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, matrices,
                Math.min(matrices, Math.max(1, vm.l0KProperty().get()))));
        k.setEditable(true);
        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(8);
        form.setPadding(new Insets(12));
        form.addRow(0, new Label("Rank matrices by"), metric);
        form.addRow(1, new Label("Train the top"), k);
        Label note = new Label("The k matrices that moved furthest in the selected fine-tuned model train, with "
                + "their biases; every other matrix stays frozen.");
        note.setWrapText(true);
        note.setMaxWidth(320);
        form.add(note, 0, 2, 2, 1);
        form.setAlignment(Pos.CENTER_LEFT);

        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.setTitle("L0-close");
        if (getScene() != null) {
            dialog.initOwner(getScene().getWindow());
        }
        dialog.getDialogPane().setContent(form);
        dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        dialog.setResultConverter(b -> b);
        dialog.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> {
            vm.l0MetricProperty().set(metric.getValue());
            vm.l0KProperty().set(k.getValue());
            vm.applyL0Close();
        });
    }
}
