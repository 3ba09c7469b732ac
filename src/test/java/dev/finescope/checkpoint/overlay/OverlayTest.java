package dev.finescope.checkpoint.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.SafetensorsReader;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayTest {

    private static final String FFN_IN_1 = "bert.encoder.layer.1.intermediate.dense.weight";
    private static final String ATTN_OUT_0 = "bert.encoder.layer.0.attention.output.dense.weight";
    private static final String CLASSIFIER_WEIGHT = "classifier.weight";
    private static final String CLASSIFIER_BIAS = "classifier.bias";

    @TempDir
    Path dir;

    private ModelFolder base;

    @BeforeEach
    void openTheBase() throws IOException {
        OverlayFixtures.useCache(Files.createDirectories(dir.resolve("cache")));
        base = Models.open(OverlayFixtures.tinyBase());
    }

    @AfterEach
    void closeTheBase() {
        base.close();
    }

    @AfterAll
    static void restoreTheCache() {
        OverlayFixtures.forgetCache();
    }

    // ------------------------------------------------------------------------------------------------ round trip

    /** What a test writes and expects to read back. */
    private record Written(Path file, float[] replaced, BitMask ffnMask, BitMask biasMask, float[] headWeight,
            float[] headBias) {
    }

    private Written writeOverlay(Path file) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Random random = new Random(42);
        float[] replaced = base.weights().tensor(OverlayFixtures.REPLACED).toFloatArray();
        for (int i = 0; i < replaced.length; i++) {
            replaced[i] += (float) (random.nextGaussian() * 0.01);
        }
        boolean[] kept = new boolean[64 * 32];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = random.nextDouble() >= 0.2;
        }
        byte[] biasKept = new byte[32];
        for (int i = 0; i < biasKept.length; i++) {
            biasKept[i] = (byte) (i % 3 == 0 ? 0 : 1);
        }
        float[] headWeight = new float[3 * 32];
        for (int i = 0; i < headWeight.length; i++) {
            headWeight[i] = (float) (random.nextGaussian() * 0.02);
        }
        float[] headBias = {0.5f, -0.25f, 0.125f};
        try (ModelFolder tuned = Models.open(OverlayFixtures.tinyTuned())) {
            OverlayWriter.forBase(base, OverlayWriter.relativeHint(file, base.path()))
                    .replace(OverlayFixtures.REPLACED, new long[] {32, 32}, replaced)
                    .replace(tuned.weights().tensor(ATTN_OUT_0))
                    .mask(FFN_IN_1, new long[] {64, 32}, kept)
                    .mask(OverlayFixtures.MASKED_POOLER_BIAS, new long[] {32}, biasKept)
                    .head(CLASSIFIER_WEIGHT, new long[] {3, 32}, headWeight)
                    .head(CLASSIFIER_BIAS, new long[] {3}, headBias)
                    .labels(List.of("negative", "neutral", "positive"))
                    .plan("{\"default\":\"FREEZE\",\"cells\":{\"1/Q\":\"FINE_TUNE\"}}")
                    .metrics("{\"accuracy\":0.875}")
                    .provenance(Map.of(Overlay.PROVENANCE_DATA_HASH, "sha256:abcd", Overlay.PROVENANCE_SEED, "42",
                            Overlay.PROVENANCE_FINESCOPE_VERSION, "0.1.0", Overlay.PROVENANCE_DJL_VERSION, "0.36.0"))
                    .write(file);
        }
        return new Written(file, replaced, BitMask.pack(new long[] {64, 32}, kept),
                BitMask.pack(new long[] {32}, biasKept), headWeight, headBias);
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + "[" + i + "]");
        }
    }

    @Test
    void anOverlayReadsBackExactlyAsItWasWritten() {
        Written w = writeOverlay(dir.resolve("task.safetensors"));
        try (Overlay o = Overlay.open(w.file); ModelFolder tuned = Models.open(OverlayFixtures.tinyTuned())) {
            assertEquals(OverlayFixtures.expected().get("base_fingerprint_v2").asText(), o.baseFingerprint());
            assertEquals("base", o.baseLabel());
            assertEquals(OverlayWriter.relativeHint(w.file, base.path()), o.baseHint());
            assertEquals(List.of(OverlayFixtures.REPLACED, ATTN_OUT_0), o.replacedNames());
            assertEquals(List.of(FFN_IN_1, OverlayFixtures.MASKED_POOLER_BIAS), o.maskedNames());
            assertEquals(List.of(CLASSIFIER_WEIGHT, CLASSIFIER_BIAS), o.headNames());

            assertBitsEqual(w.replaced, o.tensor(OverlayFixtures.REPLACED).toFloatArray(), "replaced");
            assertBitsEqual(tuned.weights().tensor(ATTN_OUT_0).toFloatArray(), o.tensor(ATTN_OUT_0).toFloatArray(),
                    "streamed");
            assertEquals(DType.F32, o.tensor(ATTN_OUT_0).dtype());
            assertBitsEqual(w.headWeight, o.tensor(CLASSIFIER_WEIGHT).toFloatArray(), "head weight");
            assertBitsEqual(w.headBias, o.tensor(CLASSIFIER_BIAS).toFloatArray(), "head bias");

            assertEquals(w.ffnMask, o.mask(FFN_IN_1));
            assertArrayEquals(w.ffnMask.packed(), o.mask(FFN_IN_1).packed());
            assertArrayEquals(new long[] {64, 32}, o.mask(FFN_IN_1).shape());
            assertEquals(w.biasMask, o.mask(OverlayFixtures.MASKED_POOLER_BIAS));
            Overlay.MaskInfo info = o.maskInfo(OverlayFixtures.MASKED_POOLER_BIAS);
            assertEquals(21, info.kept());
            assertEquals(11, info.zeroed());
            assertEquals(w.ffnMask.keptCount(), o.maskInfo(FFN_IN_1).kept());

            assertEquals(List.of("negative", "neutral", "positive"), o.labels());
            assertEquals("{\"default\":\"FREEZE\",\"cells\":{\"1/Q\":\"FINE_TUNE\"}}", o.planJson());
            assertEquals("{\"accuracy\":0.875}", o.metricsJson());
            assertEquals(Map.of("data_hash", "sha256:abcd", "seed", "42", "finescope_version", "0.1.0",
                    "djl_version", "0.36.0"), o.provenance());
            assertEquals(Overlay.FORMAT, o.metadata().get(Overlay.FORMAT_KEY));
            // 2 replaced matrices of 32x32 F32, 2048 + 32 mask bits, head 3x32 + 3 F32
            assertEquals(2 * 32 * 32 * 4 + 256 + 4 + (96 + 3) * 4, o.dataBytes());
        }
    }

    @Test
    void theMaskMetadataSaysShapeCountsAndBitOrder() throws IOException {
        Written w = writeOverlay(dir.resolve("task.safetensors"));
        try (Checkpoint raw = SafetensorsReader.open(w.file)) {
            JsonNode masks = Overlay.JSON.readTree(raw.metadata().get(Overlay.MASKS_KEY));
            JsonNode bias = masks.get(OverlayFixtures.MASKED_POOLER_BIAS);
            assertEquals("{\"shape\":[32],\"kept\":21,\"zeroed\":11,\"bit_order\":\"lsb0-kept\"}", bias.toString());
            Tensor bits = raw.tensor(Overlay.MASK_PREFIX + OverlayFixtures.MASKED_POOLER_BIAS);
            assertEquals(DType.U8, bits.dtype());
            assertArrayEquals(new long[] {4}, bits.shape());
            // entries 0, 3, 6 … zeroed: bits 0, 3, 6 of byte 0 are clear, so 0b1011_0110
            assertEquals((byte) 0b1011_0110, bits.bytes(0, 1).get(0));
            assertEquals("[\"classifier.weight\",\"classifier.bias\"]", raw.metadata().get(Overlay.HEAD_KEY));
            assertEquals("pt", raw.metadata().get("format"));
        }
    }

    // ------------------------------------------------------------------------------------------------ base ⊕ overlay

    @Test
    void baseOverlayIsTheBaseExceptReplacedMaskedAndHeadTensors() {
        Written w = writeOverlay(dir.resolve("task.safetensors"));
        try (Overlay o = Overlay.open(w.file); ModelFolder tuned = Models.open(OverlayFixtures.tinyTuned())) {
            Checkpoint c = o.apply(base);
            Checkpoint b = base.weights();
            assertEquals(b.tensorNames(), c.tensorNames(), "base order; the head replaces the base's classifier");
            for (String name : c.tensorNames()) {
                Tensor t = c.tensor(name);
                switch (name) {
                    case OverlayFixtures.REPLACED -> assertBitsEqual(w.replaced, t.toFloatArray(), name);
                    case ATTN_OUT_0 -> assertBitsEqual(tuned.weights().tensor(name).toFloatArray(), t.toFloatArray(),
                            name);
                    case CLASSIFIER_WEIGHT -> {
                        assertArrayEquals(new long[] {3, 32}, t.shape());
                        assertBitsEqual(w.headWeight, t.toFloatArray(), name);
                    }
                    case CLASSIFIER_BIAS -> assertBitsEqual(w.headBias, t.toFloatArray(), name);
                    case FFN_IN_1 -> assertMasked(b.tensor(name), w.ffnMask, t);
                    case OverlayFixtures.MASKED_POOLER_BIAS -> assertMasked(b.tensor(name), w.biasMask, t);
                    default -> {
                        assertEquals(b.tensor(name).dtype(), t.dtype(), name);
                        assertArrayEquals(OverlayFixtures.bytes(b.tensor(name)), OverlayFixtures.bytes(t), name);
                    }
                }
            }
            assertEquals(w.file, c.source());
            assertEquals(Overlay.FORMAT, c.metadata().get(Overlay.FORMAT_KEY));
            CheckpointException e = assertThrows(CheckpointException.class, () -> c.tensor("nope"));
            assertEquals("base ⊕ overlay has no tensor 'nope'", e.problem());
        }
    }

    private static void assertMasked(Tensor base, BitMask mask, Tensor masked) {
        float[] b = base.toFloatArray();
        float[] m = masked.toFloatArray();
        int zeros = 0;
        for (int i = 0; i < b.length; i++) {
            if (mask.isKept(i)) {
                assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(m[i]), base.name() + "[" + i + "]");
            } else {
                assertEquals(0, Float.floatToRawIntBits(m[i]), base.name() + "[" + i + "] is +0.0");
                zeros++;
            }
        }
        assertEquals(mask.zeroedCount(), zeros);
        assertTrue(zeros > 0 && zeros < b.length, "the mask zeroes some entries, not all");
    }

    @Test
    void theNumpyWrittenOverlayGivesTheValuesNumpyComputed() {
        try (ModelFolder m = Models.open(OverlayFixtures.numpyOverlay());
                Checkpoint expected = SafetensorsReader.open(OverlayFixtures.numpyCombined())) {
            Checkpoint c = m.weights();
            assertEquals(base.weights().tensorNames(), c.tensorNames());
            for (String name : c.tensorNames()) {
                Tensor source = expected.contains(name) ? expected.tensor(name) : base.weights().tensor(name);
                assertArrayEquals(source.shape(), c.tensor(name).shape(), name);
                assertArrayEquals(OverlayFixtures.bytes(source), OverlayFixtures.bytes(c.tensor(name)), name);
            }
            Overlay o = OverlaidModel.overlayOf(m).orElseThrow();
            JsonNode masks = OverlayFixtures.expected().get("masks");
            for (String name : o.maskedNames()) {
                assertEquals(masks.get(name).get("kept").asLong(), o.mask(name).keptCount(), name);
                assertEquals(masks.get(name).get("zeroed").asLong(), o.mask(name).zeroedCount(), name);
            }
            assertEquals(List.of("negative", "neutral", "positive"), o.labels());
        }
    }

    @Test
    void anOverlayFileOpensAsAModelWithTheBaseFoundByItsHint() {
        Written w = writeOverlay(dir.resolve("runs").resolve("task.safetensors"));
        try (ModelFolder m = Models.open(w.file);
                ModelFolder explicit = Models.openOverlay(OverlayFixtures.tinyBase(), w.file)) {
            assertEquals(w.file, m.path());
            assertFalse(m.isFolder());
            assertEquals(base.config(), m.config());
            assertEquals(base.vocab(), m.vocab());
            assertEquals(base.path(), m.base().orElseThrow().path());
            assertEquals(List.of(w.file, base.path().resolve("model.safetensors"), base.path().resolve("config.json"),
                    base.path().resolve("vocab.txt")), m.inputFiles());
            assertEquals(m.weights().tensorNames(), explicit.weights().tensorNames());
            assertBitsEqual(w.replaced, m.weights().tensor(OverlayFixtures.REPLACED).toFloatArray(), "replaced");
            assertArrayEquals(OverlayFixtures.bytes(explicit.weights().tensor(FFN_IN_1)),
                    OverlayFixtures.bytes(m.weights().tensor(FFN_IN_1)));
            assertThrows(CheckpointException.class, () -> m.requireOutside(base.path().resolve("export")));
            assertThrows(CheckpointException.class, () -> m.requireOutside(w.file));
            m.requireOutside(dir.resolve("export"));
        }
    }

    @Test
    void theAnalyzerComparesTheBaseWithBaseOverlayLikeAnyModel() {
        Path file = dir.resolve("sparse.safetensors");
        boolean[] kept = new boolean[64 * 32];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = i % 5 != 0;
        }
        OverlayWriter.forBase(base, OverlayWriter.relativeHint(file, base.path()))
                .mask(FFN_IN_1, new long[] {64, 32}, kept)
                .write(file);
        try (ModelFolder m = Models.open(file)) {
            ModelComparison c = new Analyzer(2).compare(base.weights(), "base", m.weights(), "task",
                    NameMap.standard(), Progress.NONE);
            assertTrue(c.sameTensorSets());
            for (TensorComparison t : c.tensors()) {
                if (t.name().equals(FFN_IN_1)) {
                    // 410 of 2048 entries (every fifth) zeroed; the base has no exact zeros there
                    assertEquals(410.0 / 2048, t.metrics().fracZero(), 0.0);
                    assertEquals(410.0 / 2048, t.metrics().fracChanged(), 0.0);
                } else {
                    assertEquals(0.0, t.metrics().fracChanged(), 0.0, t.name());
                }
            }
        }
    }

    @Test
    void aFingerprintOfBaseOverlayDiffersFromTheBaseAndIsCachedByAllInputFiles() {
        Written w = writeOverlay(dir.resolve("task.safetensors"));
        try (ModelFolder m = Models.open(w.file)) {
            long before = Fingerprint.COMPUTED.get();
            String fp = Fingerprint.of(m);
            assertEquals(fp, Fingerprint.of(m));
            assertEquals(before + 1, Fingerprint.COMPUTED.get());
            assertFalse(fp.equals(Fingerprint.of(base)));
        }
    }

    @Test
    void chunkedReadsOfAMaskedTensorAgreeAtEveryOffsetAndFromManyThreads() throws Exception {
        Written w = writeOverlay(dir.resolve("task.safetensors"));
        try (Overlay o = Overlay.open(w.file)) {
            Tensor masked = o.apply(base).tensor(FFN_IN_1);
            byte[] whole = OverlayFixtures.bytes(masked);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> jobs = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    long seed = thread;
                    jobs.add(pool.submit(() -> {
                        Random random = new Random(seed);
                        for (int k = 0; k < 2000; k++) {
                            int from = random.nextInt(2048);
                            int count = random.nextInt(2048 - from + 1);
                            ByteBuffer b = masked.bytes(from, count);
                            assertEquals(count * 4, b.remaining());
                            for (int i = 0; i < count * 4; i++) {
                                assertEquals(whole[from * 4 + i], b.get(b.position() + i), "from " + from);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> job : jobs) {
                    job.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void maskedF16Bf16AndIntegerTensorsGetAllZeroBytesAtAnyOffset() {
        Path basePath = dir.resolve("odd").resolve("model.safetensors");
        float[] a = new float[15];
        float[] h = new float[7];
        float[] bf = new float[18];
        for (int i = 0; i < 18; i++) {
            if (i < a.length) {
                a[i] = -1.5f - i;
            }
            if (i < h.length) {
                h[i] = -0.25f * (i + 1);
            }
            bf[i] = -3f + i;
        }
        byte[] ints = new byte[5 * 8];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = (byte) 0xff;
        }
        try {
            Files.createDirectories(basePath.getParent());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        new SafetensorsWriter()
                // BERT names, so that the file opens as a model; odd shapes, so that masks end inside a byte
                .addFloats("bert.embeddings.word_embeddings.weight", DType.F32, new long[] {3, 5}, a)
                .addFloats("bert.encoder.layer.0.attention.self.query.bias", DType.F16, new long[] {7}, h)
                .addFloats("bert.encoder.layer.0.attention.self.key.weight", DType.BF16, new long[] {2, 3, 3}, bf)
                .addRaw("bert.embeddings.position_ids", DType.I64, new long[] {5}, ints)
                .write(basePath);
        Map<String, BitMask> masks = new LinkedHashMap<>();
        Random random = new Random(3);
        try (ModelFolder odd = Models.open(basePath)) {
            OverlayWriter writer = OverlayWriter.forBase(odd, "model.safetensors");
            for (String name : odd.weights().tensorNames()) {
                Tensor t = odd.weights().tensor(name);
                boolean[] kept = new boolean[(int) t.numel()];
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = random.nextBoolean();
                }
                kept[0] = false;
                BitMask m = BitMask.pack(t.shape(), kept);
                masks.put(name, m);
                writer.mask(name, m);
            }
            Path file = dir.resolve("odd").resolve("masks.safetensors");
            writer.write(file);
            try (Overlay o = Overlay.open(file)) {
                Checkpoint c = o.apply(odd);
                for (String name : c.tensorNames()) {
                    Tensor t = c.tensor(name);
                    Tensor b = odd.weights().tensor(name);
                    BitMask m = masks.get(name);
                    int size = t.dtype().byteSize();
                    byte[] expected = OverlayFixtures.bytes(b);
                    for (int i = 0; i < m.numel(); i++) {
                        if (!m.isKept(i)) {
                            for (int k = 0; k < size; k++) {
                                expected[i * size + k] = 0;
                            }
                        }
                    }
                    int n = (int) t.numel();
                    for (int from = 0; from <= n; from++) {
                        for (int count = 0; from + count <= n; count++) {
                            ByteBuffer got = t.bytes(from, count);
                            for (int k = 0; k < count * size; k++) {
                                assertEquals(expected[from * size + k], got.get(got.position() + k),
                                        name + " from " + from + " count " + count);
                            }
                        }
                    }
                    assertEquals(0f, t.toFloatArray()[0]);
                    assertEquals(0, Float.floatToRawIntBits(t.toFloatArray()[0]), name + ": +0.0, not -0.0");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the wrong base

    @Test
    void anOverlayOnAnotherBaseIsRefusedNamingBothBases() {
        Path overlay = OverlayFixtures.numpyOverlay();
        try (Overlay o = Overlay.open(overlay); ModelFolder tuned = Models.open(OverlayFixtures.tinyTuned())) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> o.apply(tuned));
            assertEquals(overlay + ": is an overlay made for base 'base' (fingerprint a519c3d5…), but 'tuned' ("
                    + tuned.path() + ") has fingerprint d3fd0f59…", e.getMessage());
            assertEquals(overlay, e.file());
        }
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Models.openOverlay(OverlayFixtures.tinyTuned(), overlay));
        assertTrue(e.getMessage().contains("made for base 'base' (fingerprint a519c3d5…), but 'tuned'"),
                e.getMessage());
    }

    @Test
    void anOverlayWithTheFirstFingerprintFormOpensOnItsBaseCheckedByThatForm() {
        try (Overlay o = Overlay.open(OverlayFixtures.numpyOverlay())) {
            assertEquals(Fingerprint.Algorithm.SHA256_STREAM_V1,
                    Fingerprint.algorithmOf(o.baseFingerprint()).orElseThrow());
            long before = Fingerprint.COMPUTED.get();
            try (Checkpoint merged = o.apply(base)) {
                assertTrue(merged.contains(OverlayFixtures.REPLACED));
            }
            assertEquals(before + 1, Fingerprint.COMPUTED.get(), "the first form, computed once for this overlay");
            assertEquals(OverlayFixtures.expected().get("base_fingerprint_v2").asText(), Fingerprint.of(base));
            assertEquals(before + 2, Fingerprint.COMPUTED.get(), "the current form is a cache entry of its own");
        }
    }

    @Test
    void anOverlayIsNotAcceptedAsTheBaseOfAnother() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Models.openOverlay(OverlayFixtures.numpyOverlay(), OverlayFixtures.numpyOverlay()));
        assertEquals(OverlayFixtures.numpyOverlay() + ": is an overlay, but it is given as the base of an overlay; "
                + "FineScope applies one overlay to a plain model", e.getMessage());
    }

    @Test
    void aHintThatLeadsNowhereSaysSo() throws IOException {
        Path moved = Files.copy(OverlayFixtures.numpyOverlay(), dir.resolve("lonely.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Models.open(moved));
        assertEquals(moved + ": names its base 'base' at '../tiny-bert/base', but "
                + dir.getParent().resolve("tiny-bert/base") + " does not exist, and no model with its fingerprint is "
                + "known here; give its base (--base on the command line; in the app, the workspace's base)",
                e.getMessage());
    }

    @Test
    void aHintThatLeadsNowhereIsPassedOverForTheModelItsFingerprintFinds() throws IOException {
        Path moved = Files.copy(OverlayFixtures.numpyOverlay(), dir.resolve("found.safetensors"));
        try (Overlay o = Overlay.open(moved)) {
            // the base was fingerprinted once in the overlay's form (as opening the overlay on it does): the cache
            // remembers where it is
            assertEquals(o.baseFingerprint(), Fingerprint.sameForm(base, o.baseFingerprint()));
        }
        try (Overlay o = Overlay.open(moved); ModelFolder m = Models.open(moved)) {
            assertEquals(base.path(), o.resolveBase());
            assertEquals(base.path(), m.base().orElseThrow().path());
        }
    }

    @Test
    void anAbsoluteHintIsUsedAsItIs() {
        Path file = OverlayFixtures.rewrite(OverlayFixtures.numpyOverlay(), dir.resolve("elsewhere.safetensors"),
                edit -> edit.metadata.put(Overlay.BASE_HINT_KEY, OverlayFixtures.tinyBase().toString()));
        try (Overlay o = Overlay.open(file); ModelFolder m = Models.open(file)) {
            assertEquals(OverlayFixtures.tinyBase(), o.resolveBase());
            assertEquals(OverlayFixtures.tinyBase(), m.base().orElseThrow().path());
        }
    }

    @Test
    void aBuiltinBaseIsResolvedThroughTheRegistry() throws IOException {
        Path file = OverlayFixtures.rewrite(OverlayFixtures.numpyOverlay(), dir.resolve("builtin.safetensors"),
                edit -> edit.metadata.put(Overlay.BASE_HINT_KEY, "builtin:tiny-test-base"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Models.open(file));
        assertTrue(e.getMessage().startsWith(file + ": names the built-in base 'tiny-test-base', which this "
                + "FineScope does not provide"), e.getMessage());
        BuiltinModels.register("tiny-test-base", OverlayFixtures::tinyBase);
        try (ModelFolder m = Models.open(file)) {
            assertEquals(OverlayFixtures.tinyBase(), m.base().orElseThrow().path());
            assertEquals(base.weights().tensorNames(), m.weights().tensorNames());
        } finally {
            BuiltinModels.unregister("tiny-test-base");
        }
    }

    // ------------------------------------------------------------------------------------------------ malformed

    private CheckpointException refused(Path file) {
        return assertThrows(CheckpointException.class, () -> {
            try (Overlay o = Overlay.open(file)) {
                o.apply(base);
            }
        });
    }

    private Path edited(String name, java.util.function.Consumer<OverlayFixtures.Edit> edit) {
        return OverlayFixtures.rewrite(OverlayFixtures.numpyOverlay(), dir.resolve(name), edit);
    }

    private static Path seed(String name) {
        return OverlayFixtures.resource("OverlayFuzzTestInputs/anyBytesOpenAndApplyOrRaiseOnlyCheckpointExceptions/"
                + name);
    }

    @Test
    void theWriterRefusesValuesThatAreNotFiniteAndWritesNothing() {
        Path file = dir.resolve("nan.safetensors");
        OverlayWriter w = OverlayWriter.forBase(base, OverlayWriter.relativeHint(file, base.path()));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> w.head(CLASSIFIER_BIAS, new long[] {3}, new float[] {0.5f, Float.NaN, 1}));
        assertEquals(CLASSIFIER_BIAS + ": entry 1 is NaN; an overlay holds finite values only", nan.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> w.replace(ATTN_OUT_0, new long[] {1, 2}, new float[] {Float.NEGATIVE_INFINITY, 0}));
        assertEquals(ATTN_OUT_0 + ": entry 0 is infinite; an overlay holds finite values only", inf.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void aTruncatedOverlayIsRefused() throws IOException {
        byte[] all = Files.readAllBytes(OverlayFixtures.numpyOverlay());
        Path file = Files.write(dir.resolve("cut.safetensors"), java.util.Arrays.copyOf(all, all.length - 100));
        CheckpointException e = refused(file);
        assertEquals(file, e.file());
        assertTrue(e.problem().contains("past the end of the data"), e.problem());
        assertTrue(e.problem().contains("truncated"), e.problem());
    }

    @Test
    void aMaskOneByteShortIsRefused() {
        CheckpointException e = refused(seed("mask-one-byte-short"));
        assertEquals("mask bits 'mask::bert.pooler.dense.bias' hold 3 bytes, but 32 entries [32] take "
                + "ceil(32/8) = 4", e.problem());
    }

    @Test
    void anUnknownFormatIsRefused() {
        assertEquals("is an overlay of format 'overlay/9', which this FineScope does not read (it reads overlay/1); "
                + "a newer FineScope may have written it", refused(seed("unknown-format")).problem());
        Path other = edited("other.safetensors", e -> e.metadata.put(Overlay.FORMAT_KEY, "lora"));
        assertEquals("has an unknown finescope.format 'lora' (expected overlay/1)", refused(other).problem());
        CheckpointException plain = refused(OverlayFixtures.tinyBase().resolve("model.safetensors"));
        assertEquals("is not a FineScope overlay: its metadata has no finescope.format", plain.problem());
    }

    @Test
    void aReplacedTensorOfTheWrongShapeIsRefusedWhenApplied() {
        Path file = seed("replaced-wrong-shape");
        try (Overlay o = Overlay.open(file)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> o.apply(base));
            assertEquals("replaces tensor '" + OverlayFixtures.REPLACED + "' with shape [32, 16], but it has shape "
                    + "[32, 32] in the base " + base.weights().source(), e.problem());
            assertEquals(file, e.file());
        }
    }

    @Test
    void badMetadataIsRefusedWithTheKeyAndTheProblem() {
        assertTrue(refused(seed("masks-bad-json")).problem().startsWith("metadata finescope.masks is not valid JSON"));
        assertEquals("has a malformed finescope.base_fingerprint 'A519' (expected sha256-tree-v2: followed by 64 "
                + "lowercase hex digits, or 64 lowercase hex digits alone)",
                refused(edited("fp.safetensors", e -> e.metadata.put(Overlay.BASE_FINGERPRINT_KEY, "A519")))
                        .problem());
        assertEquals("has no finescope.head in its metadata",
                refused(edited("nohead.safetensors", e -> e.metadata.remove(Overlay.HEAD_KEY))).problem());
        assertEquals("metadata finescope.labels names label 'a' twice",
                refused(edited("labels.safetensors", e -> e.metadata.put(Overlay.LABELS_KEY, "[\"a\",\"b\",\"a\"]")))
                        .problem());
        assertEquals("head tensor 'classifier.weight' has shape [3, 32], but finescope.labels names 2 labels",
                refused(edited("labels2.safetensors", e -> e.metadata.put(Overlay.LABELS_KEY, "[\"a\",\"b\"]")))
                        .problem());
        assertEquals("names head tensor 'classifier.dense.weight' in finescope.head but holds no such tensor",
                refused(edited("head.safetensors", e -> e.metadata.put(Overlay.HEAD_KEY,
                        "[\"classifier.weight\",\"classifier.bias\",\"classifier.dense.weight\"]"))).problem());
    }

    @Test
    void maskBitsThatDisagreeWithTheMetadataAreRefused() {
        String bits = Overlay.MASK_PREFIX + OverlayFixtures.MASKED_POOLER_BIAS;
        assertEquals("mask of 'bert.pooler.dense.bias' keeps 32 entries, but finescope.masks declares 27",
                refused(edited("count.safetensors", e -> e.raw(bits, new byte[] {-1, -1, -1, -1}))).problem());
        assertEquals("mask of 'bert.pooler.dense.bias' declares 27 kept and 6 zeroed entries, but its shape [32] "
                + "has 32", refused(edited("sum.safetensors", e -> e.metadata.put(Overlay.MASKS_KEY,
                        e.metadata.get(Overlay.MASKS_KEY).replace("\"zeroed\": 5", "\"zeroed\": 6")))).problem());
        assertEquals("mask of 'bert.pooler.dense.bias' has bit_order 'msb0'; this FineScope reads only "
                + "'lsb0-kept'", refused(edited("order.safetensors", e -> e.metadata.put(Overlay.MASKS_KEY,
                        e.metadata.get(Overlay.MASKS_KEY).replace("\"zeroed\": 5, \"bit_order\": \"lsb0-kept\"",
                                "\"zeroed\": 5, \"bit_order\": \"msb0\"")))).problem());
        assertEquals("holds mask bits 'mask::bert.pooler.dense.bias' that finescope.masks does not describe",
                refused(edited("extra.safetensors", e -> e.metadata.put(Overlay.MASKS_KEY,
                        e.metadata.get(Overlay.MASKS_KEY).replaceAll(", \"bert.pooler.dense.bias\": \\{[^}]*}", ""))))
                        .problem());
    }

    @Test
    void setBitsPastTheLastEntryAreRefused() throws IOException {
        // a 2-entry mask of classifier.bias of a base-like model: one byte, 6 unused bits
        Path file = dir.resolve("padding.safetensors");
        String fp = OverlayFixtures.expected().get("base_fingerprint").asText();
        new SafetensorsWriter()
                .metadata(Map.of(Overlay.FORMAT_KEY, Overlay.FORMAT, Overlay.BASE_FINGERPRINT_KEY, fp,
                        Overlay.MASKS_KEY, "{\"classifier.bias\":{\"shape\":[2],\"kept\":2,\"zeroed\":0,"
                                + "\"bit_order\":\"lsb0-kept\"}}", Overlay.HEAD_KEY, "[]"))
                .addU8(Overlay.MASK_PREFIX + "classifier.bias", new long[] {1}, new byte[] {0b0000_0111})
                .write(file);
        assertEquals("mask of 'classifier.bias' sets bits past its last entry in its last byte (0x7 with 2 entries "
                + "used); they must be 0", refused(file).problem());
    }

    @Test
    void tensorsTheBaseDoesNotHaveAreRefusedWhenApplied() {
        Path file = dir.resolve("missing.safetensors");
        OverlayWriter.forBase(OverlayFixtures.expected().get("base_fingerprint").asText(), "base", "")
                .replace("bert.encoder.layer.7.output.dense.weight", new long[] {2}, new float[] {1, 2})
                .write(file);
        assertEquals("replaces tensor 'bert.encoder.layer.7.output.dense.weight', which is not one of the base "
                + base.weights().source(), refused(file).problem());
        Path masked = dir.resolve("masked.safetensors");
        OverlayWriter.forBase(OverlayFixtures.expected().get("base_fingerprint").asText(), "base", "")
                .mask(FFN_IN_1, new long[] {32, 64}, new boolean[2048])
                .write(masked);
        assertEquals("masks tensor '" + FFN_IN_1 + "' as shape [32, 64] (2048 entries), but it has shape [64, 32] "
                + "(2048 entries) in the base " + base.weights().source(), refused(masked).problem());
    }

    @Test
    void theWriterRefusesWhatTheBaseCannotTake() {
        OverlayWriter w = OverlayWriter.forBase(base, "");
        assertEquals("nope cannot be replaced: the base " + base.weights().source() + " has no such tensor",
                assertThrows(IllegalArgumentException.class,
                        () -> w.replace("nope", new long[] {1}, new float[1])).getMessage());
        assertEquals(FFN_IN_1 + " cannot be masked with shape [2048]: it has shape [64, 32] in the base",
                assertThrows(IllegalArgumentException.class,
                        () -> w.mask(FFN_IN_1, new long[] {2048}, new boolean[2048])).getMessage());
        assertEquals("bert.embeddings.position_ids is I64 in the base; only floating tensors are replaced",
                assertThrows(IllegalArgumentException.class, () -> w.replace("bert.embeddings.position_ids",
                        new long[] {1, 64}, new float[64])).getMessage());
        w.mask(FFN_IN_1, new long[] {64, 32}, new boolean[2048]);
        assertEquals(FFN_IN_1 + " is already in the overlay; it cannot also be replaced",
                assertThrows(IllegalArgumentException.class,
                        () -> w.replace(FFN_IN_1, new long[] {64, 32}, new float[2048])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.head("mask::x", new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.plan("{not json"));
        assertThrows(IllegalArgumentException.class, () -> w.labels(List.of("a", "a")));
        w.head(CLASSIFIER_WEIGHT, new long[] {3, 32}, new float[96]).labels(List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> w.write(dir.resolve("never.safetensors")));
        assertFalse(Files.exists(dir.resolve("never.safetensors")));
    }

    @Test
    void relativeHintsUseForwardSlashesAndResolveFromTheOverlaysFolder() {
        Path overlay = dir.resolve("runs/run-1/overlay.safetensors");
        Path model = dir.resolve("models/base");
        assertEquals("../../models/base", OverlayWriter.relativeHint(overlay, model));
        assertEquals(".", OverlayWriter.relativeHint(overlay, overlay.getParent()));
        assertEquals("builtin:all-MiniLM-L6-v2", BuiltinModels.hint("all-MiniLM-L6-v2"));
    }

    @Test
    void checkpointsOpenAnOverlayFileAsItsRawTensors() {
        try (Checkpoint raw = Checkpoints.open(OverlayFixtures.numpyOverlay())) {
            assertTrue(Overlay.isOverlay(raw));
            assertTrue(raw.contains("mask::" + OverlayFixtures.MASKED_FFN));
        }
    }
}
