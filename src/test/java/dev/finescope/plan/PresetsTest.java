package dev.finescope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.MetricSums;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.checkpoint.DType;
import dev.finescope.analysis.TensorMetrics;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresetsTest {

    private static final ModelLayout TINY = TinyLayouts.tiny();

    /** A comparison entry whose rel_l2 is {@code relL2} and cosine {@code cosine}; other metrics irrelevant. */
    private static TensorComparison entry(String name, GridRow row, GridColumn column, GridPosition.Part part,
            double relL2, double cosine) {
        TensorMetrics m = new TensorMetrics(16, 0, 0, 0, relL2, cosine, 0, 0, 0, 0, null);
        return new TensorComparison(name, new GridPosition(row, column, part), new long[] {4, 4}, m,
                MetricSums.EMPTY, DType.F32, DType.F32);
    }

    private static ModelComparison comparison() {
        GridPosition.Part w = GridPosition.Part.WEIGHT;
        return new ModelComparison("base", "tuned", 2, List.of(
                entry("l0.q", GridRow.layer(0), GridColumn.Q, w, 0.010, 0.9990),
                entry("l0.q.bias", GridRow.layer(0), GridColumn.Q, GridPosition.Part.BIAS, 9.0, -1),
                entry("l0.ln", GridRow.layer(0), GridColumn.ATTN_LN, w, 5.0, -1),
                entry("l1.v", GridRow.layer(1), GridColumn.V, w, 0.030, 0.9950),
                entry("l1.ffn", GridRow.layer(1), GridColumn.FFN_OUT, w, 0.020, 0.9999),
                entry("word", GridRow.EMBEDDINGS, GridColumn.WORD, w, Double.NaN, Double.NaN),
                entry("pooler", GridRow.POOLER, GridColumn.POOLER, w, 0.020, 0.9980)),
                List.of(), List.of());
    }

    @Test
    void matricesRankFurthestFirstSkippingBiasesAndLayerNormsWithNaNLast() {
        List<Presets.Ranked> ranked = Presets.rankMatrices(comparison(), Metric.REL_L2);
        assertEquals(List.of(MatrixCell.layer(1, GridColumn.V), MatrixCell.layer(1, GridColumn.FFN_OUT),
                new MatrixCell(GridRow.POOLER, GridColumn.POOLER), MatrixCell.layer(0, GridColumn.Q),
                new MatrixCell(GridRow.EMBEDDINGS, GridColumn.WORD)),
                ranked.stream().map(Presets.Ranked::cell).toList());
    }

    @Test
    void cosineRanksTheLeastSimilarMatrixFirst() {
        assertEquals(List.of(MatrixCell.layer(1, GridColumn.V), new MatrixCell(GridRow.POOLER, GridColumn.POOLER),
                MatrixCell.layer(0, GridColumn.Q), MatrixCell.layer(1, GridColumn.FFN_OUT),
                new MatrixCell(GridRow.EMBEDDINGS, GridColumn.WORD)),
                Presets.rankMatrices(comparison(), Metric.COSINE).stream().map(Presets.Ranked::cell).toList());
    }

    @Test
    void l0CloseTrainsTheTopKAndFreezesTheRest() {
        Plan p = Presets.l0Close(comparison(), Metric.REL_L2, 2);
        assertEquals(Action.FREEZE, p.defaultAction());
        assertEquals(Map.of(MatrixCell.layer(1, GridColumn.V), Action.FINE_TUNE,
                MatrixCell.layer(1, GridColumn.FFN_OUT), Action.FINE_TUNE), p.cells());
        assertEquals(BiasRule.FOLLOW_MATRIX, p.biasRule());
        assertEquals("L0-close: top 2 by relative L2 of tuned", p.name());
        assertEquals(5, Presets.l0Close(comparison(), Metric.REL_L2, 99).cells().size());
        assertThrows(IllegalArgumentException.class, () -> Presets.l0Close(comparison(), Metric.REL_L2, -1));
    }

    @Test
    void freezeEmbeddingsFreezesTheThreeEmbeddingMatricesOnly() {
        Plan p = Presets.freezeEmbeddings(TINY);
        assertEquals(Action.FINE_TUNE, p.defaultAction());
        assertEquals(Map.of(MatrixCell.parse("embeddings", "Word"), Action.FREEZE,
                MatrixCell.parse("embeddings", "Position"), Action.FREEZE,
                MatrixCell.parse("embeddings", "TokenType"), Action.FREEZE), p.cells());
        // trains everything but the embeddings (80 parameters, LayerNorm included) plus a 10-parameter head
        assertEquals(444 - 80 + 10, PlanCost.of(p, TINY, new PlanCost.Assumptions(2, 8)).trainableParameters());
    }

    @Test
    void sparsifyEncoderMasksTheTwelveEncoderMatricesAndNothingElse() {
        Plan p = Presets.sparsifyEncoder(TINY, 0.1);
        assertEquals("sparsify encoder at 10%", p.name());
        assertEquals(12, p.cells().size());
        assertEquals(12, p.resolve(TINY).stream().filter(d -> d.role() == TensorRole.MASKED).count());
        assertEquals(0, p.resolve(TINY).stream().filter(d -> d.role() == TensorRole.TRAINED).count());
    }

    @Test
    void fullFineTuningTrainsEveryTensor() {
        assertEquals(0, Presets.fullFineTuning().resolve(TINY).stream()
                .filter(d -> d.role() != TensorRole.TRAINED).count());
    }
}
