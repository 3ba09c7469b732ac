package dev.finescope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import org.junit.jupiter.api.Test;

class ActionTest {

    @Test
    void sparsityMustLieStrictlyBetweenZeroAndOne() {
        assertEquals("sparsity 1.2 is outside (0, 1)",
                assertThrows(IllegalArgumentException.class, () -> Action.sparsify(1.2)).getMessage());
        assertEquals("sparsity 0 is outside (0, 1)",
                assertThrows(IllegalArgumentException.class, () -> Action.sparsify(0)).getMessage());
        assertEquals("sparsity 1 is outside (0, 1)",
                assertThrows(IllegalArgumentException.class, () -> Action.sparsify(1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Action.sparsify(Double.NaN));
        assertEquals(0.4, Action.sparsify(0.4).sparsity());
    }

    @Test
    void freezeAndFineTuneTakeNoSparsity() {
        assertEquals("freeze takes no sparsity", assertThrows(IllegalArgumentException.class,
                () -> new Action(Action.Kind.FREEZE, 0.1)).getMessage());
    }

    @Test
    void zeroCountIsSparsityTimesEntriesRoundedHalfUp() {
        assertEquals(8, Action.sparsify(0.25).zeroCount(32));
        assertEquals(2, Action.sparsify(0.5).zeroCount(3));
        assertEquals(1, Action.sparsify(0.5).zeroCount(1));
        assertEquals(0, Action.FINE_TUNE.zeroCount(1000));
    }

    @Test
    void labelsReadAsWords() {
        assertEquals("freeze", Action.FREEZE.label());
        assertEquals("fine-tune", Action.FINE_TUNE.label());
        assertEquals("sparsify 10%", Action.sparsify(0.1).label());
        assertEquals("sparsify 2.5%", Action.sparsify(0.025).label());
    }

    @Test
    void actionNamesParseInTheirUsualSpellings() {
        assertEquals(Action.Kind.FINE_TUNE, Action.Kind.fromJsonName("fine-tune"));
        assertEquals(Action.Kind.FINE_TUNE, Action.Kind.fromJsonName("FINE_TUNE"));
        assertEquals("unknown action 'prune' (one of: freeze, fine_tune, sparsify)",
                assertThrows(IllegalArgumentException.class, () -> Action.Kind.fromJsonName("prune")).getMessage());
    }

    @Test
    void onlyWeightMatricesAreCellsOfAPlan() {
        assertEquals("column AttnLN is not a weight matrix of layer 3 (its matrices: Q, K, V, AttnOut, FFN-in, "
                        + "FFN-out)",
                assertThrows(IllegalArgumentException.class, () -> MatrixCell.parse("3", "AttnLN")).getMessage());
        assertEquals("column X is not a weight matrix of layer 3 (its matrices: Q, K, V, AttnOut, FFN-in, FFN-out)",
                assertThrows(IllegalArgumentException.class, () -> MatrixCell.parse("3", "X")).getMessage());
        assertEquals("column Q is not a weight matrix of embeddings (its matrices: Word, Position, TokenType)",
                assertThrows(IllegalArgumentException.class,
                        () -> MatrixCell.parse("embeddings", "Q")).getMessage());
        assertEquals("the task head always trains and takes no action",
                assertThrows(IllegalArgumentException.class, () -> MatrixCell.parse("head", "Head")).getMessage());
        assertEquals("row 'top' is not a layer number, 'embeddings' or 'pooler'",
                assertThrows(IllegalArgumentException.class, () -> MatrixCell.parse("top", "Q")).getMessage());
        assertEquals(new MatrixCell(GridRow.layer(3), GridColumn.FFN_IN), MatrixCell.parse("3", "FFN-in"));
        assertEquals("layer 3 FFN-in", MatrixCell.parse("3", "FFN-in").describe());
    }
}
