package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {

    @TempDir
    Path dir;

    @Test
    void everyDtypeDecodesToTheValuesNumpyAndTorchWrote() {
        JsonNode expected = Fixtures.expected().get("tensors");
        try (SafetensorsReader r = SafetensorsReader.open(Fixtures.mixed())) {
            var names = expected.fieldNames();
            int checked = 0;
            while (names.hasNext()) {
                String name = names.next();
                JsonNode e = expected.get(name);
                Tensor t = r.tensor(name);
                assertEquals(DType.valueOf(e.get("dtype").asText()), t.dtype(), name);
                long[] shape = new long[e.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = e.get("shape").get(i).asLong();
                }
                assertArrayEquals(shape, t.shape(), name);
                assertArrayEquals(Fixtures.hex(e.get("bytes").asText()),
                        Fixtures.remaining(t.bytes(0, (int) t.numel())), name);
                float[] values = t.toFloatArray();
                assertEquals(e.get("float_bits").size(), values.length, name);
                for (int i = 0; i < values.length; i++) {
                    assertEquals((int) e.get("float_bits").get(i).asLong(), Float.floatToRawIntBits(values[i]),
                            name + "[" + i + "]");
                }
                checked++;
            }
            assertEquals(12, checked);
        }
    }

    @Test
    void tensorNamesFollowTheHeaderAndMetadataIsRead() {
        JsonNode expected = Fixtures.expected();
        List<String> order = new ArrayList<>();
        expected.get("order").forEach(n -> order.add(n.asText()));
        try (SafetensorsReader r = SafetensorsReader.open(Fixtures.mixed())) {
            assertEquals(order, r.tensorNames());
            assertEquals(Map.of("format", "pt", "note", "fixture"), r.metadata());
            assertTrue(r.contains("f16"));
            assertFalse(r.contains("__metadata__"));
            assertEquals(Fixtures.mixed(), r.source());
        }
    }

    @Test
    void f32BytesAreAReadOnlySliceOfTheMappingPositionedAtTheRange() {
        try (SafetensorsReader r = SafetensorsReader.open(Fixtures.mixed())) {
            Tensor t = r.tensor("encoder.layer.0.attention.self.query.weight");
            float[] all = t.toFloatArray();
            ByteBuffer b = t.bytes(2, 3);
            assertTrue(b.isDirect(), "a mapped slice, not a heap copy");
            assertTrue(b.isReadOnly());
            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
            assertEquals(12, b.remaining());
            assertEquals(all[2], b.getFloat(b.position()));
            assertEquals(all[4], b.getFloat(b.position() + 8));
        }
    }

    @Test
    void readingOutsideATensorIsRefused() {
        try (SafetensorsReader r = SafetensorsReader.open(Fixtures.mixed())) {
            Tensor t = r.tensor("f16");
            assertThrows(IndexOutOfBoundsException.class, () -> t.bytes(8, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> t.bytes(-1, 1));
            assertEquals(0, t.bytes(10, 0).remaining());
        }
    }

    @Test
    void anUnknownTensorNameIsAnErrorNamingTheFile() {
        try (SafetensorsReader r = SafetensorsReader.open(Fixtures.mixed())) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> r.tensor("nope"));
            assertEquals(Fixtures.mixed() + ": has no tensor 'nope'", e.getMessage());
        }
    }

    @Test
    void aTensorReadAfterCloseIsAClearError() {
        SafetensorsReader r = SafetensorsReader.open(Fixtures.mixed());
        Tensor unread = r.tensor("bf16");
        Tensor read = r.tensor("f16");
        read.toFloatArray();
        r.close();
        CheckpointException e = assertThrows(CheckpointException.class, () -> unread.bytes(0, 1));
        assertEquals(Fixtures.mixed() + ": cannot read tensor 'bf16': the checkpoint is closed", e.getMessage());
        e = assertThrows(CheckpointException.class, () -> read.bytes(0, 1));
        assertEquals(Fixtures.mixed() + ": cannot read tensor 'f16': the checkpoint is closed", e.getMessage());
    }

    @Test
    void parallelReadsOfOneTensorSeeTheSameValues() throws Exception {
        Path file = dir.resolve("big.safetensors");
        float[] values = new float[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 7;
        }
        new SafetensorsWriter().addFloats("w", DType.F32, new long[] {values.length}, values).write(file);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            Tensor t = r.tensor("w");
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 16; task++) {
                int offset = task * 37;
                results.add(pool.submit(() -> {
                    float[] chunk = new float[1000];
                    for (long from = offset; from + chunk.length <= values.length; from += 997) {
                        t.readFloats(from, chunk, 0, chunk.length);
                        for (int i = 0; i < chunk.length; i++) {
                            if (chunk[i] != values[(int) from + i]) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aTensorLargerThanOneWindowReadsAcrossWindowsExactly() {
        Path file = dir.resolve("windows.safetensors");
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        new SafetensorsWriter().addU8("small", new long[] {3}, new byte[] {1, 2, 3})
                .addU8("bytes", new long[] {data.length}, data).write(file);
        // windows start every 64 bytes and span 120: reads up to 56 bytes fit in one, longer ones get their own
        try (SafetensorsReader r = SafetensorsReader.open(file, 64)) {
            Tensor t = r.tensor("bytes");
            for (int from = 0; from < data.length; from += 13) {
                for (int count : new int[] {1, 8, 56, 57, 130, 999}) {
                    if (from + count > data.length) {
                        continue;
                    }
                    byte[] got = Fixtures.remaining(t.bytes(from, count));
                    byte[] want = java.util.Arrays.copyOfRange(data, from, from + count);
                    assertArrayEquals(want, got, "from " + from + " count " + count);
                }
            }
        }
    }
}
