package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.finescope.analysis.ModelComparison;
import dev.finescope.chart.GridData;
import dev.finescope.chart.GridData.Cell;
import dev.finescope.chart.GridData.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

    @Test
    void tableShowsEveryRowInGridOrderWithOwnLabelsAndEmptyCells() {
        List<Cell> layer = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            layer.add(i == 3 ? Cell.empty(null) : Cell.of(null, (i + 1) * 1e-3));
        }
        GridData grid = new GridData("relative L2", "base", "tuned", "cell = weight matrix",
                GridData.encoderColumnLabels(), List.of(
                        new Row("embeddings", List.of(Cell.of("Word", 2.5e-4), Cell.of("Position", 0),
                                Cell.empty("TokenType"), Cell.of("EmbLN", Double.NaN))),
                        new Row("layer 0", layer),
                        new Row("head", List.of(Cell.of("Head", 0.5)))));
        ModelComparison comparison = new ModelComparison("base", "tuned", 1, List.of(),
                List.of("cls.predictions.bias"), List.of("classifier.weight", "classifier.bias"));

        String table = SummaryTable.render(grid, comparison, v -> AnalyzeCommand.number("%.2e", v));

        assertEquals("""
                relative L2 — tuned vs base (cell = weight matrix)
                            Q          K          V          AttnOut    AttnLN     FFN-in     FFN-out    OutLN
                embeddings  Word 2.50e-04  Position 0  TokenType -  EmbLN NaN
                layer 0     1.00e-03   2.00e-03   3.00e-03   -          5.00e-03   6.00e-03   7.00e-03   8.00e-03
                head        Head 5.00e-01
                (-: no tensor there)
                only in base: cls.predictions.bias
                only in tuned: classifier.weight, classifier.bias
                """, table);
    }

    @Test
    void longListsOfNamesAreCut() {
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        assertEquals("outside the grid (compared, in the CSV): a, b, c, d, e, f … (8 in all)\n",
                SummaryTable.sides("base", "tuned", List.of(), List.of(), names));
    }
}
