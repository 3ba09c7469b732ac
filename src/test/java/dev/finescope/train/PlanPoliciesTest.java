package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.plan.Action;
import dev.finescope.plan.MaskOptions;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoder and the optimizer read a plan exactly as the plan's own decisions state it. */
class PlanPoliciesTest {

    private static BertEncoder build(Checkpoint c, PlanPolicies p) {
        return BertEncoder.builder().setCheckpoint(c).setConfig(TinyModel.config()).optPolicy(p.policy()).build();
    }

    private static List<String> updated(PlanPolicies p, BertEncoder m) {
        return p.updated(m).stream().map(ModelParameter::name).toList();
    }

    @Test
    void bitFitUpdatesBiasesAndLayerNormBiasesButNotLayerNormGains() {
        try (Checkpoint c = Checkpoints.open(TinyRuns.BASE)) {
            PlanPolicies p = PlanPolicies.resolve(Presets.biasesOnly(), c, NameMap.standard());
            try (BertEncoder m = build(c, p)) {
                List<String> names = updated(p, m);
                assertTrue(names.contains("bert.encoder.layer.0.attention.self.query.bias"));
                assertTrue(names.contains("bert.embeddings.LayerNorm.bias"));
                assertFalse(names.contains("bert.embeddings.LayerNorm.weight"));
                assertFalse(names.contains("bert.encoder.layer.0.attention.self.query.weight"));
                assertTrue(names.containsAll(List.of("classifier.weight", "classifier.bias")));
                assertTrue(names.stream().allMatch(n -> n.endsWith(".bias") || n.startsWith("classifier.")), names::toString);
                // the gain shares its unit with the bias, so it records a gradient that is dropped
                assertEquals(List.of("bert.embeddings.LayerNorm.weight",
                        "bert.encoder.layer.0.attention.output.LayerNorm.weight",
                        "bert.encoder.layer.0.output.LayerNorm.weight",
                        "bert.encoder.layer.1.attention.output.LayerNorm.weight",
                        "bert.encoder.layer.1.output.LayerNorm.weight"),
                        p.gradientOnly(m).stream().map(ModelParameter::name).toList());
            }
        }
    }

    @Test
    void sparsifiedMatricesBecomeMasksWithThePlansOptions() {
        try (Checkpoint c = Checkpoints.open(TinyRuns.BASE)) {
            ModelLayout layout = ModelLayout.of(c, NameMap.standard()::locate);
            Plan plan = Presets.sparsifyEncoder(layout, 0.25).with(MatrixCell.layer(1, GridColumn.Q), Action.FINE_TUNE)
                    .withMask(new MaskOptions(MaskOptions.Mode.TOP_K, 0.5));
            PlanPolicies p = PlanPolicies.resolve(plan, c, NameMap.standard());
            assertEquals(new MatrixSetup(LinearMode.MASKED, 0.25, true, 0.5f),
                    p.policy().matrix("encoder.layer.0.attention.self.key"));
            assertEquals(MatrixSetup.trainable(), p.policy().matrix("encoder.layer.1.attention.self.query"));
            assertEquals(MatrixSetup.frozen(), p.policy().matrix("pooler.dense"));
            assertEquals(MatrixSetup.frozen(), p.policy().matrix("embeddings.word_embeddings.weight"));
            try (BertEncoder m = build(c, p)) {
                assertEquals(11, m.maskedUnits().size());
                List<String> names = updated(p, m);
                assertEquals(11, names.stream().filter(n -> n.endsWith(".mask_scores")).count());
                // layer 1's query trains with its bias and, by the bias rule, the row's LayerNorms
                assertTrue(names.containsAll(List.of("bert.encoder.layer.1.attention.self.query.weight",
                        "bert.encoder.layer.1.attention.self.query.bias",
                        "bert.encoder.layer.1.output.LayerNorm.weight")));
                assertEquals(11 + 2 + 4 + 2, names.size(), names::toString);
            }
        }
    }
}
