package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A few steps of the tiny model per kind of fine-tune, on the reference batch. A straight-through loss is not
 * smooth step to step, so the checks compare where a run starts and where it ends (without dropout).
 */
class TrainStepTest {
    static final float[] LABELS = {0, 1, 1, 0};
    static final int STEPS = 3;
    static final double CLIP = 1.0;

    private final TokenBatch batch = TinyModel.batch(TinyModel.json("reference.json"));

    @BeforeEach
    void seed() {
        Engine.getInstance().setRandomSeed(1234);
    }

    private static BertEncoder tiny(TrainingPolicy policy) {
        return BertEncoder.builder().setCheckpoint(TinyModel.checkpoint()).setConfig(TinyModel.config())
                .optPolicy(policy).build();
    }

    private static Map<String, float[]> frozenValues(BertEncoder model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ModelParameter p : model.parameters()) {
            if (!p.trainable()) {
                out.put(p.name(), p.toFloatArray());
            }
        }
        return out;
    }

    /** Trains and returns {loss before, loss after}, both without dropout. */
    private double[] train(BertEncoder model, AdamW.Settings settings, float[] labels) {
        double before = TrainStep.evaluate(model, batch, labels);
        try (AdamW optimizer = new AdamW(model.trainableParameters(), settings)) {
            TrainStep step = new TrainStep(model, optimizer, CLIP);
            int live = model.liveArrays();
            for (int i = 0; i < STEPS; i++) {
                TrainStep.Result r = step.run(batch, labels, 1.0);
                assertTrue(Double.isFinite(r.loss()) && r.gradientNorm() > 0, "step " + i + ": " + r);
            }
            assertEquals(live, model.liveArrays(), "a training step left arrays behind in the model");
        }
        return new double[] {before, TrainStep.evaluate(model, batch, labels)};
    }

    private static void assertFrozenUnchanged(Map<String, float[]> before, BertEncoder model) {
        Map<String, float[]> after = frozenValues(model);
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name + " changed although frozen");
        }
    }

    @Test
    void fullFineTuningLowersTheLossAndChangesEveryTensor() {
        try (BertEncoder model = tiny(TrainingPolicy.full())) {
            assertTrue(frozenValues(model).isEmpty());
            List<float[]> start = new ArrayList<>();
            model.parameters().forEach(p -> start.add(p.toFloatArray()));
            double[] loss = train(model, AdamW.Settings.of(3e-3, 0), LABELS);
            assertTrue(loss[1] < loss[0] - 0.05, "loss " + loss[0] + " -> " + loss[1]);
            for (int i = 0; i < start.size(); i++) {
                ModelParameter p = model.parameters().get(i);
                if (!p.name().contains("position_embeddings")) {
                    assertFalse(java.util.Arrays.equals(start.get(i), p.toFloatArray()), p.name() + " did not train");
                }
            }
        }
    }

    @Test
    void headOnlyTrainingLowersTheLossAndLeavesTheEncoderBitIdentical() {
        try (BertEncoder model = tiny(TrainingPolicy.headOnly())) {
            Map<String, float[]> frozen = frozenValues(model);
            assertEquals(List.of("classifier.weight", "classifier.bias"),
                    model.trainableParameters().stream().map(ModelParameter::name).toList());
            double[] loss = train(model, AdamW.Settings.of(3e-2, 0), LABELS);
            assertTrue(loss[1] < loss[0] - 0.05, "loss " + loss[0] + " -> " + loss[1]);
            assertFrozenUnchanged(frozen, model);
        }
    }

    @Test
    void maskedTrainingLowersTheLossKeepsMasksBinaryAndPretrainedWeightsBitIdentical() {
        try (BertEncoder model = tiny(TrainingPolicy.maskEncoder(0.1, false))) {
            Map<String, float[]> frozen = frozenValues(model);
            assertEquals(12, model.maskedUnits().size());
            int pruned32 = MaskedLinear.prunedCount(32 * 32, 0.1);
            assertEquals(32 * 32 - pruned32, model.maskedUnits().get(0).mask().cardinality());
            double[] loss = train(model, AdamW.Settings.of(3e-2, 5e-2), LABELS);
            assertTrue(loss[1] < loss[0] - 0.05, "loss " + loss[0] + " -> " + loss[1]);
            assertFrozenUnchanged(frozen, model);
            for (MaskedLinear m : model.maskedUnits()) {
                assertMaskedWeightsAreBinarySelections(m, frozen.get(m.name() + ".weight"));
            }
        }
    }

    @Test
    void masksAloneLowerTheLossWhenNothingElseMoves() {
        // small initial scores so that three steps can flip entries; weights and head at rate zero
        MatrixSetup setup = new MatrixSetup(LinearMode.MASKED, 0.1, false, 0.02f);
        TrainingPolicy policy = new TrainingPolicy() {
            @Override
            public MatrixSetup matrix(String name) {
                return name.startsWith("encoder.layer.") ? setup : MatrixSetup.frozen();
            }

            @Override
            public boolean trainsVector(String name) {
                return false;
            }
        };
        try (BertEncoder model = tiny(policy)) {
            List<BitSet> initial = model.maskedUnits().stream().map(MaskedLinear::mask).toList();
            float[] head = model.parameters().get(model.parameters().size() - 2).toFloatArray();
            double[] loss = train(model, AdamW.Settings.of(0, 1e-2), LABELS);
            assertTrue(loss[1] < loss[0] - 0.05, "loss " + loss[0] + " -> " + loss[1]);
            assertArrayEquals(head, model.parameters().get(model.parameters().size() - 2).toFloatArray());
            int flipped = 0;
            for (int i = 0; i < initial.size(); i++) {
                BitSet diff = (BitSet) initial.get(i).clone();
                diff.xor(model.maskedUnits().get(i).mask());
                flipped += diff.cardinality();
            }
            assertTrue(flipped > 0, "no mask entry changed");
        }
    }

    @Test
    void exactTopKMasksHoldTheirSparsityThroughTraining() {
        try (BertEncoder model = tiny(TrainingPolicy.maskEncoder(0.2, true))) {
            train(model, AdamW.Settings.of(3e-2, 5e-1), LABELS);
            for (MaskedLinear m : model.maskedUnits()) {
                long[] shape = m.scores().shape();
                int n = (int) (shape[0] * shape[1]);
                assertEquals(n - MaskedLinear.prunedCount(n, 0.2), m.mask().cardinality(), m.name());
            }
        }
    }

    @Test
    void aRegressionHeadTrainsOnRealTargets() {
        float[] targets = {0.5f, 4.5f, 2.0f, 3.2f};
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(TinyModel.checkpoint())
                .setConfig(TinyModel.config().withNumLabels(1)).optPolicy(TrainingPolicy.full()).build()) {
            double[] loss = train(model, AdamW.Settings.of(3e-2, 0), targets);
            assertTrue(loss[1] < loss[0] * 0.9, "loss " + loss[0] + " -> " + loss[1]);
        }
    }

    @Test
    void aLabelOutsideTheHeadIsRefused() {
        try (BertEncoder model = tiny(TrainingPolicy.headOnly())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrainStep.evaluate(model, batch, new float[] {0, 1, 2, 0}));
            assertTrue(e.getMessage().contains("label 2.0 of example 2"), e.getMessage());
        }
    }

    private static void assertMaskedWeightsAreBinarySelections(MaskedLinear m, float[] w0) {
        float[] effective = m.effectiveWeight();
        for (int i = 0; i < w0.length; i++) {
            assertTrue(effective[i] == w0[i] || effective[i] == 0f, m.name() + " entry " + i);
        }
    }
}
