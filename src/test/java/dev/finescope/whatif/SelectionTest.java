package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.finescope.checkpoint.GridColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {

    private static MatrixRef m(int layer, GridColumn c) {
        return new MatrixRef(layer, c);
    }

    @Test
    void allIsEveryMatrixOfEveryLayerInGridOrder() {
        List<MatrixRef> all = Selection.parse("all", 2);
        assertEquals(12, all.size());
        assertEquals(m(0, GridColumn.Q), all.get(0));
        assertEquals(m(0, GridColumn.FFN_OUT), all.get(5));
        assertEquals(m(1, GridColumn.FFN_OUT), all.get(11));
    }

    @Test
    void formsCombineAsAUnionWithoutDuplicates() {
        assertEquals(List.of(m(3, GridColumn.V), m(4, GridColumn.FFN_OUT)), Selection.parse("4:FFN-out, 3:v", 6));
        assertEquals(Selection.parse("layer:2,layer:3,layer:4", 6), Selection.parse("layers:2-4", 6));
        assertEquals(List.of(m(0, GridColumn.FFN_IN), m(1, GridColumn.FFN_IN), m(2, GridColumn.FFN_IN)),
                Selection.parse("column:FFN-in", 3));
        assertEquals(List.of(m(0, GridColumn.Q), m(1, GridColumn.Q), m(1, GridColumn.ATTN_OUT)),
                Selection.parse("column:Q,1:AttnOut,1:Q", 2));
        assertEquals(6, Selection.parse("layer:1,1:K", 2).size());
        assertEquals(List.of(m(0, GridColumn.FFN_IN)), Selection.parse("0:FFN_IN", 1));
    }

    @Test
    void formatReadsBackToTheSameMatrices() {
        assertEquals("layers:0-1,2:Q,2:FFN-out,layer:4", Selection.format(Selection.parse(
                "layers:0-1,2:Q,2:FFN-out,layer:4", 6)));
        assertEquals("layers:0-5", Selection.format(Selection.parse("all", 6)));
        for (String s : List.of("3:V,4:FFN-out", "column:K", "layers:1-3,0:Q", "all")) {
            List<MatrixRef> refs = Selection.parse(s, 6);
            assertEquals(refs, Selection.parse(Selection.format(refs), 6), s);
        }
    }

    @Test
    void mistakesAreNamedInTheMessage() {
        assertEquals("layer 6 in 'layer:6' does not exist: the model has layers 0 … 5", error("layer:6", 6));
        assertEquals("'AttnLN' in '3:AttnLN' is not a weight matrix; choose one of Q, K, V, AttnOut, FFN-in, FFN-out",
                error("3:AttnLN", 6));
        assertEquals("'x' in 'x:Q' is not a layer number; write all, layer:3, layers:2-4, column:FFN-in or 3:V, "
                + "separated by commas", error("x:Q", 6));
        assertEquals("'layers:4-2' is an empty range; write the lower layer first (layers:2-4)",
                error("layers:4-2", 6));
        assertEquals("the selection is empty; write all, layer:3, layers:2-4, column:FFN-in or 3:V, separated by "
                + "commas", error(" ", 6));
        assertEquals("the selection '1:Q,,2:K' has an empty item; write all, layer:3, layers:2-4, column:FFN-in or "
                + "3:V, separated by commas", error("1:Q,,2:K", 6));
        assertEquals("'everything' is not a selection; write all, layer:3, layers:2-4, column:FFN-in or 3:V, "
                + "separated by commas", error("everything", 6));
        assertEquals("'Bogus' in 'column:Bogus' is not a weight matrix; choose one of Q, K, V, AttnOut, FFN-in, "
                + "FFN-out", error("column:Bogus", 6));
    }

    private static String error(String text, int layers) {
        return assertThrows(IllegalArgumentException.class, () -> Selection.parse(text, layers)).getMessage();
    }
}
