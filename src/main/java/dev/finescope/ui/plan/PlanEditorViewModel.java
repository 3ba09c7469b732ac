package dev.finescope.ui.plan;

import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.common.Latest;
import dev.finescope.plan.Action;
import dev.finescope.plan.BiasRule;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanCost;
import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan editor's state and everything a user can do to a plan: paint cells, rows and columns with the current
 * tool, set the sparsity of the selected cells, start from a preset, choose the bias rule, undo, save and load.
 * The cost of the plan on the workspace's base model follows every change, so the user sees what a choice costs
 * before anything trains. Views only bind to it and forward clicks; it never opens a window itself.
 */
public final class PlanEditorViewModel {

    private static final Logger LOGGER = LoggerFactory.getLogger(PlanEditorViewModel.class);

    /** The sparsity slider's range, in percent. */
    public static final int MIN_SPARSITY_PERCENT = 1;
    public static final int MAX_SPARSITY_PERCENT = 90;
    static final int UNDO_LIMIT = 100;
    static final String EDITED = " (edited)";
    private static final List<String> PLAN_FILES = List.of("*.json");

    private final Workspace workspace;
    private final UiExecutor executor;
    private final DialogService dialogs;

    private final ReadOnlyObjectWrapper<ModelLayout> layout = new ReadOnlyObjectWrapper<>(this, "layout");
    private final ReadOnlyObjectWrapper<Plan> plan =
            new ReadOnlyObjectWrapper<>(this, "plan", Presets.fullFineTuning());
    private final ReadOnlyObjectWrapper<PlanCost> cost = new ReadOnlyObjectWrapper<>(this, "cost");
    private final ReadOnlyStringWrapper costProblem = new ReadOnlyStringWrapper(this, "costProblem", "");
    private final ObjectProperty<Action.Kind> tool = new SimpleObjectProperty<>(this, "tool", Action.Kind.FREEZE);
    private final IntegerProperty sparsityPercent = new SimpleIntegerProperty(this, "sparsityPercent", 30);
    private final ObjectProperty<BiasRule> biasRule =
            new SimpleObjectProperty<>(this, "biasRule", BiasRule.FOLLOW_MATRIX);
    private final ObjectProperty<Metric> l0Metric = new SimpleObjectProperty<>(this, "l0Metric", Metric.REL_L2);
    private final IntegerProperty l0K = new SimpleIntegerProperty(this, "l0K", 8);
    private final ObservableSet<MatrixCell> selection = FXCollections.observableSet(new LinkedHashSet<>());
    private final ObservableSet<MatrixCell> selectionView = FXCollections.unmodifiableObservableSet(selection);
    private final Deque<Plan> undoStack = new ArrayDeque<>();
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final CostTexts texts = new CostTexts();
    private final BooleanBinding l0CloseAvailable;

    /** Set while the view model itself updates a property, so its own listeners do not take it for a user edit. */
    private boolean syncing;
    /** True while slider moves may fold into the undo step the first move made. */
    private boolean sparsityEditOpen;
    private final Latest layouts = new Latest();

    public PlanEditorViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        l0CloseAvailable = Bindings.createBooleanBinding(
                () -> workspace.selectedComparisonProperty().get() != null && layout.get() != null,
                workspace.selectedComparisonProperty(), layout);
        initListeners();
        loadLayout(workspace.baseProperty().get());
    }

    private void initListeners() {
        workspace.baseProperty().addListener((obs, old, base) -> loadLayout(base));
        plan.addListener((obs, old, p) -> {
            syncing = true;
            biasRule.set(p.biasRule());
            syncing = false;
            updateCost();
        });
        layout.addListener((obs, old, l) -> updateCost());
        biasRule.addListener((obs, old, rule) -> {
            if (!syncing && rule != null && rule != plan.get().biasRule()) {
                edit(plan.get().withBiasRule(rule));
            }
        });
        sparsityPercent.addListener((obs, old, percent) -> {
            if (!syncing) {
                applySparsityToSelection(percent.intValue());
            }
        });
    }

    // ---- state -------------------------------------------------------------------------------------------

    /** The base model's tensors as the plan sees them; null while no base is open. */
    public ReadOnlyObjectProperty<ModelLayout> layoutProperty() {
        return layout.getReadOnlyProperty();
    }

    /** The plan being edited; never null. */
    public ReadOnlyObjectProperty<Plan> planProperty() {
        return plan.getReadOnlyProperty();
    }

    /** What the plan costs on the base; null while there is no base or the plan does not fit it. */
    public ReadOnlyObjectProperty<PlanCost> costProperty() {
        return cost.getReadOnlyProperty();
    }

    /** Why there is no cost (no base, or how the plan does not fit it); empty when there is one. */
    public ReadOnlyStringProperty costProblemProperty() {
        return costProblem.getReadOnlyProperty();
    }

    /** The cost as the panel shows it. */
    public CostTexts costTexts() {
        return texts;
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
        return canUndo.getReadOnlyProperty();
    }

    /** True while a plan file is read or written. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** The action the plan gives a cell. */
    public Action actionOf(MatrixCell cell) {
        return plan.get().actionOf(cell);
    }

    /** The grid's rows, top to bottom: the embeddings, layers 0 … L-1 and the pooler, as far as the model has them. */
    public List<GridRow> rows() {
        ModelLayout l = layout.get();
        if (l == null) {
            return List.of();
        }
        List<GridRow> rows = new ArrayList<>();
        if (hasAnyCell(l, GridRow.EMBEDDINGS)) {
            rows.add(GridRow.EMBEDDINGS);
        }
        for (int i = 0; i < l.layers(); i++) {
            rows.add(GridRow.layer(i));
        }
        if (hasAnyCell(l, GridRow.POOLER)) {
            rows.add(GridRow.POOLER);
        }
        return rows;
    }

    /** The columns of the grid: the weight matrices of an encoder layer, in grid order. */
    public List<GridColumn> columns() {
        return MatrixCell.matrixColumns(GridRow.Kind.LAYER);
    }

    /** True when the model has a weight matrix in that cell (the others are drawn empty and take no clicks). */
    public boolean hasCell(MatrixCell cell) {
        ModelLayout l = layout.get();
        return l != null && l.matrix(cell).isPresent();
    }

    /** The weight-matrix shape of a cell, for its tooltip ("64 × 32"), or empty. */
    public String shapeOf(MatrixCell cell) {
        ModelLayout l = layout.get();
        if (l == null) {
            return "";
        }
        return l.matrix(cell).map(t -> {
            long[] s = t.shape();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length; i++) {
                b.append(i == 0 ? "" : " × ").append(s[i]);
            }
            return b.toString();
        }).orElse("");
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
        Plan p = withToolAction(plan.get(), List.of(cell));
        select(cell);
        sparsityEditOpen = false;
        replace(p);
    }

    /** A row header: every matrix of the row. */
    public void paintRow(GridRow row) {
        paintCells(cellsWhere(c -> c.row().equals(row)));
    }

    /** A column header: that matrix in every encoder layer. */
    public void paintColumn(GridColumn column) {
        paintCells(cellsWhere(c -> c.isEncoder() && c.column() == column));
    }

    /** The "all" button: every matrix of the model. */
    public void paintAll() {
        paintCells(cellsWhere(c -> true));
    }

    /** One undo step: the cells take the tool's action and become the selection. */
    private void paintCells(List<MatrixCell> cells) {
        if (cells.isEmpty()) {
            return;
        }
        setSelection(cells);
        edit(withToolAction(plan.get(), cells));
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
        Plan p = markEdited(plan.get().withAll(List.copyOf(selection), Action.sparsify(clamped / 100.0)));
        if (sparsityEditOpen) {
            replace(p);
        } else {
            edit(p);
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
        edit(preset);
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
        if (undoStack.isEmpty()) {
            return;
        }
        setSelection(List.of());
        plan.set(undoStack.pop());
        canUndo.set(!undoStack.isEmpty());
    }

    /** A change the user can undo. */
    private void edit(Plan next) {
        Plan current = plan.get();
        if (next.equals(current)) {
            return;
        }
        undoStack.push(current);
        while (undoStack.size() > UNDO_LIMIT) {
            undoStack.removeLast();
        }
        canUndo.set(true);
        plan.set(next);
    }

    /** A change folded into the last undo step (a drag, a slider gesture). */
    private void replace(Plan next) {
        plan.set(next);
    }

    // ---- files ------------------------------------------------------------------------------------------

    /** Asks where, then writes the plan as JSON (atomically) in the background. */
    public void save() {
        Plan p = plan.get();
        String initial = fileName(p.name()) + ".json";
        dialogs.chooseSaveFile("Save plan", initial, PLAN_FILES).ifPresent(file -> {
            Task<Path> task = new Task<>() {
                @Override
                protected Path call() {
                    PlanJson.write(p, file);
                    return file;
                }
            };
            run(task, "Cannot save the plan", saved -> LOGGER.info("Plan saved to {}", saved));
        });
    }

    /**
     * Asks for a plan file and reads it in the background; it replaces the plan when it fits the base model,
     * otherwise the user is told what does not fit and the plan stays as it was.
     */
    public void load() {
        dialogs.chooseOpenFile("Open plan", PLAN_FILES).ifPresent(file -> {
            Task<Plan> task = new Task<>() {
                @Override
                protected Plan call() {
                    return PlanJson.read(file);
                }
            };
            run(task, "Cannot open the plan", loaded -> {
                ModelLayout l = layout.get();
                List<String> problems = l == null ? List.of() : loaded.problems(l);
                if (!problems.isEmpty()) {
                    dialogs.showError("The plan does not fit the model",
                            file + ": " + String.join("; ", problems));
                    return;
                }
                applyPreset(loaded);
            });
        });
    }

    private <T> void run(Task<T> task, String errorTitle, Consumer<T> onSuccess) {
        busy.set(true);
        task.setOnSucceeded(e -> {
            busy.set(false);
            onSuccess.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            busy.set(false);
            Throwable t = task.getException();
            LOGGER.warn("{}: {}", errorTitle, t.getMessage());
            dialogs.showError(errorTitle, t.getMessage());
        });
        executor.execute(task);
    }

    static String fileName(String planName) {
        String s = planName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return s.isEmpty() ? "plan" : s;
    }

    // ---- the model and the cost -------------------------------------------------------------------------

    private void loadLayout(ModelFolder base) {
        long generation = layouts.next();
        setSelection(List.of());
        if (base == null) {
            layout.set(null);
            return;
        }
        Task<ModelLayout> task = new Task<>() {
            @Override
            protected ModelLayout call() {
                NameMap names = NameMap.standard();
                return ModelLayout.of(base.weights(), names::locate);
            }
        };
        task.setOnSucceeded(e -> {
            if (layouts.isCurrent(generation)) {
                layout.set(task.getValue());
            }
        });
        task.setOnFailed(e -> {
            if (layouts.isCurrent(generation)) {
                layout.set(null);
                dialogs.showError("Cannot read the model's tensors", base.path() + ": "
                        + task.getException().getMessage());
            }
        });
        executor.execute(task);
    }

    /** Prices the plan on the FX thread: about 0.7 ms for BERT-large's 390 tensors, well under a frame. */
    private void updateCost() {
        ModelLayout l = layout.get();
        Plan p = plan.get();
        if (l == null) {
            cost.set(null);
            costProblem.set("Open a base model to see what this plan costs.");
        } else {
            List<String> problems = p.problems(l);
            if (problems.isEmpty()) {
                cost.set(PlanCost.of(p, l));
                costProblem.set("");
            } else {
                cost.set(null);
                costProblem.set("The plan does not fit the model: " + String.join("; ", problems));
            }
        }
        texts.update(cost.get());
    }

    private List<MatrixCell> cellsWhere(Predicate<MatrixCell> keep) {
        ModelLayout l = layout.get();
        return l == null ? List.of() : l.matrixCells().stream().filter(keep).toList();
    }

    private static boolean hasAnyCell(ModelLayout l, GridRow row) {
        Set<GridColumn> columns = Set.copyOf(MatrixCell.matrixColumns(row.kind()));
        return l.matrixCells().stream().anyMatch(c -> c.row().equals(row) && columns.contains(c.column()));
    }
}
