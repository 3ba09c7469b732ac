package dev.finescope.plan;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per weight matrix what fine-tuning may change: FREEZE, FINE_TUNE or SPARSIFY(s) ({@code product.md}, "Plan").
 * A default action covers every matrix not named; named cells override it. Biases and LayerNorms follow the
 * stated {@link BiasRule}; the task head always trains. A plan is a value: it can be made before any model is
 * open, saved as JSON ({@link PlanJson}), and checked against a model with {@link #problems(ModelLayout)}.
 *
 * @param name          what the user calls it ("freeze embeddings"); may be empty
 * @param defaultAction the action of every matrix that {@code cells} does not name
 * @param cells         the matrices with their own action
 * @param biasRule      what biases and LayerNorms do
 * @param mask          how masks of sparsified matrices behave
 */
public record Plan(String name, Action defaultAction, Map<MatrixCell, Action> cells, BiasRule biasRule,
        MaskOptions mask) {

    public Plan {
        name = name == null ? "" : name;
        Objects.requireNonNull(defaultAction, "defaultAction");
        Objects.requireNonNull(biasRule, "biasRule");
        Objects.requireNonNull(mask, "mask");
        cells = Collections.unmodifiableSortedMap(new TreeMap<>(cells));
    }

    /** Every matrix gets {@code action}; biases follow their matrices; default mask options. */
    public static Plan uniform(String name, Action action) {
        return new Plan(name, action, Map.of(), BiasRule.FOLLOW_MATRIX, MaskOptions.DEFAULT);
    }

    /** The action of a cell: its own if the plan names it, else the default. */
    public Action actionOf(MatrixCell cell) {
        return cells.getOrDefault(cell, defaultAction);
    }

    public Plan with(MatrixCell cell, Action action) {
        Map<MatrixCell, Action> m = new TreeMap<>(cells);
        m.put(cell, Objects.requireNonNull(action, "action"));
        return new Plan(name, defaultAction, m, biasRule, mask);
    }

    /** Sets one action for many cells at once (a row, a column, a dragged rectangle). */
    public Plan withAll(Collection<MatrixCell> targets, Action action) {
        Map<MatrixCell, Action> m = new TreeMap<>(cells);
        for (MatrixCell c : targets) {
            m.put(c, Objects.requireNonNull(action, "action"));
        }
        return new Plan(name, defaultAction, m, biasRule, mask);
    }

    /** Drops a cell's own action so it follows the default again. */
    public Plan without(MatrixCell cell) {
        Map<MatrixCell, Action> m = new TreeMap<>(cells);
        m.remove(cell);
        return new Plan(name, defaultAction, m, biasRule, mask);
    }

    public Plan withDefault(Action action) {
        return new Plan(name, action, cells, biasRule, mask);
    }

    public Plan withBiasRule(BiasRule rule) {
        return new Plan(name, defaultAction, cells, rule, mask);
    }

    public Plan withMask(MaskOptions options) {
        return new Plan(name, defaultAction, cells, biasRule, options);
    }

    public Plan withName(String newName) {
        return new Plan(newName, defaultAction, cells, biasRule, mask);
    }

    /**
     * Everything that stops this plan from applying to a model, one sentence each, in grid order; empty when it
     * applies. A named cell must exist in the model: a plan written for another model should say so rather
     * than silently do less.
     */
    public List<String> problems(ModelLayout layout) {
        List<String> out = new ArrayList<>();
        int layers = layout.layers();
        List<MatrixCell> present = layout.matrixCells();
        for (MatrixCell cell : cells.keySet()) {
            GridRow row = cell.row();
            if (row.kind() == GridRow.Kind.LAYER && row.layer() >= layers) {
                out.add("layer " + row.layer() + " does not exist (" + describeLayers(layers) + ")");
            } else if (row.kind() == GridRow.Kind.POOLER && !layout.hasRow(GridRow.POOLER)) {
                out.add("the model has no pooler, so " + cell.describe() + " cannot take an action");
            } else if (!present.contains(cell)) {
                out.add("the model has no " + cell.describe() + " matrix");
            }
        }
        if (present.isEmpty()) {
            out.add("the model has no weight matrix on the grid (are the tensor names of a known family?)");
        }
        return out;
    }

    /** Throws a {@link PlanException} listing every problem in one line when the plan does not apply. */
    public void validate(ModelLayout layout) {
        List<String> problems = problems(layout);
        if (!problems.isEmpty()) {
            String who = name.isEmpty() ? "the plan" : "plan '" + name + "'";
            throw new PlanException(null, who + " does not fit the model: " + String.join("; ", problems));
        }
    }

    /**
     * What the plan means for every tensor of the model, in the model's order, after validating it. Tensors
     * outside the grid are frozen; tensors of the head row train.
     */
    public List<TensorDecision> resolve(ModelLayout layout) {
        validate(layout);
        List<TensorDecision> out = new ArrayList<>(layout.tensors().size());
        for (LayoutTensor t : layout.tensors()) {
            out.add(decide(t, layout));
        }
        return out;
    }

    private TensorDecision decide(LayoutTensor t, ModelLayout layout) {
        GridPosition p = t.position();
        if (p == null) {
            return new TensorDecision(t, TensorRole.FROZEN, 0);
        }
        if (p.row().kind() == GridRow.Kind.HEAD) {
            return new TensorDecision(t, TensorRole.TRAINED, 0);
        }
        if (MatrixCell.isMatrix(p.row(), p.column())) {
            Action a = actionOf(new MatrixCell(p.row(), p.column()));
            if (p.isWeight()) {
                return switch (a.kind()) {
                    case FREEZE -> new TensorDecision(t, TensorRole.FROZEN, 0);
                    case FINE_TUNE -> new TensorDecision(t, TensorRole.TRAINED, 0);
                    case SPARSIFY -> new TensorDecision(t, TensorRole.MASKED, a.sparsity());
                };
            }
            boolean trains = switch (biasRule) {
                case FOLLOW_MATRIX -> a.isFineTune();
                case ALL_TRAIN, ALL_BIASES -> true;
                case ALL_FROZEN -> false;
            };
            return new TensorDecision(t, trains ? TensorRole.TRAINED : TensorRole.FROZEN, 0);
        }
        if (p.column().isLayerNorm()) {
            boolean trains = switch (biasRule) {
                case FOLLOW_MATRIX -> anyMatrixFineTuned(p.row(), layout);
                case ALL_TRAIN -> true;
                case ALL_BIASES -> !p.isWeight();
                case ALL_FROZEN -> false;
            };
            return new TensorDecision(t, trains ? TensorRole.TRAINED : TensorRole.FROZEN, 0);
        }
        return new TensorDecision(t, TensorRole.FROZEN, 0);
    }

    private boolean anyMatrixFineTuned(GridRow row, ModelLayout layout) {
        for (GridColumn c : MatrixCell.matrixColumns(row.kind())) {
            MatrixCell cell = new MatrixCell(row, c);
            if (actionOf(cell).isFineTune() && layout.matrix(cell).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private static String describeLayers(int layers) {
        if (layers == 0) {
            return "the model has no encoder layers";
        }
        if (layers == 1) {
            return "the model has 1 layer: 0";
        }
        return "the model has " + layers + " layers: 0–" + (layers - 1);
    }
}
