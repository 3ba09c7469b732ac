package dev.finescope.ui.plan;

import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.plan.Action;
import dev.finescope.plan.BiasRule;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanCost;
import dev.finescope.plan.Presets;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;

/**
 * The plan editor's state and everything a user can do to a plan: paint cells, rows and columns with the current
 * tool, set the sparsity of the selected cells, start from a preset, choose the bias rule, undo, save and load.
 * The cost of the plan on the workspace's base model follows every change, so the user sees what a choice costs
 * before anything trains. Views only bind to it and forward clicks; it never opens a window itself.
 *
 * <p>This class holds the tools, the selection and the editing commands; the base model's grid is read by
 * {@link BaseLayout}, the plan and its undo steps are kept by {@link PlanHistory}, the cost by {@link PlanCostModel}
 * and plan files are read and written by {@link PlanFiles}.
 */
public final class PlanEditorViewModel {

    /** The sparsity slider's range, in percent. */
    public static final int MIN_SPARSITY_PERCENT = 1;
    public static final int MAX_SPARSITY_PERCENT = 90;
    static final String EDITED = " (edited)";

    private final Workspace workspace;
    private final DialogService dialogs;

    private final BaseLayout layout;
    private final PlanHistory history;
    private final PlanCostModel cost;
    private final PlanFiles files;
    private final ObjectProperty<Action.Kind> tool = new SimpleObjectProperty<>(this, "tool", Action.Kind.FREEZE);
    private final IntegerProperty sparsityPercent = new SimpleIntegerProperty(this, "sparsityPercent", 30);
    private final ObjectProperty<BiasRule> biasRule =
            new SimpleObjectProperty<>(this, "biasRule", BiasRule.FOLLOW_MATRIX);
    private final ObjectProperty<Metric> l0Metric = new SimpleObjectProperty<>(this, "l0Metric", Metric.REL_L2);
    private final IntegerProperty l0K = new SimpleIntegerProperty(this, "l0K", 8);
    private final ObservableSet<MatrixCell> selection = FXCollections.observableSet(new LinkedHashSet<>());
    private final ObservableSet<MatrixCell> selectionView = FXCollections.unmodifiableObservableSet(selection);
    private final BooleanBinding l0CloseAvailable;

    /** Set while the view model itself updates a property, so its own listeners do not take it for a user edit. */
    private boolean syncing;
    /** True while slider moves may fold into the undo step the first move made. */
    private boolean sparsityEditOpen;

    public PlanEditorViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(executor, "executor");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        layout = new BaseLayout(this, executor, dialogs);
        history = new PlanHistory(this, Presets.fullFineTuning());
        cost = new PlanCostModel(this);
        files = new PlanFiles(this, executor, dialogs, layout::get);
        l0CloseAvailable = Bindings.createBooleanBinding(
                () -> workspace.selectedComparisonProperty().get() != null && layout.get() != null,
                workspace.selectedComparisonProperty(), layout.property());
        initListeners();
        loadLayout();
    }

    private void initListeners() {
        workspace.baseProperty().addListener((obs, old, base) -> loadLayout());
        history.planProperty().addListener((obs, old, p) -> {
            syncing = true;
            biasRule.set(p.biasRule());
            syncing = false;
            cost.update(layout.get(), p);
        });
        layout.property().addListener((obs, old, l) -> cost.update(l, history.current()));
        biasRule.addListener((obs, old, rule) -> {
            if (!syncing && rule != null && rule != history.current().biasRule()) {
                history.edit(history.current().withBiasRule(rule));
            }
        });
        sparsityPercent.addListener((obs, old, percent) -> {
            if (!syncing) {
                applySparsityToSelection(percent.intValue());
            }
        });
    }

    /** A new base: the selection goes, and its grid is read in the background. */
    private void loadLayout() {
        setSelection(List.of());
        layout.load(workspace.baseProperty().get());
    }

    // ---- state -------------------------------------------------------------------------------------------

    /** The base model's tensors as the plan sees them; null while no base is open. */
    public ReadOnlyObjectProperty<ModelLayout> layoutProperty() {
        return layout.property();
    }

    /** The plan being edited; never null. */
    public ReadOnlyObjectProperty<Plan> planProperty() {
        return history.planProperty();
    }

    /** What the plan costs on the base; null while there is no base or the plan does not fit it. */
    public ReadOnlyObjectProperty<PlanCost> costProperty() {
        return cost.costProperty();
    }

    /** Why there is no cost (no base, or how the plan does not fit it); empty when there is one. */
    public ReadOnlyStringProperty costProblemProperty() {
        return cost.problemProperty();
    }

    /** The cost as the panel shows it. */
    public CostTexts costTexts() {
        return cost.texts();
    }

    /** What a click, a drag or a row or column header does. */
    public ObjectProperty<Action.Kind> toolProperty() {
        return tool;
    }

    /**
     * The sparsity, in percent, that the sparsify tool gives. Changing it sparsifies the selected cells at the
     * new value (one undo step for one slider gesture).
     */
    public IntegerProperty sparsityPercentProperty() {
        return sparsityPercent;
    }

    /** The plan's rule for biases and LayerNorms; setting it changes the plan. */
    public ObjectProperty<BiasRule> biasRuleProperty() {
        return biasRule;
    }

    /** The metric by which L0-close ranks matrices. */
    public ObjectProperty<Metric> l0MetricProperty() {
        return l0Metric;
    }

    /** How many matrices L0-close trains. */
    public IntegerProperty l0KProperty() {
        return l0K;
    }

    /** True when a tuned model is selected, so there are distances to rank matrices by. */
    public BooleanBinding l0CloseAvailableBinding() {
        return l0CloseAvailable;
    }

    /** The cells the last click, drag, row, column or "all" touched; the slider acts on them. */
    public ObservableSet<MatrixCell> selection() {
        return selectionView;
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return history.canUndoProperty();
    }

    /** True while a plan file is read or written. */
    public ReadOnlyBooleanProperty busyProperty() {
        return files.busyProperty();
    }

    /** The action the plan gives a cell. */
    public Action actionOf(MatrixCell cell) {
        return history.current().actionOf(cell);
    }

    /** The grid's rows, top to bottom: the embeddings, layers 0 … L-1 and the pooler, as far as the model has them. */
    public List<GridRow> rows() {
        return layout.rows();
    }

    /** The columns of the grid: the weight matrices of an encoder layer, in grid order. */
    public List<GridColumn> columns() {
        return MatrixCell.matrixColumns(GridRow.Kind.LAYER);
    }

    /** True when the model has a weight matrix in that cell (the others are drawn empty and take no clicks). */
    public boolean hasCell(MatrixCell cell) {
        return layout.hasCell(cell);
    }

    /** The weight-matrix shape of a cell, for its tooltip ("64 × 32"), or empty. */
    public String shapeOf(MatrixCell cell) {
        return layout.shapeOf(cell);
    }

    // ---- editing ----------------------------------------------------------------------------------------

    /** A click: the cell takes the current tool's action and becomes the selection. */
    public void paint(MatrixCell cell) {
        startStroke(cell);
    }

    /** The start of a drag: as a click; the cells the drag then crosses join the same undo step. */
    public void startStroke(MatrixCell cell) {
        if (!hasCell(cell)) {
            return;
        }
        paintCells(List.of(cell));
    }

    /** The drag entered another cell: it takes the tool's action too and joins the selection. */
    public void extendStroke(MatrixCell cell) {
        if (!hasCell(cell) || selection.contains(cell)) {
            return;
        }
        Plan p = withToolAction(history.current(), List.of(cell));
        select(cell);
        sparsityEditOpen = false;
        history.replace(p);
    }

    /** A row header: every matrix of the row. */
    public void paintRow(GridRow row) {
        paintCells(layout.cellsWhere(c -> c.row().equals(row)));
    }

    /** A column header: that matrix in every encoder layer. */
    public void paintColumn(GridColumn column) {
        paintCells(layout.cellsWhere(c -> c.isEncoder() && c.column() == column));
    }

    /** The "all" button: every matrix of the model. */
    public void paintAll() {
        paintCells(layout.cellsWhere(c -> true));
    }

    /** One undo step: the cells take the tool's action and become the selection. */
    private void paintCells(List<MatrixCell> cells) {
        if (cells.isEmpty()) {
            return;
        }
        setSelection(cells);
        history.edit(withToolAction(history.current(), cells));
    }

    private void select(MatrixCell cell) {
        syncing = true;
        selection.add(cell);
        syncing = false;
    }

    private Plan withToolAction(Plan p, Collection<MatrixCell> cells) {
        Action action = switch (tool.get()) {
            case FREEZE -> Action.FREEZE;
            case FINE_TUNE -> Action.FINE_TUNE;
            case SPARSIFY -> Action.sparsify(sparsityPercent.get() / 100.0);
        };
        return markEdited(p.withAll(cells, action));
    }

    private void applySparsityToSelection(int percent) {
        int clamped = Math.max(MIN_SPARSITY_PERCENT, Math.min(MAX_SPARSITY_PERCENT, percent));
        if (clamped != percent) {
            syncing = true;
            sparsityPercent.set(clamped);
            syncing = false;
        }
        syncing = true;
        tool.set(Action.Kind.SPARSIFY);
        syncing = false;
        if (selection.isEmpty()) {
            return;
        }
        Plan p = markEdited(history.current().withAll(List.copyOf(selection), Action.sparsify(clamped / 100.0)));
        if (sparsityEditOpen) {
            history.replace(p);
        } else {
            history.edit(p);
            sparsityEditOpen = true;
        }
    }

    private static Plan markEdited(Plan p) {
        if (p.name().isEmpty()) {
            return p.withName("custom plan");
        }
        return p.name().endsWith(EDITED) || p.name().equals("custom plan") ? p : p.withName(p.name() + EDITED);
    }

    // ---- presets ----------------------------------------------------------------------------------------

    /** Every matrix, bias and LayerNorm trains. */
    public void applyFullFineTuning() {
        applyPreset(Presets.fullFineTuning());
    }

    /** Everything trains except the embedding matrices (and, by the bias rule, their LayerNorm). */
    public void applyFreezeEmbeddings() {
        ModelLayout l = layout.get();
        if (l != null) {
            applyPreset(Presets.freezeEmbeddings(l));
        }
    }

    /** Learned masks on every encoder matrix at the slider's sparsity; everything else frozen. */
    public void applySparsifyEncoder() {
        ModelLayout l = layout.get();
        if (l != null) {
            applyPreset(Presets.sparsifyEncoder(l, sparsityPercent.get() / 100.0));
        }
    }

    /** BitFit-like: every matrix frozen, every bias trains. */
    public void applyBiasesOnly() {
        applyPreset(Presets.biasesOnly());
    }

    /** Only the classifier head trains: the baseline every other plan is measured against. */
    public void applyHeadOnly() {
        applyPreset(Presets.headOnly());
    }

    /**
     * L0-close: the {@link #l0KProperty() k} matrices that moved furthest by {@link #l0MetricProperty() the
     * metric} in the selected tuned model train; the rest stay frozen.
     */
    public void applyL0Close() {
        ModelComparison comparison = workspace.selectedComparisonProperty().get();
        if (comparison == null) {
            dialogs.showError("L0-close needs a tuned model",
                    "Select a fine-tuned model first: L0-close trains the matrices that moved furthest in it.");
            return;
        }
        applyPreset(Presets.l0Close(comparison, l0Metric.get(), Math.max(0, l0K.get())));
    }

    private void applyPreset(Plan preset) {
        setSelection(List.of());
        history.edit(preset);
    }

    private void setSelection(Collection<MatrixCell> cells) {
        syncing = true;
        selection.clear();
        selection.addAll(cells);
        syncing = false;
        sparsityEditOpen = false;
    }

    // ---- undo -------------------------------------------------------------------------------------------

    /** Goes back to the plan before the last change. */
    public void undo() {
        if (!history.canUndo()) {
            return;
        }
        setSelection(List.of());
        history.undo();
    }

    // ---- files ------------------------------------------------------------------------------------------

    /** Asks where, then writes the plan as JSON (atomically) in the background. */
    public void save() {
        files.save(history.current());
    }

    /**
     * Asks for a plan file and reads it in the background; it replaces the plan when it fits the base model,
     * otherwise the user is told what does not fit and the plan stays as it was.
     */
    public void load() {
        files.load(this::applyPreset);
    }
}
