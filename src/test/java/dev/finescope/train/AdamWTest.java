package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /** float32 updates of unit-scale values, three steps deep. */
    static final double UPDATE_TOLERANCE = 1e-6;
    static final double NORM_TOLERANCE = 1e-5;

    @Test
    void threeStepsMatchTorchAdamWWithGroupsAndClipping() {
        JsonNode ref = TinyModel.json("adamw.json");
        List<String> names = List.of("w", "b", "s");
        try (NDManager manager = NDManager.newBaseManager()) {
            List<ModelParameter> params = new ArrayList<>();
            for (String n : names) {
                JsonNode p = ref.get("params").get(n);
                long[] shape = new long[p.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = p.get("shape").get(i).asLong();
                }
                params.add(new ModelParameter(n, manager.create(TinyModel.flat(p.get("init")), new Shape(shape)),
                        ParameterGroup.valueOf(p.get("group").asText()), true));
            }
            AdamW.Settings settings = new AdamW.Settings(ref.get("learning_rate").asDouble(),
                    ref.get("score_learning_rate").asDouble(), ref.get("weight_decay").asDouble(), 0.9, 0.999, 1e-8);
            try (AdamW optimizer = new AdamW(params, settings)) {
                for (int step = 0; step < 3; step++) {
                    try (NDManager scope = manager.newSubManager();
                         GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = null;
                        for (int i = 0; i < names.size(); i++) {
                            JsonNode g = ref.get("params").get(names.get(i)).get("grads").get(step);
                            NDArray w = params.get(i).array();
                            // ∂(Σ w ⊙ g)/∂w = g
                            NDArray term = w.mul(scope.create(TinyModel.flat(g), w.getShape())).sum();
                            loss = loss == null ? term : loss.add(term);
                        }
                        collector.backward(loss);
                    }
                    double norm = optimizer.clipGradients(ref.get("max_norm").asDouble());
                    assertEquals(ref.get("norms").get(step).asDouble(), norm, NORM_TOLERANCE, "norm of step " + step);
                    optimizer.step(1.0);
                    for (int i = 0; i < names.size(); i++) {
                        float[] expected = TinyModel.flat(ref.get("params").get(names.get(i)).get("after").get(step));
                        double diff = TinyModel.maxAbsDiff(expected, params.get(i).toFloatArray());
                        assertTrue(diff <= UPDATE_TOLERANCE, names.get(i) + " after step " + step + " off by " + diff);
                    }
                }
            }
        }
    }

    @Test
    void aFrozenTensorCannotJoinTheOptimizer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelParameter frozen = new ModelParameter("x", manager.zeros(new Shape(2)), ParameterGroup.WEIGHTS, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new AdamW(List.of(frozen), AdamW.Settings.of(1e-3, 1e-2)));
            assertTrue(e.getMessage().startsWith("x is frozen"), e.getMessage());
        }
    }

    @Test
    void theFirstTensorWithANaNOrAnInfinityIsNamed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float nan = Float.NaN;
            float inf = Float.POSITIVE_INFINITY;
            List<ModelParameter> params = List.of(
                    new ModelParameter("a", manager.create(new float[] {1, 2, 3}), ParameterGroup.WEIGHTS, true),
                    new ModelParameter("b", manager.create(new float[] {4, 5}), ParameterGroup.NO_DECAY, true),
                    new ModelParameter("c", manager.create(new float[] {6, inf}), ParameterGroup.WEIGHTS, true));
            try (AdamW optimizer = new AdamW(params, AdamW.Settings.of(1e-3, 1e-2))) {
                assertEquals("c", optimizer.firstNonFiniteWeight().orElseThrow().parameter().name());
                assertEquals("infinite", optimizer.firstNonFiniteWeight().orElseThrow().describe());
                float[][] gradients = {{1, 2, 3}, {inf, nan}, {nan, 1}};
                try (NDManager scope = manager.newSubManager();
                     GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = null;
                    for (int i = 0; i < params.size(); i++) {
                        NDArray w = params.get(i).array();
                        NDArray term = w.mul(scope.create(gradients[i])).sum();
                        loss = loss == null ? term : loss.add(term);
                    }
                    collector.backward(loss);
                }
                AdamW.NonFinite g = optimizer.firstNonFiniteGradient().orElseThrow();
                assertEquals("b", g.parameter().name());
                assertEquals("NaN", g.describe(), "NaN wins over infinity in the largest |value|");
                // finite values whose sum overflows are not broken
                params.get(2).array().set(new float[] {3e38f, 3e38f});
                optimizer.zeroGradients();
                assertTrue(optimizer.firstNonFiniteWeight().isEmpty());
                assertTrue(optimizer.firstNonFiniteGradient().isEmpty());
            }
        }
    }
}
