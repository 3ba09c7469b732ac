package dev.finescope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanTest {

    private static final ModelLayout TINY = TinyLayouts.tiny();

    /** Layer 0 Q fine-tuned, layer 1 FFN-in sparsified at 25%, everything else frozen. */
    private static Plan mixed(BiasRule rule) {
        return Plan.uniform("mixed", Action.FREEZE)
                .with(MatrixCell.layer(0, GridColumn.Q), Action.FINE_TUNE)
                .with(MatrixCell.layer(1, GridColumn.FFN_IN), Action.sparsify(0.25))
                .withBiasRule(rule);
    }

    private static Map<String, TensorRole> roles(Plan plan, ModelLayout layout) {
        Map<String, TensorRole> m = new LinkedHashMap<>();
        for (TensorDecision d : plan.resolve(layout)) {
            m.put(d.tensor().name(), d.role());
        }
        return m;
    }

    private static List<String> named(Map<String, TensorRole> roles, TensorRole role) {
        return roles.entrySet().stream().filter(e -> e.getValue() == role).map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    @Test
    void layerLayoutFromShapesCountsLayersAndHiddenSize() {
        assertEquals(2, TINY.layers());
        assertEquals(4, TINY.hiddenSize());
        assertEquals(444, TINY.tensors().stream().mapToLong(LayoutTensor::numel).sum());
        assertEquals(3 + 2 * 6 + 1, TINY.matrixCells().size());
    }

    @Test
    void followMatrixTrainsTheBiasOfAFineTunedMatrixAndTheLayerNormsOfItsLayer() {
        Map<String, TensorRole> r = roles(mixed(BiasRule.FOLLOW_MATRIX), TINY);
        assertEquals(List.of(
                "bert.encoder.layer.0.attention.self.query.weight",
                "bert.encoder.layer.0.attention.self.query.bias",
                "bert.encoder.layer.0.attention.output.LayerNorm.weight",
                "bert.encoder.layer.0.attention.output.LayerNorm.bias",
                "bert.encoder.layer.0.output.LayerNorm.weight",
                "bert.encoder.layer.0.output.LayerNorm.bias"), named(r, TensorRole.TRAINED));
        assertEquals(List.of("bert.encoder.layer.1.intermediate.dense.weight"), named(r, TensorRole.MASKED));
        assertEquals(TensorRole.FROZEN, r.get("bert.encoder.layer.1.intermediate.dense.bias"));
        assertEquals(TensorRole.FROZEN, r.get("bert.encoder.layer.1.output.LayerNorm.weight"));
    }

    @Test
    void allTrainTrainsEveryBiasAndLayerNorm() {
        Map<String, TensorRole> r = roles(mixed(BiasRule.ALL_TRAIN), TINY);
        // the query weight; matrix biases: 6 per layer × 2 layers + the pooler's = 13; LayerNorms: 5, each a
        // gain and a bias = 10
        List<String> trained = named(r, TensorRole.TRAINED);
        assertEquals(1 + 13 + 10, trained.size());
        assertTrue(trained.contains("bert.encoder.layer.1.intermediate.dense.bias"));
        assertTrue(trained.contains("bert.embeddings.LayerNorm.weight"));
        assertTrue(trained.contains("bert.pooler.dense.bias"));
    }

    @Test
    void allBiasesTrainsLayerNormBiasesButNotTheirGains() {
        Map<String, TensorRole> r = roles(Presets.biasesOnly(), TINY);
        assertEquals(TensorRole.TRAINED, r.get("bert.encoder.layer.1.output.LayerNorm.bias"));
        assertEquals(TensorRole.FROZEN, r.get("bert.encoder.layer.1.output.LayerNorm.weight"));
        assertEquals(TensorRole.TRAINED, r.get("bert.embeddings.LayerNorm.bias"));
        assertEquals(TensorRole.FROZEN, r.get("bert.encoder.layer.0.attention.self.query.weight"));
        // matrix biases: 6 per layer × 2 layers + the pooler's; LayerNorm biases: 5
        assertEquals(6 * 2 + 1 + 5, named(r, TensorRole.TRAINED).size());
    }

    @Test
    void allFrozenLeavesEvenTheBiasOfAFineTunedMatrixAlone() {
        Map<String, TensorRole> r = roles(mixed(BiasRule.ALL_FROZEN), TINY);
        assertEquals(List.of("bert.encoder.layer.0.attention.self.query.weight"), named(r, TensorRole.TRAINED));
    }

    @Test
    void tensorsOutsideTheGridStayFrozenAndTheHeadTrains() {
        ModelLayout layout = new ModelLayout(List.of(
                new LayoutTensor("bert.embeddings.position_ids", new long[] {1, 6}, null),
                new LayoutTensor("bert.encoder.layer.0.attention.self.query.weight", new long[] {4, 4},
                        new GridPosition(GridRow.layer(0), GridColumn.Q, GridPosition.Part.WEIGHT)),
                new LayoutTensor("classifier.weight", new long[] {2, 4},
                        new GridPosition(GridRow.HEAD, GridColumn.HEAD, GridPosition.Part.WEIGHT))));
        Map<String, TensorRole> r = roles(Plan.uniform("", Action.FREEZE), layout);
        assertEquals(TensorRole.FROZEN, r.get("bert.embeddings.position_ids"));
        assertEquals(TensorRole.FROZEN, r.get("bert.encoder.layer.0.attention.self.query.weight"));
        assertEquals(TensorRole.TRAINED, r.get("classifier.weight"));
    }

    @Test
    void aMaskedTensorCarriesItsSparsity() {
        TensorDecision d = mixed(BiasRule.FOLLOW_MATRIX).resolve(TINY).stream()
                .filter(x -> x.role() == TensorRole.MASKED).findFirst().orElseThrow();
        assertEquals(0.25, d.sparsity());
        assertEquals(8, d.zeroCount());
    }

    @Test
    void aLayerBeyondTheModelIsNamedWithTheLayersThatExist() {
        ModelLayout six = ModelLayout.bert(new BertShape(6, 4, 8, 10, 6, 2, true));
        Plan plan = Plan.uniform("", Action.FREEZE).with(MatrixCell.layer(13, GridColumn.Q), Action.FINE_TUNE);
        assertEquals(List.of("layer 13 does not exist (the model has 6 layers: 0–5)"), plan.problems(six));
        PlanException e = assertThrows(PlanException.class, () -> plan.resolve(six));
        assertEquals("the plan does not fit the model: layer 13 does not exist (the model has 6 layers: 0–5)",
                e.getMessage());
    }

    @Test
    void aPoolerCellOnAModelWithoutPoolerIsAProblem() {
        ModelLayout noPooler = ModelLayout.bert(new BertShape(1, 4, 8, 10, 6, 0, false));
        Plan plan = Plan.uniform("p", Action.FREEZE)
                .with(new MatrixCell(GridRow.POOLER, GridColumn.POOLER), Action.FINE_TUNE)
                .with(new MatrixCell(GridRow.EMBEDDINGS, GridColumn.TOKEN_TYPE), Action.FINE_TUNE)
                .with(MatrixCell.layer(1, GridColumn.V), Action.FINE_TUNE);
        assertEquals(List.of(
                "the model has no embeddings TokenType matrix",
                "layer 1 does not exist (the model has 1 layer: 0)",
                "the model has no pooler, so pooler Pooler cannot take an action"), plan.problems(noPooler));
    }

    @Test
    void aPlanOnAModelWithoutGridTensorsSaysSo() {
        ModelLayout none = new ModelLayout(List.of(new LayoutTensor("x", new long[] {3}, null)));
        assertEquals(List.of("the model has no weight matrix on the grid (are the tensor names of a known family?)"),
                Presets.fullFineTuning().problems(none));
    }

    @Test
    void namedCellsOverrideTheDefaultAndCanBeDroppedAgain() {
        MatrixCell v = MatrixCell.layer(1, GridColumn.V);
        Plan p = Plan.uniform("", Action.FREEZE).with(v, Action.sparsify(0.3));
        assertEquals(Action.sparsify(0.3), p.actionOf(v));
        assertEquals(Action.FREEZE, p.actionOf(MatrixCell.layer(1, GridColumn.K)));
        assertEquals(Action.FINE_TUNE, p.withDefault(Action.FINE_TUNE).actionOf(MatrixCell.layer(1, GridColumn.K)));
        assertEquals(Action.FREEZE, p.without(v).actionOf(v));
    }
}
