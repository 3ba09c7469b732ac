package dev.finescope.checkpoint.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImporterTest {

    /** Float32 values go through unchanged, so the comparison is exact. */
    private static final double EXACT = 0.0;

    @TempDir
    Path tmp;

    @Test
    void everyAnonymousMatMulWeightIsNamedByTheBiasItsOutputMeets() {
        JsonNode ref = ImportFixtures.reference();
        try (ImportedModel m = OnnxImporter.readFile(ImportFixtures.file("tiny-bert.onnx"), Progress.NONE)) {
            Iterator<Map.Entry<String, JsonNode>> it = ref.get("onnx_matmul_names").fields();
            int n = 0;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                ImportedTensor t = m.tensor(e.getKey()).orElseThrow();
                assertEquals(e.getValue().asText(), t.sourceName(), e.getKey());
                assertTrue(t.isTransposed(), e.getKey() + " is stored [in, out] and must be transposed");
                n++;
            }
            assertEquals(12, n, "2 layers × 6 matrices");
        }
    }

    @Test
    void tinyExportImportsBitForBitUnderHuggingFaceNames() {
        JsonNode ref = ImportFixtures.reference().get("onnx");
        try (ImportedModel m = OnnxImporter.readFile(ImportFixtures.file("tiny-bert.onnx"), Progress.NONE)) {
            assertSameTensors(ref, m);
            for (ImportedTensor t : m.tensors()) {
                assertEquals(DType.F32, t.dtype(), t.name());
            }
        }
    }

    @Test
    void quantisedExportIsDequantisedWithItsScalesAndZeroPoints() {
        JsonNode ref = ImportFixtures.reference().get("onnx_q");
        try (ImportedModel m = OnnxImporter.readFile(ImportFixtures.file("tiny-bert-q.onnx"), Progress.NONE)) {
            assertSameTensors(ref, m);
            ImportedTensor q = m.tensor("encoder.layer.1.attention.self.query.weight").orElseThrow();
            assertEquals(DType.I8, q.sourceType());
            assertEquals(32, q.quantization().scale().length, "one scale per output column");
            assertEquals(1, q.quantization().axis());
            ImportedTensor word = m.tensor("embeddings.word_embeddings.weight").orElseThrow();
            assertEquals(DType.U8, word.sourceType());
            assertTrue(word.quantization().perTensor());
            assertEquals("dequantised from int8/uint8 to float32 with scale and zero point: 12 per-channel,"
                    + " 3 per-tensor", m.metadata().get(Importers.META_DEQUANTISED));
        }
    }

    @Test
    void configurationIsInferredFromShapesAndGraph() {
        JsonNode c = ImportFixtures.reference().get("config");
        for (String f : new String[] {"tiny-bert.onnx", "tiny-bert-q.onnx"}) {
            try (ImportedModel m = OnnxImporter.readFile(ImportFixtures.file(f), Progress.NONE)) {
                Map<String, Object> cfg = m.config();
                for (String k : new String[] {"num_hidden_layers", "hidden_size", "num_attention_heads",
                        "intermediate_size", "vocab_size", "max_position_embeddings", "type_vocab_size"}) {
                    assertEquals(c.get(k).asInt(), ((Number) cfg.get(k)).intValue(), f + " " + k);
                }
                assertEquals(c.get("layer_norm_eps").asDouble(), (Double) cfg.get("layer_norm_eps"), EXACT, f);
                assertEquals("gelu", cfg.get("hidden_act"));
                assertEquals(java.util.List.of("BertModel"), cfg.get("architectures"));
                assertTrue(m.modelConfig().inferred());
                assertEquals("inferred", m.metadata().get(Importers.META_CONFIG_FROM));
                assertEquals("pt", m.metadata().get("format"), "transformers refuses safetensors without it");
            }
        }
    }

    @Test
    void vocabTxtIsDerivedFromTheTokenizerBesideTheModel() throws IOException {
        try (ImportedModel m = OnnxImporter.readFile(ImportFixtures.file("tiny-bert.onnx"), Progress.NONE)) {
            byte[] expected = Files.readAllBytes(ImportFixtures.file("tf/vocab.txt"));
            assertArrayEquals(expected, m.vocabTxt().orElseThrow());
            assertArrayEquals(Files.readAllBytes(ImportFixtures.file("tiny-bert-tokenizer.json")),
                    m.tokenizerJson().orElseThrow());
        }
    }

    @Test
    void jarEntriesAreReadStoredOrDeflatedAlike() throws IOException {
        JsonNode ref = ImportFixtures.reference().get("onnx");
        for (int method : new int[] {ZipEntry.STORED, ZipEntry.DEFLATED}) {
            Path jar = tmp.resolve("model-" + method + ".jar");
            writeJar(jar, method, Map.of(
                    "README", "a model".getBytes(StandardCharsets.UTF_8),
                    "tiny.onnx", Files.readAllBytes(ImportFixtures.file("tiny-bert.onnx")),
                    "tiny-tokenizer.json", Files.readAllBytes(ImportFixtures.file("tiny-bert-tokenizer.json"))));
            assertEquals(SourceKind.ONNX_JAR, Importers.detect(jar));
            try (ImportedModel m = OnnxImporter.readJar(jar, Progress.NONE)) {
                assertSameTensors(ref, m);
                assertTrue(m.tokenizerJson().isPresent());
                assertEquals(96, Vocabularies.lineCount(m.vocabTxt().orElseThrow()));
                assertEquals("model-" + method + ".jar!/tiny.onnx", m.metadata().get(Importers.META_SOURCE));
            }
        }
    }

    @Test
    void aJarWithTwoModelsIsRefusedByName() throws IOException {
        Path jar = tmp.resolve("two.jar");
        byte[] onnx = Files.readAllBytes(ImportFixtures.file("tiny-bert.onnx"));
        writeJar(jar, ZipEntry.DEFLATED, Map.of("a.onnx", onnx, "b.onnx", onnx));
        CheckpointException e = assertThrows(CheckpointException.class, () -> OnnxImporter.readJar(jar,
                Progress.NONE));
        assertTrue(e.getMessage().contains("several ONNX models"), e.getMessage());
        assertEquals(jar, e.file());
    }

    // ---- hand-built graphs: what other exporters do

    @Test
    void layerNormalizationNodesGiveTheirEpsilon() {
        byte[] model = MiniBert.builder().layerNormalization(1e-5f).build();
        try (ImportedModel m = OnnxImporter.read(model, Path.of("ln.onnx"))) {
            assertEquals(1e-5, (Double) m.config().get("layer_norm_eps"), EXACT);
            assertEquals(2, m.config().get("num_attention_heads"));
        }
    }

    @Test
    void gemmWithTransBKeepsItsOutInLayout() {
        byte[] model = MiniBert.builder().gemm().build();
        try (ImportedModel m = OnnxImporter.read(model, Path.of("gemm.onnx"))) {
            ImportedTensor q = m.tensor("encoder.layer.0.attention.self.query.weight").orElseThrow();
            assertFalse(q.isTransposed());
            assertArrayEquals(MiniBert.matrix(0, 4, 4), q.toFloatArray(), 0f);
        }
    }

    @Test
    void matMulWeightsAreTransposedFromInOutToOutIn() {
        byte[] model = MiniBert.builder().build();
        try (ImportedModel m = OnnxImporter.read(model, Path.of("mini.onnx"))) {
            ImportedTensor ffnIn = m.tensor("encoder.layer.0.intermediate.dense.weight").orElseThrow();
            assertArrayEquals(new long[] {8, 4}, ffnIn.shape());
            float[] stored = MiniBert.matrix(4, 4, 8); // [in 4, out 8] as the graph holds it
            float[] got = ffnIn.toFloatArray();
            for (int o = 0; o < 8; o++) {
                for (int i = 0; i < 4; i++) {
                    assertEquals(stored[i * 8 + o], got[o * 4 + i], 0f, "[" + o + ", " + i + "]");
                }
            }
            // a range that starts and ends inside rows reads the same elements
            float[] part = new float[13];
            ffnIn.readFloats(6, part, 0, 13);
            for (int k = 0; k < 13; k++) {
                assertEquals(got[6 + k], part[k], 0f);
            }
        }
    }

    @Test
    void qdqWeightsAreDequantisedPerChannelAlongTheirAxis() {
        byte[] model = MiniBert.builder().qdq().build();
        try (ImportedModel m = OnnxImporter.read(model, Path.of("qdq.onnx"))) {
            ImportedTensor v = m.tensor("encoder.layer.0.attention.self.value.weight").orElseThrow();
            assertEquals(DType.I8, v.sourceType());
            float[] got = v.toFloatArray(); // [out 4, in 4] from int8 [in 4, out 4], scale per out column
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 4; i++) {
                    float expected = ((float) MiniBert.int8(i * 4 + o) - (float) (o - 1)) * (0.5f * (o + 1));
                    assertEquals(expected, got[o * 4 + i], 0f);
                }
            }
        }
    }

    @Test
    void aZeroPointOfAnUnreadableTypeIsRefused() {
        byte[] model = MiniBert.builder().qdq().zeroPointType(39).build();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(model, Path.of("zp.onnx")));
        assertEquals("zp.onnx: ONNX: zero point 'onnx::MatMul_2_z' of 'onnx::MatMul_2_q' has 4 type 39 values for 4"
                + " scales", e.getMessage());
    }

    @Test
    void fp16AndTypedFieldsAreRead() {
        byte[] fp16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort(DType.floatToHalf(1.5f))
                .putShort(DType.floatToHalf(-2f)).putShort(DType.floatToHalf(0.25f)).putShort((short) 0).array();
        byte[] model = OnnxBytes.model(g -> g
                .message(5, OnnxBytes.raw("a.bias", new long[] {4}, OnnxModel.FLOAT16, fp16))
                .message(5, t -> t.varint(1, 2).varint(2, OnnxModel.FLOAT).string(8, "b.bias")
                        .fixed32(4, Float.floatToIntBits(3f)).fixed32(4, Float.floatToIntBits(-1f)))
                .message(5, t -> t.varint(1, 3).varint(2, OnnxModel.INT8).string(8, "c")
                        .bytes(5, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 5, 0x7f})));
        OnnxModel m = OnnxReader.read(ByteBuffer.wrap(model), Path.of("typed.onnx"), Progress.NONE);
        assertEquals(1.5, m.initializers().get(0).get(0), 0);
        assertEquals(0.25, m.initializers().get(0).get(2), 0);
        assertEquals(-1.0, m.initializers().get(1).get(1), 0);
        assertEquals(-1.0, m.initializers().get(2).get(0), 0, "packed int32_data holds int8 values");
        assertEquals(5.0, m.initializers().get(2).get(1), 0);
        assertEquals(127.0, m.initializers().get(2).get(2), 0);
    }

    // ---- malformed models: one clear line naming the file

    @Test
    void externalDataIsRefusedClearly() {
        byte[] model = OnnxBytes.model(g -> g.message(5, t -> t.varint(1, 4).varint(2, OnnxModel.FLOAT)
                .string(8, "w").message(13, e -> e.string(1, "location").string(2, "w.bin")).varint(14, 1)));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(model, Path.of("ext.onnx")));
        assertEquals("ext.onnx: ONNX: initializer 'w' keeps its data in an external file: external data is not"
                + " supported (save the model with its weights inside the .onnx)", e.getMessage());
    }

    @Test
    void aLengthPastTheEndIsReportedWithItsPosition() {
        byte[] model = OnnxBytes.model(g -> g.message(5, OnnxBytes.floats("w.bias", new long[] {2}, 1f, 2f)));
        byte[] cut = java.util.Arrays.copyOf(model, model.length - 3);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(cut, Path.of("cut.onnx")));
        assertTrue(e.getMessage().startsWith("cut.onnx: ONNX: graph claims "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void aTruncatedVarintIsReported() {
        byte[] model = {0x08, (byte) 0x80, (byte) 0x80};
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(model, Path.of("v.onnx")));
        assertTrue(e.getMessage().startsWith("v.onnx: ONNX: truncated"), e.getMessage());
    }

    @Test
    void aWrongWireTypeIsReported() {
        byte[] model = OnnxBytes.message(m -> m.varint(7, 3));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(model, Path.of("w.onnx")));
        assertEquals("w.onnx: ONNX: field graph (7) has wire type 0, expected 2, at byte 1", e.getMessage());
    }

    @Test
    void dataOfTheWrongSizeIsReported() {
        byte[] model = OnnxBytes.model(g -> g.message(5, OnnxBytes.floats("w.bias", new long[] {3}, 1f, 2f)));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(model, Path.of("s.onnx")));
        assertEquals("s.onnx: ONNX: initializer 'w.bias' of shape [3] and type FLOAT needs 12 bytes of data but"
                + " has 8", e.getMessage());
    }

    @Test
    void aMatMulWithoutNamedBiasCannotBeNamed() {
        byte[] model = MiniBert.builder().dropBias("encoder.layer.0.output.dense.bias").build();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(model, Path.of("nb.onnx")));
        assertTrue(e.getMessage().startsWith("nb.onnx: ONNX: cannot name the weight 'onnx::MatMul_5' [8, 4]"),
                e.getMessage());
    }

    @Test
    void namesInMessagesStayOnOneLineAndShort() {
        String name = "w\n" + "x".repeat(500);
        byte[] model = OnnxBytes.model(g -> g.message(5, OnnxBytes.floats(name, new long[] {3}, 1f, 2f)));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read(model, Path.of("n.onnx")));
        assertEquals("n.onnx: ONNX: initializer 'w\\u000a" + "x".repeat(ImportProblems.MAX_NAME - 7) + "…' of shape [3]"
                + " and type FLOAT needs 12 bytes of data but has 8", e.getMessage());
    }

    @Test
    void aModelWithoutGraphIsNotOnnx() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.read("not a model".getBytes(StandardCharsets.UTF_8), Path.of("t.onnx")));
        assertTrue(e.getMessage().startsWith("t.onnx: ONNX: "), e.getMessage());
    }

    static void assertSameTensors(JsonNode ref, ImportedModel m) {
        TreeSet<String> expected = new TreeSet<>();
        ref.fieldNames().forEachRemaining(expected::add);
        TreeSet<String> got = new TreeSet<>();
        m.tensors().forEach(t -> got.add(t.name()));
        assertEquals(expected, got);
        for (ImportedTensor t : m.tensors()) {
            JsonNode r = ref.get(t.name());
            assertArrayEquals(ImportFixtures.shape(r.get("shape")), t.shape(), t.name());
            float[] first = new float[r.get("first").size()];
            t.readFloats(0, first, 0, first.length);
            for (int i = 0; i < first.length; i++) {
                assertEquals((float) r.get("first").get(i).asDouble(), first[i], 0f, t.name() + "[" + i + "]");
            }
            assertEquals(r.get("sha256").asText(), ImportFixtures.sha256(t), t.name());
        }
    }

    static void writeJar(Path jar, int method, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                z.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setSize(e.getValue().length);
                    z.setCompressedSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    /**
     * A one-layer BERT graph (hidden 4, 2 heads, FFN 8, vocab 6) written by hand, in the styles of other exporters:
     * plain MatMul, Gemm with transB, QDQ int8, fused LayerNormalization.
     */
    static final class MiniBert {
        private boolean gemm;
        private boolean qdq;
        private Float layerNorm;
        private String droppedBias;
        private int zeroPointType = OnnxModel.INT8;

        static MiniBert builder() {
            return new MiniBert();
        }

        MiniBert gemm() {
            gemm = true;
            return this;
        }

        MiniBert qdq() {
            qdq = true;
            return this;
        }

        MiniBert layerNormalization(float eps) {
            layerNorm = eps;
            return this;
        }

        MiniBert zeroPointType(int dataType) {
            zeroPointType = dataType;
            return this;
        }

        MiniBert dropBias(String name) {
            droppedBias = name;
            return this;
        }

        static float[] matrix(int seed, int rows, int cols) {
            float[] f = new float[rows * cols];
            for (int i = 0; i < f.length; i++) {
                f[i] = (seed * 100 + i) / 64f;
            }
            return f;
        }

        static byte int8(int i) {
            return (byte) (i * 7 - 50);
        }

        byte[] build() {
            String p = "encoder.layer.0.";
            String[] names = {"attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "intermediate.dense", "output.dense"};
            int[][] dims = {{4, 4}, {4, 4}, {4, 4}, {4, 4}, {4, 8}, {8, 4}};
            return OnnxBytes.model(g -> {
                g.message(5, OnnxBytes.floats("embeddings.word_embeddings.weight", new long[] {6, 4},
                        OnnxBytes.range(24, 0.1f)));
                for (String ln : new String[] {"embeddings.LayerNorm", p + "attention.output.LayerNorm",
                    p + "output.LayerNorm"}) {
                    g.message(5, OnnxBytes.floats(ln + ".weight", new long[] {4}, 1f, 1f, 1f, 1f));
                    g.message(5, OnnxBytes.floats(ln + ".bias", new long[] {4}, 0f, 0f, 0f, 0f));
                    if (layerNorm != null) {
                        float eps = layerNorm;
                        g.message(1, OnnxBytes.node("LayerNormalization", ln, new String[] {"x", ln + ".weight",
                            ln + ".bias"}, new String[] {ln + "_out"}, n -> n.message(5, a -> a.string(1, "epsilon")
                                .fixed32(2, Float.floatToIntBits(eps)).varint(20, 1))));
                    }
                }
                g.message(5, OnnxBytes.raw("shape_heads", new long[] {4}, OnnxModel.INT64,
                        ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(0).putLong(2)
                                .putLong(2).array()));
                g.message(1, OnnxBytes.node("Reshape", "reshape", new String[] {"q_out", "shape_heads"},
                        new String[] {"q_heads"}, null));
                for (int k = 0; k < names.length; k++) {
                    String w = "onnx::MatMul_" + k;
                    String bias = p + names[k] + ".bias";
                    int in = dims[k][0];
                    int out = dims[k][1];
                    if (!bias.equals(droppedBias)) {
                        g.message(5, OnnxBytes.floats(bias, new long[] {out}, OnnxBytes.range(out, 0.01f)));
                    }
                    if (gemm && k == 0) {
                        g.message(5, OnnxBytes.floats(w, new long[] {out, in}, matrix(k, out, in)));
                        g.message(1, OnnxBytes.node("Gemm", "gemm" + k, new String[] {"x", w, bias},
                                new String[] {"y" + k}, n -> n.message(5, a -> a.string(1, "transB").varint(3, 1)
                                        .varint(20, 2))));
                        continue;
                    }
                    String weightValue = w;
                    if (qdq && k == 2) {
                        byte[] q = new byte[in * out];
                        for (int i = 0; i < q.length; i++) {
                            q[i] = int8(i);
                        }
                        ByteBuffer scale = ByteBuffer.allocate(4 * out).order(ByteOrder.LITTLE_ENDIAN);
                        byte[] zp = new byte[out];
                        for (int o = 0; o < out; o++) {
                            scale.putFloat(0.5f * (o + 1));
                            zp[o] = (byte) (o - 1);
                        }
                        g.message(5, OnnxBytes.raw(w + "_q", new long[] {in, out}, OnnxModel.INT8, q));
                        g.message(5, OnnxBytes.raw(w + "_s", new long[] {out}, OnnxModel.FLOAT, scale.array()));
                        g.message(5, OnnxBytes.raw(w + "_z", new long[] {out}, zeroPointType,
                                zeroPointType == OnnxModel.INT8 ? zp : new byte[0]));
                        g.message(1, OnnxBytes.node("DequantizeLinear", "dq" + k, new String[] {w + "_q", w + "_s",
                            w + "_z"}, new String[] {"w" + k}, n -> n.message(5, a -> a.string(1, "axis")
                                .varint(3, 1).varint(20, 2))));
                        weightValue = "w" + k;
                    } else {
                        g.message(5, OnnxBytes.floats(w, new long[] {in, out}, matrix(k, in, out)));
                    }
                    g.message(1, OnnxBytes.node("MatMul", "mm" + k, new String[] {"x", weightValue},
                            new String[] {"mm_out" + k}, null));
                    g.message(1, OnnxBytes.node("Add", "add" + k, new String[] {bias, "mm_out" + k},
                            new String[] {k == 0 ? "q_out" : "y" + k}, null));
                }
            });
        }
    }
}
