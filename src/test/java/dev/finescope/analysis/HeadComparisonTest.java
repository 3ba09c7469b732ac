package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.common.Progress;
import org.junit.jupiter.api.Test;

/**
 * Per-head distances of the tiny BERT against {@code reference-heads.json}, computed independently in float64 by
 * {@code src/test/python/head_reference.py} (Q, K, V split by output rows, attention-out by input columns).
 */
class HeadComparisonTest {

    private static HeadComparison compare(boolean withBias) {
        return HeadComparison.compare(Fixtures.base(), "base", Fixtures.tuned(), "tuned", NameMap.standard(), 4,
                withBias, Progress.NONE);
    }

    @Test
    void everyHeadOfEveryAttentionMatrixMatchesTheIndependentComputation() {
        HeadComparison c = compare(false);
        JsonNode ref = Fixtures.json("reference-heads.json");
        assertEquals(2, c.layers());
        assertEquals(4, c.heads());
        assertEquals(32, ref.get("cells").size(), "2 layers × 4 kinds × 4 heads");
        for (JsonNode cell : ref.get("cells")) {
            GridColumn kind = GridColumn.fromCsvName(cell.get("kind").asText());
            TensorMetrics m = c.of(kind, cell.get("layer").asInt(), cell.get("head").asInt());
            String what = kind + " layer " + cell.get("layer") + " head " + cell.get("head");
            assertEquals(cell.get("numel").asLong(), m.numel(), what);
            assertEquals(cell.get("rel_l2").asDouble(), Metric.REL_L2.of(m), 1e-12, what);
            assertEquals(cell.get("l2").asDouble(), Metric.L2.of(m), 1e-12, what);
            assertEquals(cell.get("cosine").asDouble(), Metric.COSINE.of(m), 1e-12, what);
            assertEquals(cell.get("mean_abs_delta").asDouble(), Metric.MEAN_ABS_DELTA.of(m), 1e-12, what);
            assertEquals(cell.get("max_abs_delta").asDouble(), Metric.MAX_ABS_DELTA.of(m), 1e-9, what);
            assertEquals(cell.get("frac_changed").asDouble(), Metric.FRAC_CHANGED.of(m), 0, what);
        }
    }

    @Test
    void theHeadsOfAMatrixAddUpToTheMatrix() {
        HeadComparison c = compare(false);
        ModelComparison whole = Analyzer.withAvailableProcessors().compare(Fixtures.base(), "base",
                Fixtures.tuned(), "tuned", NameMap.standard(), Progress.NONE);
        TensorComparison q = whole.tensors().stream()
                .filter(t -> t.name().endsWith("layer.1.attention.self.query.weight")).findFirst().orElseThrow();
        double sumSq = 0;
        for (int h = 0; h < 4; h++) {
            double l2 = Metric.L2.of(c.of(GridColumn.Q, 1, h));
            sumSq += l2 * l2;
        }
        assertEquals(Math.pow(Metric.L2.of(q.metrics()), 2), sumSq, 1e-15);
    }

    @Test
    void withBiasAHeadOfQKVCountsItsBiasEntriesAndAttentionOutStaysWeightOnly() {
        HeadComparison c = compare(true);
        assertEquals(8 * 32 + 8, c.of(GridColumn.Q, 0, 2).numel());
        assertEquals(32 * 8, c.of(GridColumn.ATTN_OUT, 0, 2).numel());
    }

    @Test
    void aHeadCountThatDoesNotDivideTheWidthIsNamed() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> HeadComparison.compare(
                Fixtures.base(), "base", Fixtures.tuned(), "tuned", NameMap.standard(), 5, false, Progress.NONE));
        assertTrue(e.getMessage().contains("32 does not split into 5 heads"), e.getMessage());
    }

    @Test
    void aModelWithoutAMatrixHasNoGridForIt() {
        HeadComparison c = compare(false);
        assertNull(c.of(GridColumn.FFN_IN, 0, 0));
    }
}
