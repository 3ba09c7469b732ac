package dev.finescope.checkpoint.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.SafetensorsReader;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceExportTest {

    /**
     * The state-dict keys of {@code transformers.BertForSequenceClassification} for the tiny config (2 layers):
     * its {@code bert} BertModel (embeddings, encoder, pooler) and {@code classifier} Linear, no buffers.
     */
    private static final List<String> BERT_FOR_SEQUENCE_CLASSIFICATION_KEYS = tinyKeys();

    private static List<String> tinyKeys() {
        List<String> keys = new ArrayList<>(List.of(
                "bert.embeddings.word_embeddings.weight",
                "bert.embeddings.position_embeddings.weight",
                "bert.embeddings.token_type_embeddings.weight",
                "bert.embeddings.LayerNorm.weight",
                "bert.embeddings.LayerNorm.bias"));
        for (int layer = 0; layer < 2; layer++) {
            for (String suffix : List.of(
                    "attention.self.query.weight", "attention.self.query.bias",
                    "attention.self.key.weight", "attention.self.key.bias",
                    "attention.self.value.weight", "attention.self.value.bias",
                    "attention.output.dense.weight", "attention.output.dense.bias",
                    "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
                    "intermediate.dense.weight", "intermediate.dense.bias",
                    "output.dense.weight", "output.dense.bias",
                    "output.LayerNorm.weight", "output.LayerNorm.bias")) {
                keys.add("bert.encoder.layer." + layer + "." + suffix);
            }
        }
        keys.addAll(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight",
                "classifier.bias"));
        return List.copyOf(keys);
    }

    @TempDir
    Path dir;

    private ModelFolder base;
    private Overlay overlay;

    @BeforeEach
    void open() throws IOException {
        OverlayFixtures.useCache(Files.createDirectories(dir.resolve("cache")));
        base = Models.open(OverlayFixtures.tinyBase());
        overlay = Overlay.open(OverlayFixtures.numpyOverlay());
    }

    @AfterEach
    void close() {
        overlay.close();
        base.close();
    }

    @AfterAll
    static void restoreTheCache() {
        OverlayFixtures.forgetCache();
    }

    @Test
    void theExportHoldsExactlyTheTensorsOfBertForSequenceClassification() {
        Path out = dir.resolve("exported");
        HuggingFaceExport.Result r = HuggingFaceExport.export(base, overlay, out, Progress.NONE);
        assertEquals(out, r.folder());
        assertEquals(BERT_FOR_SEQUENCE_CLASSIFICATION_KEYS, r.tensors());
        assertEquals(BERT_FOR_SEQUENCE_CLASSIFICATION_KEYS, HuggingFaceExport.expectedNames(2));
        assertEquals(List.of("bert.embeddings.position_ids", "cls.predictions.bias"), r.dropped());
        try (Checkpoint c = SafetensorsReader.open(out.resolve("model.safetensors"))) {
            assertEquals(new HashSet<>(BERT_FOR_SEQUENCE_CLASSIFICATION_KEYS), new HashSet<>(c.tensorNames()));
            assertEquals("pt", c.metadata().get("format"), "transformers refuses safetensors without format=pt");
            assertArrayEquals(new long[] {3, 32}, c.tensor("classifier.weight").shape());
            assertArrayEquals(new long[] {100, 32}, c.tensor("bert.embeddings.word_embeddings.weight").shape());
        }
    }

    @Test
    void theExportedValuesAreBaseOverlay() {
        Path out = dir.resolve("exported");
        HuggingFaceExport.export(base, overlay, out, Progress.NONE);
        try (Checkpoint c = SafetensorsReader.open(out.resolve("model.safetensors"));
                Checkpoint expected = SafetensorsReader.open(OverlayFixtures.numpyCombined())) {
            for (String name : c.tensorNames()) {
                Tensor source = expected.contains(name) ? expected.tensor(name) : base.weights().tensor(name);
                assertArrayEquals(OverlayFixtures.bytes(source), OverlayFixtures.bytes(c.tensor(name)), name);
            }
        }
    }

    @Test
    void theConfigIsTheBasesWithTheArchitectureAndTheLabels() throws IOException {
        Path out = dir.resolve("exported");
        HuggingFaceExport.export(base, overlay, out, Progress.NONE);
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(out.resolve("config.json").toFile());
        JsonNode baseConfig = json.readTree(OverlayFixtures.tinyBase().resolve("config.json").toFile());
        for (String key : List.of("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "vocab_size", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "hidden_act",
                "model_type", "pad_token_id", "torch_dtype")) {
            assertEquals(baseConfig.get(key), config.get(key), key);
        }
        assertEquals("[\"BertForSequenceClassification\"]", config.get("architectures").toString());
        assertEquals("{\"0\":\"negative\",\"1\":\"neutral\",\"2\":\"positive\"}", config.get("id2label").toString());
        assertEquals("{\"negative\":0,\"neutral\":1,\"positive\":2}", config.get("label2id").toString());
        assertEquals(3, config.get("num_labels").asInt());
        assertEquals("single_label_classification", config.get("problem_type").asText());
        assertArrayEquals(Files.readAllBytes(OverlayFixtures.tinyBase().resolve("vocab.txt")),
                Files.readAllBytes(out.resolve("vocab.txt")));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(Set.of("model.safetensors", "config.json", "vocab.txt"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void aSingleLabelMakesARegressionHead() throws IOException {
        Path file = dir.resolve("regression.safetensors");
        OverlayWriter.forBase(base, "")
                .head("classifier.weight", new long[] {1, 32}, new float[32])
                .head("classifier.bias", new long[] {1}, new float[] {0.5f})
                .labels(List.of("similarity"))
                .write(file);
        try (Overlay o = Overlay.open(file)) {
            Path out = dir.resolve("sts");
            HuggingFaceExport.export(base, o, out, Progress.NONE);
            JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
            assertEquals("regression", config.get("problem_type").asText());
            assertEquals(1, config.get("num_labels").asInt());
            assertEquals("{\"0\":\"similarity\"}", config.get("id2label").toString());
        }
    }

    @Test
    void unprefixedAndGammaBetaNamesBecomeTheNamesTransformersExpects() {
        assertEquals("bert.encoder.layer.3.output.LayerNorm.weight",
                HuggingFaceExport.exportName("encoder.layer.3.output.LayerNorm.gamma").orElseThrow());
        assertEquals("bert.embeddings.LayerNorm.bias",
                HuggingFaceExport.exportName("bert.embeddings.LayerNorm.beta").orElseThrow());
        assertEquals("bert.pooler.dense.weight", HuggingFaceExport.exportName("pooler.dense.weight").orElseThrow());
        assertEquals("classifier.bias", HuggingFaceExport.exportName("classifier.bias").orElseThrow());
        assertTrue(HuggingFaceExport.exportName("cls.predictions.transform.dense.weight").isEmpty());
        assertTrue(HuggingFaceExport.exportName("cls.seq_relationship.weight").isEmpty());
        assertTrue(HuggingFaceExport.exportName("roberta.encoder.layer.0.attention.self.query.weight").isEmpty());
        assertTrue(HuggingFaceExport.exportName("embeddings.position_ids").isEmpty());
    }

    @Test
    void anOutFolderInsideTheBaseIsRefused() {
        Path copy = OverlayFixtures.copyFolder(OverlayFixtures.tinyBase(), dir.resolve("base"));
        try (ModelFolder b = Models.open(copy)) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> HuggingFaceExport.export(b, overlay, copy.resolve("export"), Progress.NONE));
            assertTrue(e.getMessage().contains("inside the model folder"), e.getMessage());
            assertFalse(Files.exists(copy.resolve("export")));
        }
    }

    @Test
    void aNonEmptyOrFileOutIsRefusedAndAnEmptyFolderIsFilled() throws IOException {
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("notes.txt"), "mine");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> HuggingFaceExport.export(base, overlay, busy, Progress.NONE));
        assertEquals(busy + ": exists and is not empty; choose a new or empty folder", e.getMessage());
        assertEquals("mine", Files.readString(busy.resolve("notes.txt")));
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThrows(CheckpointException.class, () -> HuggingFaceExport.export(base, overlay, file, Progress.NONE));
        Path copy = Files.copy(OverlayFixtures.numpyOverlay(), dir.resolve("task.safetensors"));
        try (Overlay o = Overlay.open(copy)) {
            assertThrows(CheckpointException.class, () -> HuggingFaceExport.export(base, o, copy, Progress.NONE));
        }
        Path empty = Files.createDirectories(dir.resolve("empty"));
        HuggingFaceExport.export(base, overlay, empty, Progress.NONE);
        assertTrue(Files.isRegularFile(empty.resolve("model.safetensors")));
    }

    @Test
    void aCancelledExportLeavesNothingBehind() throws IOException {
        Progress cancelled = new Progress() {
            @Override
            public void update(long done, long total, String what) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        Path out = dir.resolve("cancelled");
        assertThrows(CancellationException.class, () -> HuggingFaceExport.export(base, overlay, out, cancelled));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("cache"), Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void anOverlayOnAnotherBaseIsNotExported() {
        try (ModelFolder tuned = Models.open(OverlayFixtures.tinyTuned())) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> HuggingFaceExport.export(tuned, overlay, dir.resolve("x"), Progress.NONE));
            assertTrue(e.getMessage().contains("made for base 'base'"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("x")));
        }
    }

    @Test
    void numpyAgreesWithTheExportedTensorsNamesAndShapes() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python) && runs(python, "-c", "import numpy"),
                "/usr/bin/python3 with numpy is not available; the independent check of the export is skipped");
        Path out = dir.resolve("exported");
        HuggingFaceExport.export(base, overlay, out, Progress.NONE);
        Path script = Path.of("src/test/python/checkpoint/check_export.py");
        Process p = new ProcessBuilder(python.toString(), script.toString(), out.toString(),
                OverlayFixtures.tinyBase().resolve("model.safetensors").toString(),
                OverlayFixtures.numpyOverlay().toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        JsonNode result = new ObjectMapper().readTree(output);
        assertEquals("pt", result.get("format").asText());
        assertEquals(new HashSet<>(BERT_FOR_SEQUENCE_CLASSIFICATION_KEYS),
                Set.copyOf(toList(result.get("shapes").fieldNames())));
        assertEquals("[3,32]", result.get("shapes").get("classifier.weight").toString());
        assertEquals("[64,32]", result.get("shapes").get(OverlayFixtures.MASKED_FFN).toString());
        assertEquals("[32,64]", result.get("shapes").get("bert.encoder.layer.0.output.dense.weight").toString());
        for (String name : BERT_FOR_SEQUENCE_CLASSIFICATION_KEYS) {
            assertTrue(result.get("equal").get(name).asBoolean(), name + " differs from base ⊕ overlay in numpy");
            assertEquals("F32", result.get("dtypes").get(name).asText(), name);
        }
    }

    private static boolean runs(Path python, String... args) {
        try {
            List<String> command = new ArrayList<>();
            command.add(python.toString());
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static <T> List<T> toList(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
