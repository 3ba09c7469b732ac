package dev.finescope.plan;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The tensors of a model with their shapes and grid positions, and nothing else: what validating a plan and
 * pricing it need. It is built from an open checkpoint and a name locator (the name map), or from a
 * {@link BertShape}, so plans never depend on how a model was read.
 */
public record ModelLayout(List<LayoutTensor> tensors) {

    public ModelLayout {
        tensors = List.copyOf(tensors);
    }

    /**
     * The layout of an open checkpoint. Reads headers only (names and shapes), never tensor data.
     *
     * @param locator where a tensor name sits on the grid, empty for tensors outside it (the name map's
     *                {@code locate})
     */
    public static ModelLayout of(Checkpoint checkpoint, Function<String, Optional<GridPosition>> locator) {
        List<LayoutTensor> list = new ArrayList<>();
        for (String name : checkpoint.tensorNames()) {
            list.add(new LayoutTensor(name, checkpoint.tensor(name).shape(), locator.apply(name).orElse(null)));
        }
        return new ModelLayout(list);
    }

    /** The layout of a Hugging Face BERT encoder of that shape, tensors named as {@code transformers} names them. */
    public static ModelLayout bert(BertShape s) {
        List<LayoutTensor> list = new ArrayList<>();
        long h = s.hidden();
        long i = s.intermediate();
        GridRow emb = GridRow.EMBEDDINGS;
        add(list, "bert.embeddings.word_embeddings.weight", new long[] {s.vocab(), h}, emb, GridColumn.WORD, true);
        add(list, "bert.embeddings.position_embeddings.weight", new long[] {s.maxPositions(), h}, emb,
                GridColumn.POSITION, true);
        if (s.typeVocab() > 0) {
            add(list, "bert.embeddings.token_type_embeddings.weight", new long[] {s.typeVocab(), h}, emb,
                    GridColumn.TOKEN_TYPE, true);
        }
        addLinear(list, "bert.embeddings.LayerNorm", new long[] {h}, h, emb, GridColumn.EMB_LN);
        for (int l = 0; l < s.layers(); l++) {
            GridRow row = GridRow.layer(l);
            String p = "bert.encoder.layer." + l + ".";
            addLinear(list, p + "attention.self.query", new long[] {h, h}, h, row, GridColumn.Q);
            addLinear(list, p + "attention.self.key", new long[] {h, h}, h, row, GridColumn.K);
            addLinear(list, p + "attention.self.value", new long[] {h, h}, h, row, GridColumn.V);
            addLinear(list, p + "attention.output.dense", new long[] {h, h}, h, row, GridColumn.ATTN_OUT);
            addLinear(list, p + "attention.output.LayerNorm", new long[] {h}, h, row, GridColumn.ATTN_LN);
            addLinear(list, p + "intermediate.dense", new long[] {i, h}, i, row, GridColumn.FFN_IN);
            addLinear(list, p + "output.dense", new long[] {h, i}, h, row, GridColumn.FFN_OUT);
            addLinear(list, p + "output.LayerNorm", new long[] {h}, h, row, GridColumn.OUT_LN);
        }
        if (s.pooler()) {
            addLinear(list, "bert.pooler.dense", new long[] {h, h}, h, GridRow.POOLER, GridColumn.POOLER);
        }
        return new ModelLayout(list);
    }

    private static void addLinear(List<LayoutTensor> list, String prefix, long[] weightShape, long biasSize,
            GridRow row, GridColumn column) {
        add(list, prefix + ".weight", weightShape, row, column, true);
        add(list, prefix + ".bias", new long[] {biasSize}, row, column, false);
    }

    private static void add(List<LayoutTensor> list, String name, long[] shape, GridRow row, GridColumn column,
            boolean weight) {
        list.add(new LayoutTensor(name, shape,
                new GridPosition(row, column, weight ? GridPosition.Part.WEIGHT : GridPosition.Part.BIAS)));
    }

    /** The number of encoder layers: one more than the highest layer index on the grid, 0 when there is none. */
    public int layers() {
        int max = -1;
        for (LayoutTensor t : tensors) {
            if (t.position() != null && t.position().row().kind() == GridRow.Kind.LAYER) {
                max = Math.max(max, t.position().row().layer());
            }
        }
        return max + 1;
    }

    /**
     * The hidden size: the width of the word embeddings, else the input width of a query matrix, else of the
     * pooler; 0 when the model has none of these.
     */
    public int hiddenSize() {
        for (GridColumn c : new GridColumn[] {GridColumn.WORD, GridColumn.Q, GridColumn.POOLER}) {
            for (LayoutTensor t : tensors) {
                GridPosition p = t.position();
                long[] shape = t.shape();
                if (p != null && p.column() == c && p.isWeight() && shape.length == 2) {
                    return Math.toIntExact(shape[1]);
                }
            }
        }
        return 0;
    }

    /** The tensor at a position, if the model has one there. */
    public Optional<LayoutTensor> tensorAt(GridPosition position) {
        for (LayoutTensor t : tensors) {
            if (position.equals(t.position())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The weight matrix of a cell, if the model has one there. */
    public Optional<LayoutTensor> matrix(MatrixCell cell) {
        return tensorAt(new GridPosition(cell.row(), cell.column(), GridPosition.Part.WEIGHT));
    }

    /** Every weight-matrix cell the model has, in grid order. */
    public List<MatrixCell> matrixCells() {
        TreeSet<MatrixCell> cells = new TreeSet<>();
        for (LayoutTensor t : tensors) {
            GridPosition p = t.position();
            if (p != null && p.isWeight() && MatrixCell.isMatrix(p.row(), p.column())) {
                cells.add(new MatrixCell(p.row(), p.column()));
            }
        }
        return List.copyOf(cells);
    }

    /** True when some tensor of the model sits in that row. */
    public boolean hasRow(GridRow row) {
        for (LayoutTensor t : tensors) {
            if (t.position() != null && t.position().row().equals(row)) {
                return true;
            }
        }
        return false;
    }
}
