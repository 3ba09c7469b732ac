package dev.finescope.plan;

import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The plans people start from, each a recipe of {@code method.md}: ordinary fine-tuning, the cheap variants that
 * leave parts of the model alone, and the paper's two proposals (L0-close and learned masks). The app's preset
 * buttons and the CLI build the same plans from here.
 */
public final class Presets {

    private Presets() {
    }

    /** Every matrix, bias and LayerNorm trains: the baseline every other plan is compared with. */
    public static Plan fullFineTuning() {
        return Plan.uniform("full fine-tuning", Action.FINE_TUNE);
    }

    /**
     * Everything trains except the embedding matrices (and, by the bias rule, the embeddings' LayerNorm). The
     * word embeddings are most of a small model's weights, so this saves most of a task's storage.
     */
    public static Plan freezeEmbeddings(ModelLayout layout) {
        List<MatrixCell> embeddings = layout.matrixCells().stream()
                .filter(c -> c.row().kind() == GridRow.Kind.EMBEDDINGS).toList();
        return Plan.uniform("freeze embeddings", Action.FINE_TUNE).withAll(embeddings, Action.FREEZE);
    }

    /**
     * L0-close fine-tuning ({@code method.md} §3): the {@code k} weight matrices that moved furthest in a full
     * fine-tune (by {@code metric}) train, with their biases and their rows' LayerNorms; all others stay frozen.
     * Every weight matrix of the grid competes (embeddings, encoder, pooler). "Furthest" is the largest value,
     * except for cosine, where it is the smallest; matrices whose metric is NaN rank last; ties keep grid order.
     * With {@code k} larger than the number of matrices, all train.
     */
    public static Plan l0Close(ModelComparison comparison, Metric metric, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be at least 0, got " + k);
        }
        List<Ranked> ranked = rankMatrices(comparison, metric);
        List<MatrixCell> top = ranked.subList(0, Math.min(k, ranked.size())).stream().map(Ranked::cell).toList();
        String name = "L0-close: top " + k + " by " + metric.label() + " of " + comparison.tunedLabel();
        return Plan.uniform(name, Action.FREEZE).withAll(top, Action.FINE_TUNE);
    }

    /** A weight matrix of a comparison with its metric value, furthest moved first. */
    public record Ranked(MatrixCell cell, double value) {
    }

    /** The weight matrices of a comparison in the order {@link #l0Close} takes them. */
    public static List<Ranked> rankMatrices(ModelComparison comparison, Metric metric) {
        List<Ranked> list = new ArrayList<>();
        for (TensorComparison t : comparison.tensors()) {
            GridPosition p = t.position();
            if (p != null && p.isWeight() && MatrixCell.isMatrix(p.row(), p.column())) {
                list.add(new Ranked(new MatrixCell(p.row(), p.column()), metric.of(t.metrics())));
            }
        }
        Comparator<Ranked> byValue = Comparator.comparingDouble(Ranked::value);
        if (metric.largerIsFurther()) {
            byValue = byValue.reversed();
        }
        Comparator<Ranked> order = Comparator.comparing((Ranked r) -> Double.isNaN(r.value()))
                .thenComparing(byValue).thenComparing(Ranked::cell);
        list.sort(order);
        return List.copyOf(list);
    }

    /**
     * Learned masks on every encoder matrix at sparsity {@code s} ({@code method.md} §4): embeddings, pooler,
     * biases and LayerNorms frozen, so a task is its masks and its head.
     */
    public static Plan sparsifyEncoder(ModelLayout layout, double s) {
        Action sparsify = Action.sparsify(s);
        List<MatrixCell> encoder = layout.matrixCells().stream().filter(MatrixCell::isEncoder).toList();
        String name = "sparsify encoder at " + sparsify.label().substring("sparsify ".length());
        return Plan.uniform(name, Action.FREEZE).withAll(encoder, sparsify);
    }

    /**
     * Only the classifier head trains; every pre-trained weight, bias and LayerNorm stays as it is. The baseline a
     * fine-tune must beat to have learned anything in the encoder.
     */
    public static Plan headOnly() {
        return new Plan("head only", Action.FREEZE, Map.of(), BiasRule.ALL_FROZEN, MaskOptions.DEFAULT);
    }

    /**
     * BitFit-like: every matrix frozen; every bias trains, LayerNorm biases included, LayerNorm gains frozen
     * ({@link BiasRule#ALL_BIASES}); plus the head. About 0.1% of BERT-base's parameters.
     */
    public static Plan biasesOnly() {
        return new Plan("biases only (BitFit)", Action.FREEZE, Map.of(), BiasRule.ALL_BIASES,
                MaskOptions.DEFAULT);
    }
}
