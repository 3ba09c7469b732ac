package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Running the encoder from any layer's input, as what-if experiments do from cached hidden states. */
class BertEncoderFromLayerTest {

    @Test
    void forwardFromEachLayerEqualsTheFullForward() {
        JsonNode ref = TinyModel.json("reference.json");
        TokenBatch batch = TinyModel.batch(ref);
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(TinyModel.checkpoint())
                .setConfig(TinyModel.config()).build(); NDManager scope = model.newScope()) {
            BertOutput full = model.forward(scope, batch, false);
            int layers = model.config().numLayers();
            assertArrayEquals(full.hiddenStates().get(0).toFloatArray(), model.embeddings(scope, batch).toFloatArray());
            for (int from = 0; from <= layers; from++) {
                List<Integer> ran = new ArrayList<>();
                BertOutput part = model.forwardFrom(scope, batch, from, full.hiddenStates().get(from), ran::add);
                assertEquals(layers + 1 - from, part.hiddenStates().size());
                assertEquals(java.util.stream.IntStream.range(from, layers).boxed().toList(), ran);
                for (int k = 0; k < part.hiddenStates().size(); k++) {
                    assertArrayEquals(full.hiddenStates().get(from + k).toFloatArray(),
                            part.hiddenStates().get(k).toFloatArray(), "from " + from + ", state " + k);
                }
                assertArrayEquals(full.pooled().toFloatArray(), part.pooled().toFloatArray());
                assertArrayEquals(full.logits().toFloatArray(), part.logits().toFloatArray(), "from " + from);
            }
        }
    }

    @Test
    void statesOfAnotherShapeOrALayerOutsideTheModelAreRefused() {
        JsonNode ref = TinyModel.json("reference.json");
        TokenBatch batch = TinyModel.batch(ref);
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(TinyModel.checkpoint())
                .setConfig(TinyModel.config()).build(); NDManager scope = model.newScope()) {
            NDArray states = model.embeddings(scope, batch);
            assertEquals("layer 3 is outside 0 … 2", assertThrows(IllegalArgumentException.class,
                    () -> model.forwardFrom(scope, batch, 3, states, l -> { })).getMessage());
            NDArray wrong = states.get(":, 1:, :");
            assertThrows(IllegalArgumentException.class, () -> model.forwardFrom(scope, batch, 0, wrong, l -> { }));
        }
    }

    @Test
    void statesHeldByAnotherManagerGainNoArraysFromAPass() {
        JsonNode ref = TinyModel.json("reference.json");
        TokenBatch batch = TinyModel.batch(ref);
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(TinyModel.checkpoint())
                .setConfig(TinyModel.config()).build(); NDManager cache = model.newScope()) {
            NDArray held;
            try (NDManager scope = model.newScope()) {
                held = model.embeddings(scope, batch);
                held.attach(cache);
            }
            int before = cache.getManagedArrays().size();
            int modelBefore = model.liveArrays();
            for (int i = 0; i < 3; i++) {
                try (NDManager scope = model.newScope()) {
                    model.forwardFrom(scope, batch, 0, held, l -> { }).logits().toFloatArray();
                }
            }
            assertEquals(before, cache.getManagedArrays().size(), "the cache's manager holds only its own states");
            assertEquals(modelBefore, model.liveArrays());
        }
    }
}
