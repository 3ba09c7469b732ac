package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PyTorchBinReaderTest {

    /** Values are compared bit for bit: reading must not change a single one. */
    private static final float EXACT = 0f;

    /** Where make_pickle_fixtures.py's hostile pickle would leave its mark if anything ran it. */
    private static final Path FIXTURE_MARKER = Path.of("/tmp/finescope-pwned-pickle-fixture");

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------------------------------------------------
    // Reading what torch.save wrote

    @Test
    void readsEveryTensorOfATorchSaveStateDictExactly() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            assertMatchesExpected(c);
        }
    }

    @Test
    void readsTheSameStateDictPickledWithProtocolFour() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict_p4.bin"))) {
            assertMatchesExpected(c);
        }
    }

    @Test
    void tensorNamesComeInPickleOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        expected().get("tensors").forEach(t -> expected.add(t.get("name").asText()));
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            assertEquals(expected, c.tensorNames());
        }
    }

    @Test
    void aViewAtAnOffsetReadsItsSliceOfTheSharedStorage() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            Tensor view = c.tensor("shared.view");
            assertArrayEquals(new long[] {2, 3}, view.shape());
            // shared = arange(12) * 0.5 and the view is shared[2:8]
            assertArrayEquals(new float[] {1.0f, 1.5f, 2.0f, 2.5f, 3.0f, 3.5f}, view.toFloatArray(), EXACT);
            float[] middle = new float[2];
            view.readFloats(3, middle, 0, 2);
            assertArrayEquals(new float[] {2.5f, 3.0f}, middle, EXACT);
            Tensor element = c.tensor("shared.element");
            assertArrayEquals(new long[0], element.shape());
            assertEquals(5.5f, element.toFloatArray()[0], EXACT);
        }
    }

    @Test
    void tiedWeightsReadTheSameValuesUnderBothNames() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            assertArrayEquals(c.tensor("embeddings.weight").toFloatArray(), c.tensor("decoder.weight").toFloatArray(),
                    EXACT);
        }
    }

    @Test
    void bytesAreALittleEndianSliceOfTheRequestedElements() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            ByteBuffer b = c.tensor("position_ids").bytes(1, 3);
            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
            assertEquals(24, b.remaining());
            assertEquals(1L, b.getLong(0));
            assertEquals(3L, b.getLong(16));
        }
    }

    @Test
    void metadataIsEmptyForAPyTorchFile() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            assertTrue(c.metadata().isEmpty());
            assertEquals(fixture("state_dict.bin"), c.source());
        }
    }

    @Test
    void aDeflatedReZipReadsTheSameValues() throws Exception {
        Path deflated = TorchZips.rewrite(fixture("state_dict.bin"), tmp.resolve("deflated.bin"), n -> false,
                Map.of(), true);
        try (ZipFile zip = new ZipFile(deflated.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                assertEquals(ZipEntry.DEFLATED, e.nextElement().getMethod());
            }
        }
        try (Checkpoint c = PyTorchBinReader.open(deflated)) {
            assertMatchesExpected(c);
        }
    }

    @Test
    void storagesTooLargeForOneBufferAreReadRangeByRange() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"), 0)) {
            assertMatchesExpected(c);
        }
    }

    @Test
    void aLittleEndianByteOrderEntryIsAccepted() throws Exception {
        Path withOrder = TorchZips.rewrite(fixture("state_dict.bin"), tmp.resolve("little.bin"), n -> false,
                Map.of("state_dict/byteorder", "little".getBytes()), false);
        try (Checkpoint c = PyTorchBinReader.open(withOrder)) {
            assertMatchesExpected(c);
        }
    }

    @Test
    void readsFromManyThreadsAtOnceAgreeWithExpectedValues() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> {
                    assertMatchesExpected(c);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTensorReadFromAHandWrittenPickleHasTheStorageBytesAtItsOffset() throws Exception {
        ByteBuffer storage = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            storage.putFloat(i * 4, i + 0.25f);
        }
        byte[] pickle = PickleBytes.stateDictOf("w", "FloatStorage", "0", 6, 2, new long[] {2, 2},
                new long[] {2, 1});
        Path file = TorchZips.torchArchive(tmp.resolve("hand.bin"), pickle, Map.of("0", storage.array()));
        try (Checkpoint c = PyTorchBinReader.open(file)) {
            assertArrayEquals(new float[] {2.25f, 3.25f, 4.25f, 5.25f}, c.tensor("w").toFloatArray(), EXACT);
        }
    }

    @Test
    void aProtocolFourPickleWithStackGlobalsAndFramesReads() throws Exception {
        PickleBytes p = new PickleBytes().proto(4).op(0x95);
        for (int i = 0; i < 8; i++) {
            p.op(0); // FRAME length, ignored
        }
        p.stackGlobal("collections", "OrderedDict").op(0x94).emptyTuple().reduce().op(0x94)
                .str("b").stackGlobal("torch._utils", "_rebuild_tensor_v2").op(0x94)
                .mark().mark().str("storage").stackGlobal("torch", "ByteStorage").str("0").str("cpu").integer(3)
                .tuple().persId().integer(0).ints(3).ints(1).bool(false)
                .stackGlobal("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce().setItem().stop();
        Path file = TorchZips.torchArchive(tmp.resolve("p4.bin"), p.bytes(), Map.of("0", new byte[] {7, 8, 9}));
        try (Checkpoint c = PyTorchBinReader.open(file)) {
            assertEquals(DType.U8, c.tensor("b").dtype());
            assertArrayEquals(new float[] {7, 8, 9}, c.tensor("b").toFloatArray(), EXACT);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hostile pickles

    @Test
    void aPickleThatCallsOsSystemIsRefusedAndRunsNothing() throws Exception {
        Files.deleteIfExists(FIXTURE_MARKER);
        Path file = fixture("hostile.bin");
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": refusing to load: the pickle asks for posix.system, which is not part of a PyTorch "
                + "state dict", e.getMessage());
        assertFalse(Files.exists(FIXTURE_MARKER), "the hostile pickle's command ran");
    }

    static Stream<Arguments> hostileGlobals() {
        return Stream.of(
                Arguments.of("posix", "system"),
                Arguments.of("os", "system"),
                Arguments.of("nt", "system"),
                Arguments.of("builtins", "eval"),
                Arguments.of("builtins", "exec"),
                Arguments.of("__builtin__", "exec"),
                Arguments.of("subprocess", "Popen"),
                Arguments.of("torch", "load"),
                Arguments.of("torch._utils", "_rebuild_device_tensor_from_numpy"),
                Arguments.of("collections", "defaultdict"));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("hostileGlobals")
    void everyGlobalOutsideAStateDictIsRefusedBeforeAnythingRuns(String module, String name) throws Exception {
        Path marker = tmp.resolve("ran");
        String command = "touch " + marker;
        for (boolean stackGlobal : new boolean[] {false, true}) {
            PickleBytes p = new PickleBytes().proto(stackGlobal ? 4 : 2).global("collections", "OrderedDict")
                    .emptyTuple().reduce().str("x");
            if (stackGlobal) {
                p.stackGlobal(module, name);
            } else {
                p.global(module, name);
            }
            byte[] pickle = p.str(command).tuple1().reduce().setItem().stop().bytes();
            Path file = TorchZips.torchArchive(tmp.resolve("hostile-" + stackGlobal + ".bin"), pickle, Map.of());
            CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
            assertEquals(file + ": refusing to load: the pickle asks for " + module + "." + name
                    + ", which is not part of a PyTorch state dict", e.getMessage());
            assertFalse(Files.exists(marker), "the hostile pickle's command ran");
        }
    }

    @Test
    void aStorageClassCannotBeCalled() throws Exception {
        byte[] pickle = new PickleBytes().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop()
                .bytes();
        Path file = TorchZips.torchArchive(tmp.resolve("call.bin"), pickle, Map.of());
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": archive/data.pkl at byte 23: torch.FloatStorage cannot be called", e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Files that cannot be read, each with its own message

    @Test
    void theLegacyFormatGetsAdviceToReSave() throws Exception {
        Path file = fixture("state_dict_legacy.bin");
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": this is PyTorch's legacy (pre-1.6) format; re-save it with a newer PyTorch "
                + "(torch.save(torch.load(f), f))", e.getMessage());
    }

    @Test
    void aTruncatedFileIsReportedAsAnIncompleteZip() throws Exception {
        Path file = fixture("truncated.bin");
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertTrue(e.getMessage().startsWith(file + ": is not a complete zip archive (truncated or damaged"),
                e.getMessage());
    }

    @Test
    void aNonContiguousTensorIsReportedWithItsStrides() throws Exception {
        Path file = fixture("non_contiguous.bin");
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": tensor transposed is not stored in row-major order (shape [3, 2], strides [1, 3]); "
                + "save it after .contiguous()", e.getMessage());
    }

    @Test
    void aMissingStorageEntryIsNamed() throws Exception {
        Path file = TorchZips.rewrite(fixture("state_dict.bin"), tmp.resolve("missing.bin"),
                n -> n.equals("state_dict/data/2"), Map.of(), false);
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": has no storage entry state_dict/data/2 (needed by tensor encoder.layer.0.dense.bias)",
                e.getMessage());
    }

    @Test
    void aMissingPickleIsNamed() throws Exception {
        Path file = TorchZips.rewrite(fixture("state_dict.bin"), tmp.resolve("nopickle.bin"),
                n -> n.endsWith("data.pkl"), Map.of(), false);
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": has no <archive>/data.pkl entry, so it is not a zip written by torch.save",
                e.getMessage());
    }

    @Test
    void aBigEndianCheckpointIsRefused() throws Exception {
        Path file = TorchZips.rewrite(fixture("state_dict.bin"), tmp.resolve("big.bin"), n -> false,
                Map.of("state_dict/byteorder", "big".getBytes()), false);
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": was saved on a big-endian machine; FineScope reads little-endian checkpoints only "
                + "(re-save it on a little-endian machine)", e.getMessage());
    }

    @Test
    void aTensorReachingPastItsStorageIsReported() throws Exception {
        byte[] pickle = PickleBytes.stateDictOf("w", "FloatStorage", "0", 4, 1, new long[] {4}, new long[] {1});
        Path file = TorchZips.torchArchive(tmp.resolve("past.bin"), pickle, Map.of("0", new byte[16]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": tensor w (shape [4], offset 1) reaches past the end of its storage archive/data/0 "
                + "(16 bytes)", e.getMessage());
    }

    @Test
    void aStorageEntryShorterThanItsPersistentIdSaysIsReported() throws Exception {
        byte[] pickle = PickleBytes.stateDictOf("w", "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1});
        Path file = TorchZips.torchArchive(tmp.resolve("short.bin"), pickle, Map.of("0", new byte[12]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": tensor w (shape [4], offset 0) reaches past the end of its storage archive/data/0 "
                + "(12 bytes)", e.getMessage());
    }

    @Test
    void aShapeTooLargeToAddressIsReported() throws Exception {
        long big = 1L << 40;
        byte[] pickle = PickleBytes.stateDictOf("w", "FloatStorage", "0", 4, 0, new long[] {big, big},
                new long[] {big, 1});
        Path file = TorchZips.torchArchive(tmp.resolve("huge.bin"), pickle, Map.of("0", new byte[16]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": tensor w has a shape or offset too large to address (shape [" + big + ", " + big
                + "], offset 0)", e.getMessage());
    }

    @Test
    void aComplexTensorIsReportedAsUnsupported() throws Exception {
        byte[] pickle = PickleBytes.stateDictOf("w", "ComplexFloatStorage", "0", 1, 0, new long[] {1},
                new long[] {1});
        Path file = TorchZips.torchArchive(tmp.resolve("complex.bin"), pickle, Map.of("0", new byte[8]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": holds a torch.ComplexFloatStorage tensor; FineScope reads float, integer and bool "
                + "tensors only", e.getMessage());
    }

    @Test
    void aPickleOfSomethingElseThanADictIsNotAStateDict() throws Exception {
        byte[] pickle = new PickleBytes().proto(2).str("hello").stop().bytes();
        Path file = TorchZips.torchArchive(tmp.resolve("str.bin"), pickle, Map.of());
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": holds a string, not a state dict (a dict of tensors)", e.getMessage());
    }

    @Test
    void aPickleCutShortIsReportedWithItsPosition() throws Exception {
        byte[] whole = PickleBytes.stateDictOf("w", "FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1});
        byte[] cut = java.util.Arrays.copyOf(whole, 32); // inside the length of the first key
        Path file = TorchZips.torchArchive(tmp.resolve("cut.bin"), cut, Map.of("0", new byte[4]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": archive/data.pkl at byte 30: the pickle ends in the middle of a value",
                e.getMessage());
    }

    @Test
    void aFileThatIsNotAZipIsReported() throws Exception {
        Path file = Files.write(tmp.resolve("text.bin"), "hello world".getBytes());
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": is not a PyTorch checkpoint: torch.save writes a zip archive, and this file does not "
                + "start like one", e.getMessage());
    }

    @Test
    void aBarePickleIsReported() throws Exception {
        Path file = Files.write(tmp.resolve("bare.bin"), new PickleBytes().proto(2).emptyDict().stop().bytes());
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(file));
        assertEquals(file + ": is a bare pickle, not the zip archive torch.save writes; re-save it with a newer "
                + "PyTorch (torch.save(torch.load(f), f))", e.getMessage());
    }

    @Test
    void anEmptyFileAndAMissingFileAreReported() throws Exception {
        Path empty = Files.write(tmp.resolve("empty.bin"), new byte[0]);
        assertEquals(empty + ": is empty",
                assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(empty)).getMessage());
        Path missing = tmp.resolve("missing.bin");
        assertEquals(missing + ": no such file",
                assertThrows(CheckpointException.class, () -> PyTorchBinReader.open(missing)).getMessage());
    }

    @Test
    void anUnknownTensorNameIsAnErrorNamingTheFile() throws Exception {
        Path file = fixture("state_dict.bin");
        try (Checkpoint c = PyTorchBinReader.open(file)) {
            assertFalse(c.contains("nope"));
            assertEquals(file + ": has no tensor named nope",
                    assertThrows(CheckpointException.class, () -> c.tensor("nope")).getMessage());
        }
    }

    @Test
    void aClosedCheckpointRefusesToRead() throws Exception {
        Path file = fixture("state_dict.bin");
        Checkpoint c = PyTorchBinReader.open(file);
        Tensor t = c.tensor("embeddings.weight");
        c.close();
        c.close();
        assertEquals(file + ": is closed", assertThrows(CheckpointException.class, () -> t.bytes(0, 1)).getMessage());
    }

    @Test
    void readingOutsideATensorIsAProgrammingError() throws Exception {
        try (Checkpoint c = PyTorchBinReader.open(fixture("state_dict.bin"))) {
            Tensor t = c.tensor("mask");
            assertThrows(IndexOutOfBoundsException.class, () -> t.bytes(2, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> t.bytes(-1, 1));
            assertEquals(0, t.bytes(3, 0).remaining());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(PyTorchBinReaderTest.class.getResource("/fixtures/pickle/" + name).toURI());
    }

    private static JsonNode expected() throws IOException, URISyntaxException {
        return new ObjectMapper().readTree(fixture("expected.json").toFile());
    }

    /** Every tensor of {@code c} has exactly the name, dtype, shape and values make_pickle_fixtures.py recorded. */
    static void assertMatchesExpected(Checkpoint c) throws IOException, URISyntaxException {
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        expected().get("tensors").forEach(t -> expected.put(t.get("name").asText(), t));
        assertEquals(new ArrayList<>(expected.keySet()), c.tensorNames());
        for (JsonNode e : expected.values()) {
            String name = e.get("name").asText();
            Tensor t = c.tensor(name);
            DType dtype = DType.fromSafetensorsName(e.get("dtype").asText());
            assertEquals(dtype, t.dtype(), name);
            long[] shape = new long[e.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, t.shape(), name);
            JsonNode values = e.get("values");
            assertEquals(values.size(), t.numel(), name);
            ByteBuffer b = t.bytes(0, (int) t.numel());
            float[] floats = t.toFloatArray();
            for (int i = 0; i < values.size(); i++) {
                JsonNode v = values.get(i);
                String at = name + "[" + i + "]";
                int pos = i * dtype.byteSize();
                switch (dtype) {
                    case F32 -> assertEquals((float) v.asDouble(), b.getFloat(pos), EXACT, at);
                    case F16 -> assertEquals((float) v.asDouble(), DType.halfToFloat(b.getShort(pos)), EXACT, at);
                    case BF16 -> assertEquals((float) v.asDouble(),
                            Float.intBitsToFloat((b.getShort(pos) & 0xffff) << 16), EXACT, at);
                    case F64 -> assertEquals(v.asDouble(), b.getDouble(pos), 0.0, at);
                    case I64 -> assertEquals(v.asLong(), b.getLong(pos), at);
                    case I32 -> assertEquals(v.asLong(), b.getInt(pos), at);
                    case I16 -> assertEquals(v.asLong(), b.getShort(pos), at);
                    case I8 -> assertEquals(v.asLong(), b.get(pos), at);
                    case U8 -> assertEquals(v.asLong(), b.get(pos) & 0xff, at);
                    case BOOL -> assertEquals(v.asBoolean() ? 1 : 0, b.get(pos), at);
                }
                float asFloat = dtype == DType.BOOL ? (v.asBoolean() ? 1f : 0f) : (float) v.asDouble();
                assertEquals(asFloat, floats[i], EXACT, at);
            }
        }
    }
}
