package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LayerGridTest {

    private static ModelComparison comparison;
    private static JsonNode reference;

    @BeforeAll
    static void compareFixtures() {
        comparison = new Analyzer(2, 700).compare(Fixtures.base(), "base", Fixtures.tuned(), "tuned",
                Fixtures::locate, Progress.NONE);
        reference = Fixtures.json("reference-grid.json");
    }

    @Test
    void cellsOverWeightAndBiasMatchNumpyOnTheConcatenatedVectors() {
        LayerGrid grid = LayerGrid.of(comparison, true);
        int cells = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = reference.get("cells").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String[] key = e.getKey().split("/");
            LayerGrid.Cell cell = grid.cellDetail(GridRow.fromCsvName(key[0]), GridColumn.fromCsvName(key[1]))
                    .orElseThrow(() -> new AssertionError("no cell " + e.getKey()));
            assertEquals(Fixtures.strings(e.getValue().get("tensors")), cell.tensorNames(), e.getKey());
            Fixtures.assertMatches(e.getKey(), reference(e.getValue().get("weight_and_bias")), cell.metrics(),
                    Fixtures.ANGLE_REL_TOL);
            cells++;
        }
        assertEquals(cells, grid.rows().stream().mapToInt(r -> grid.cells(r).size()).sum(), "no extra cells");
    }

    @Test
    void cellsOverTheWeightAloneAreTheWeightsMetrics() {
        LayerGrid grid = LayerGrid.of(comparison, false);
        for (TensorComparison t : comparison.tensors()) {
            if (t.position() != null && t.position().isWeight()) {
                assertEquals(t.metrics(), grid.cell(t.position().row(), t.position().column()).orElseThrow(),
                        t.name());
            }
        }
        assertEquals(GridRow.layer(0), grid.rows().get(1));
    }

    @Test
    void rowsAndTheWholeGridAreMeasuredAsOneVector() {
        LayerGrid withBias = LayerGrid.of(comparison, true);
        LayerGrid weights = LayerGrid.of(comparison, false);
        for (Iterator<Map.Entry<String, JsonNode>> it = reference.get("rows").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            GridRow row = GridRow.fromCsvName(e.getKey());
            Fixtures.assertMatches("row " + e.getKey(), reference(e.getValue().get("weight_and_bias")),
                    withBias.row(row).orElseThrow(), Fixtures.ANGLE_REL_TOL);
            assertEquals(sorted(Fixtures.strings(e.getValue().get("tensors"))), sorted(withBias.rowTensorNames(row)));
            if (e.getValue().has("weight")) {
                Fixtures.assertMatches("row weights " + e.getKey(), reference(e.getValue().get("weight")),
                        weights.row(row).orElseThrow(), Fixtures.ANGLE_REL_TOL);
            }
        }
        Fixtures.assertMatches("overall", reference(reference.get("overall").get("weight_and_bias")),
                withBias.overall(), Fixtures.ANGLE_REL_TOL);
        Fixtures.assertMatches("overall weights", reference(reference.get("overall").get("weight")),
                weights.overall(), Fixtures.ANGLE_REL_TOL);
    }

    @Test
    void rowsComeInGridOrderAndColumnsAsPresent() {
        LayerGrid grid = LayerGrid.of(comparison, false);
        assertEquals(List.of(GridRow.EMBEDDINGS, GridRow.layer(0), GridRow.layer(1), GridRow.POOLER, GridRow.HEAD),
                grid.rows());
        assertEquals(List.of(GridColumn.values()), grid.columns());
        assertTrue(grid.cell(GridRow.POOLER, GridColumn.Q).isEmpty());
        assertEquals(2, grid.comparison().layers());
    }

    @Test
    void rankingPutsTheFurthestMovedMatricesFirst() {
        LayerGrid grid = LayerGrid.of(comparison, false);
        List<TensorComparison> byAngle = grid.ranking(Metric.ANGLE_RAD);
        List<TensorComparison> byCosine = grid.ranking(Metric.COSINE);

        // 2-D weights on the grid: word, position, token type, 6 per layer × 2, pooler, head
        assertEquals(3 + 12 + 2, byAngle.size());
        assertTrue(byAngle.stream().allMatch(t -> t.shape().length == 2 && t.position().isWeight()));
        for (int i = 1; i < byAngle.size(); i++) {
            assertTrue(byAngle.get(i - 1).metrics().angleRad() >= byAngle.get(i).metrics().angleRad());
            assertTrue(byCosine.get(i - 1).metrics().cosine() <= byCosine.get(i).metrics().cosine());
        }
        assertEquals("classifier.weight", byAngle.get(0).name());
        assertEquals("classifier.weight", byCosine.get(0).name());
        // unchanged matrices last
        assertEquals(0.0, byAngle.get(byAngle.size() - 1).metrics().angleRad(), 0.0);
    }

    @Test
    void rankingPutsUndefinedValuesLast() {
        LayerGrid grid = LayerGrid.of(comparison, true);
        List<TensorComparison> relL1 = new ArrayList<>(grid.ranking(Metric.REL_L1));
        assertTrue(relL1.stream().noneMatch(t -> Double.isNaN(t.metrics().relL1())),
                "weights have a base; the all-zero classifier bias is no matrix");
        ModelComparison withZeroWeight = new Analyzer(1).compare(
                Fixtures.base().with("classifier.weight", dev.finescope.checkpoint.DType.F32, new long[] {2, 32},
                        new float[64]),
                "base", Fixtures.tuned(), "tuned", Fixtures::locate, Progress.NONE);
        List<TensorComparison> ranked = LayerGrid.of(withZeroWeight, false).ranking(Metric.REL_L1);
        assertEquals("classifier.weight", ranked.get(ranked.size() - 1).name());
        assertTrue(Double.isNaN(ranked.get(ranked.size() - 1).metrics().relL1()));
    }

    @Test
    void mergingPartsKeepsTheAngleOfNearlyParallelVectors() {
        JsonNode c = Fixtures.json("synthetic-cases.json").get("rescaled");
        float[] a = AnalyzerTest.floats(c.get("a"));
        float[] b = AnalyzerTest.floats(c.get("b"));
        double expected = c.get("reference").get("angle_rad").asDouble();
        int half = a.length / 2;
        InMemoryCheckpoint base = InMemoryCheckpoint.builder("a")
                .add("bert.pooler.dense.weight", java.util.Arrays.copyOfRange(a, 0, half))
                .add("bert.pooler.dense.bias", java.util.Arrays.copyOfRange(a, half, a.length)).build();
        InMemoryCheckpoint tuned = InMemoryCheckpoint.builder("b")
                .add("bert.pooler.dense.weight", java.util.Arrays.copyOfRange(b, 0, half))
                .add("bert.pooler.dense.bias", java.util.Arrays.copyOfRange(b, half, b.length)).build();

        LayerGrid grid = LayerGrid.of(new Analyzer(1).compare(base, "a", tuned, "b", Fixtures::locate,
                Progress.NONE), true);
        double merged = grid.cell(GridRow.POOLER, GridColumn.POOLER).orElseThrow().angleRad();

        assertEquals(expected, merged, Fixtures.NEARLY_PARALLEL_ANGLE_REL_TOL * expected);
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    private static Fixtures.Reference reference(JsonNode row) {
        return Fixtures.Reference.of(reference.get("metrics"), row);
    }
}
