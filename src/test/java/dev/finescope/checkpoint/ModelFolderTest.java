package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.overlay.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {

    /** bert-base-uncased's config.json as Hugging Face publishes it. */
    private static final String BERT_BASE_CONFIG = """
            {
              "architectures": ["BertForMaskedLM"],
              "attention_probs_dropout_prob": 0.1,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 768,
              "initializer_range": 0.02,
              "intermediate_size": 3072,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 12,
              "pad_token_id": 0,
              "type_vocab_size": 2,
              "vocab_size": 30522
            }
            """;

    /** distilbert-base-uncased's config.json, with DistilBERT's own spellings. */
    private static final String DISTILBERT_CONFIG = """
            {
              "activation": "gelu",
              "architectures": ["DistilBertForMaskedLM"],
              "attention_dropout": 0.1,
              "dim": 768,
              "dropout": 0.1,
              "hidden_dim": 3072,
              "initializer_range": 0.02,
              "max_position_embeddings": 512,
              "model_type": "distilbert",
              "n_heads": 12,
              "n_layers": 6,
              "pad_token_id": 0,
              "vocab_size": 30522
            }
            """;

    @TempDir
    Path dir;

    /** Tensors of a tiny model: zeros, only names and shapes matter here. */
    private static Path tinyModel(Path file, Map<String, long[]> shapes) {
        SafetensorsWriter w = new SafetensorsWriter();
        shapes.forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            w.addFloats(name, DType.F32, shape, new float[(int) n]);
        });
        w.write(file);
        return file;
    }

    /** A BERT with {@code layers} layers, hidden {@code hidden}, FFN {@code ffn}, vocabulary 99. */
    private static Map<String, long[]> bert(String prefix, int layers, int hidden, int ffn) {
        Map<String, long[]> m = new HashMap<>();
        m.put(prefix + "embeddings.word_embeddings.weight", new long[] {99, hidden});
        m.put(prefix + "embeddings.position_embeddings.weight", new long[] {16, hidden});
        m.put(prefix + "embeddings.LayerNorm.weight", new long[] {hidden});
        for (int l = 0; l < layers; l++) {
            String p = prefix + "encoder.layer." + l + ".";
            m.put(p + "attention.self.query.weight", new long[] {hidden, hidden});
            m.put(p + "attention.self.query.bias", new long[] {hidden});
            m.put(p + "intermediate.dense.weight", new long[] {ffn, hidden});
            m.put(p + "output.dense.weight", new long[] {hidden, ffn});
        }
        m.put("classifier.weight", new long[] {2, hidden});
        return m;
    }

    @Test
    void aFolderGivesItsConfigWeightsAndTokenizerFiles() throws IOException {
        Files.writeString(dir.resolve("config.json"), BERT_BASE_CONFIG);
        Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n");
        tinyModel(dir.resolve("model.safetensors"), bert("bert.", 2, 32, 37));
        try (ModelFolder m = Models.open(dir)) {
            assertEquals(new ModelConfig("bert", 768, 12, 12, 3072, 30522, 0.02, false), m.config());
            assertEquals(Optional.of(dir.resolve("vocab.txt")), m.vocab());
            assertEquals(Optional.empty(), m.tokenizerJson());
            assertEquals(Optional.of(dir.resolve("config.json")), m.configFile());
            assertEquals(dir.getFileName().toString(), m.label());
            assertTrue(m.isFolder());
            assertEquals(dir.resolve("model.safetensors"), m.weights().source());
        }
    }

    @Test
    void distilbertSpellingsAreRead() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), DISTILBERT_CONFIG);
        assertEquals(new ModelConfig("distilbert", 768, 6, 12, 3072, 30522, 0.02, false), ModelConfig.read(config));
    }

    @Test
    void sizesAConfigLacksAreInferredFromTheWeights() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"num_attention_heads\": 4,"
                + " \"initializer_range\": 0.05}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        tinyModel(dir.resolve("model.safetensors"), bert("", 3, 32, 37));
        try (ModelFolder m = Models.open(dir)) {
            assertEquals(new ModelConfig("bert", 32, 3, 4, 37, 99, 0.05, false), m.config());
            assertEquals(Optional.of(dir.resolve("tokenizer.json")), m.tokenizerJson());
        }
    }

    @Test
    void aSingleFileHasItsConfigInferredFromShapes() {
        Path file = tinyModel(dir.resolve("weights.safetensors"), bert("bert.", 2, 128, 37));
        try (ModelFolder m = Models.open(file)) {
            assertEquals(new ModelConfig("bert", 128, 2, 2, 37, 99, 0.02, true), m.config());
            assertFalse(m.isFolder());
            assertEquals("weights.safetensors", m.label());
            assertEquals(Optional.empty(), m.vocab());
            assertEquals("bert: 2 layers, hidden 128, 2 heads, intermediate 37, vocabulary 99 "
                    + "(inferred from tensor shapes)", m.config().describe());
        }
    }

    @Test
    void headsAreOneWhenTheHiddenSizeIsNotAMultipleOf64() {
        Path file = tinyModel(dir.resolve("w.safetensors"), bert("roberta.", 2, 32, 37));
        try (ModelFolder m = Models.open(file)) {
            assertEquals(new ModelConfig("roberta", 32, 2, 1, 37, 99, 0.02, true), m.config());
        }
    }

    @Test
    void electraTakesItsHiddenSizeFromTheQueryNotTheSmallerEmbeddings() {
        Map<String, long[]> shapes = bert("electra.", 2, 256, 1024);
        shapes.put("electra.embeddings.word_embeddings.weight", new long[] {99, 128});
        shapes.put("electra.embeddings_project.weight", new long[] {256, 128});
        Path file = tinyModel(dir.resolve("w.safetensors"), shapes);
        try (ModelFolder m = Models.open(file)) {
            assertEquals(new ModelConfig("electra", 256, 2, 4, 1024, 99, 0.02, true), m.config());
        }
    }

    @Test
    void anUnprefixedDistilbertIsRecognised() {
        Map<String, long[]> shapes = new HashMap<>();
        shapes.put("embeddings.word_embeddings.weight", new long[] {99, 64});
        for (int l = 0; l < 3; l++) {
            shapes.put("transformer.layer." + l + ".attention.q_lin.weight", new long[] {64, 64});
            shapes.put("transformer.layer." + l + ".ffn.lin1.weight", new long[] {256, 64});
        }
        Path file = tinyModel(dir.resolve("w.safetensors"), shapes);
        try (ModelFolder m = Models.open(file)) {
            assertEquals(new ModelConfig("distilbert", 64, 3, 1, 256, 99, 0.02, true), m.config());
        }
    }

    @Test
    void tensorflowKernelsGiveTheIntermediateSizeFromTheirSecondDimension() {
        Map<String, long[]> shapes = new HashMap<>();
        shapes.put("bert/embeddings/word_embeddings", new long[] {99, 64});
        shapes.put("bert/encoder/layer_0/attention/self/query/kernel", new long[] {64, 64});
        shapes.put("bert/encoder/layer_0/intermediate/dense/kernel", new long[] {64, 200});
        shapes.put("bert/encoder/layer_1/intermediate/dense/kernel", new long[] {64, 200});
        Path file = tinyModel(dir.resolve("w.safetensors"), shapes);
        try (ModelFolder m = Models.open(file)) {
            assertEquals(new ModelConfig("bert", 64, 2, 1, 200, 99, 0.02, true), m.config());
        }
    }

    @Test
    void weightsThatAreNotBertAreRefusedClearly() {
        Path file = tinyModel(dir.resolve("w.safetensors"), Map.of("conv1.weight", new long[] {3, 3}));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Models.open(file));
        assertEquals(file + ": does not look like a BERT-family model: no word embeddings and no encoder layer "
                + "found among 1 tensors", e.getMessage());
    }

    @Test
    void badConfigJsonIsAnErrorNamingConfigJson() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 768,\n \"model_type\": bert}");
        tinyModel(dir.resolve("model.safetensors"), bert("", 1, 32, 37));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Models.open(dir));
        assertEquals(config, e.file());
        assertEquals("bad JSON: Unrecognized token 'bert': was expecting (JSON String, Number, Array, Object or token "
                + "'null', 'true' or 'false') (line 2)", e.problem());
    }

    @Test
    void aSizeOfTheWrongTypeIsNamed() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": \"768\"}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelConfig.read(config));
        assertEquals(config + ": hidden_size is not a whole number: \"768\"", e.getMessage());
        Files.writeString(config, "{\"n_layers\": -2}");
        e = assertThrows(CheckpointException.class, () -> ModelConfig.read(config));
        assertEquals("n_layers must be positive, not -2", e.problem());
        Files.writeString(config, "[]");
        e = assertThrows(CheckpointException.class, () -> ModelConfig.read(config));
        assertEquals("bad JSON: a model config must be a JSON object", e.problem());
    }

    @Test
    void openingAndReadingAModelChangesNothingInItsFolder() throws IOException {
        Files.writeString(dir.resolve("config.json"), BERT_BASE_CONFIG);
        tinyModel(dir.resolve("model.safetensors"), bert("bert.", 2, 32, 37));
        FileTime past = FileTime.fromMillis(1_000_000_000_000L);
        Map<Path, Long> before = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, past);
                before.put(p, Files.size(p));
            }
        }
        try (ModelFolder m = Models.open(dir)) {
            for (String n : m.weights().tensorNames()) {
                m.weights().tensor(n).toFloatArray();
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> after = files.toList();
            assertEquals(before.keySet(), Set.copyOf(after));
            for (Path p : after) {
                assertEquals(past, Files.getLastModifiedTime(p), p.toString());
                assertEquals(before.get(p), Files.size(p), p.toString());
            }
        }
    }

    @Test
    void writesIntoTheOpenedModelAreRefused() throws IOException {
        tinyModel(dir.resolve("model.safetensors"), bert("bert.", 1, 32, 37));
        Path elsewhere = Files.createDirectory(dir.resolveSibling(dir.getFileName() + "-out"));
        try (ModelFolder m = Models.open(dir)) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> m.requireOutside(dir.resolve("sub/../masked.safetensors")));
            assertEquals(dir.resolve("sub/../masked.safetensors") + ": is inside the model folder " + dir
                    + ", which FineScope only reads; choose another place to write", e.getMessage());
            m.requireOutside(elsewhere.resolve("masked.safetensors"));
        }
        try (ModelFolder m = Models.open(dir.resolve("model.safetensors"))) {
            assertThrows(CheckpointException.class, () -> m.requireOutside(dir.resolve("model.safetensors")));
            m.requireOutside(dir.resolve("other.safetensors"));
        } finally {
            Files.delete(elsewhere);
        }
    }

    @Test
    void aMissingPathIsNamed() {
        Path missing = dir.resolve("no-such-model");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Models.open(missing));
        assertEquals(missing + ": does not exist", e.getMessage());
    }
}
