package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.CheckpointException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BertEncoderTest {
    /** The bar for "the model of transformers": max absolute difference of any output. */
    static final double REFERENCE_TOLERANCE = 1e-4;

    @Test
    void forwardMatchesTheTorchReferenceOnTheTinyModel() {
        JsonNode ref = TinyModel.json("reference.json");
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(TinyModel.checkpoint())
                .setConfig(TinyModel.config()).build()) {
            assertEquals("bert.", model.prefix());
            assertMatchesReference(model, ref);
        }
    }

    @Test
    void forwardIsTheSameWithoutTheBertPrefix() {
        JsonNode ref = TinyModel.json("reference.json");
        FloatCheckpoint bare = TinyModel.checkpoint().renamed(n -> n.startsWith("bert.") ? n.substring(5) : n);
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(bare).setConfig(TinyModel.config()).build()) {
            assertEquals("", model.prefix());
            assertMatchesReference(model, ref);
        }
    }

    @Test
    void withoutAPoolerTheHeadReadsTheClsState() {
        FloatCheckpoint noPooler = TinyModel.checkpoint().renamed(n -> n.contains("pooler") ? null : n);
        JsonNode ref = TinyModel.json("reference.json");
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(noPooler).setConfig(TinyModel.config()).build();
             NDManager scope = model.newScope()) {
            BertOutput out = model.forward(scope, TinyModel.batch(ref), false);
            assertNull(out.pooled());
            float[] w = noPooler.tensor("classifier.weight").toFloatArray();
            float[] b = noPooler.tensor("classifier.bias").toFloatArray();
            float[] cls = out.lastHiddenState().get(":, 0, :").toFloatArray();
            float[] logits = out.logits().toFloatArray();
            int h = model.config().hiddenSize();
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 2; c++) {
                    double expected = b[c];
                    for (int i = 0; i < h; i++) {
                        expected += (double) cls[r * h + i] * w[c * h + i];
                    }
                    assertEquals(expected, logits[r * 2 + c], 1e-5, "logit " + r + "," + c);
                }
            }
        }
    }

    @Test
    void aShapeThatContradictsTheConfigurationNamesTheTensor() {
        BertConfig wrong = new BertConfig(104, 32, 2, 4, 48, 64, 2, 1e-12, "gelu", 0.1, 0.1, 0.02, 2);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> BertEncoder.builder().setCheckpoint(TinyModel.checkpoint()).setConfig(wrong).build());
        assertTrue(e.getMessage().contains("bert.encoder.layer.0.intermediate.dense.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[64, 32]") && e.getMessage().contains("[48, 32]"), e.getMessage());
    }

    @Test
    void aCheckpointWithoutEmbeddingsIsRefusedWithItsName() {
        FloatCheckpoint empty = new FloatCheckpoint(Path.of("empty.safetensors"))
                .put("x", new long[] {1}, new float[] {1});
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> BertEncoder.builder().setCheckpoint(empty).setConfig(TinyModel.config()).build());
        assertTrue(e.getMessage().startsWith("empty.safetensors: no BERT word embeddings"), e.getMessage());
    }

    static void assertMatchesReference(BertEncoder model, JsonNode ref) {
        try (NDManager scope = model.newScope()) {
            BertOutput out = model.forward(scope, TinyModel.batch(ref), false);
            JsonNode states = ref.get("hidden_states");
            assertEquals(states.size(), out.hiddenStates().size());
            for (int i = 0; i < states.size(); i++) {
                double diff = TinyModel.maxAbsDiff(TinyModel.flat(states.get(i)),
                        out.hiddenStates().get(i).toFloatArray());
                assertTrue(diff <= REFERENCE_TOLERANCE, "hidden state " + i + " differs by " + diff);
            }
            if (ref.has("pooled")) {
                double diff = TinyModel.maxAbsDiff(TinyModel.flat(ref.get("pooled")), out.pooled().toFloatArray());
                assertTrue(diff <= REFERENCE_TOLERANCE, "pooled output differs by " + diff);
            }
            if (ref.has("logits")) {
                double diff = TinyModel.maxAbsDiff(TinyModel.flat(ref.get("logits")), out.logits().toFloatArray());
                assertTrue(diff <= REFERENCE_TOLERANCE, "logits differ by " + diff);
            }
        }
    }
}
