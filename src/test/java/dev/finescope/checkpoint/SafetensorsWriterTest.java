package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private static float[] bitsToFloats(JsonNode bits) {
        float[] out = new float[bits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat((int) bits.get(i).asLong());
        }
        return out;
    }

    @Test
    void floatsU8AndMetadataRoundTripExactly() {
        Path file = dir.resolve("out.safetensors");
        float[] f32 = {1.5f, -0.0f, Float.MIN_VALUE, Float.NaN, 3.0e38f, -7.25f};
        byte[] mask = {0, 1, (byte) 255, 7};
        new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata(Map.of("finescope", "test"))
                .addFloats("b.weight", DType.F32, new long[] {2, 3}, f32)
                .addU8("a.mask", new long[] {2, 2}, mask)
                .addFloats("scalar", DType.F32, new long[] {}, new float[] {4f})
                .addFloats("empty", DType.BF16, new long[] {0, 3}, new float[0])
                .write(file);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(List.of("b.weight", "a.mask", "scalar", "empty"), r.tensorNames());
            assertEquals(Map.of("format", "pt", "finescope", "test"), r.metadata());
            Tensor w = r.tensor("b.weight");
            assertArrayEquals(new long[] {2, 3}, w.shape());
            float[] back = w.toFloatArray();
            for (int i = 0; i < f32.length; i++) {
                assertEquals(Float.floatToRawIntBits(f32[i]), Float.floatToRawIntBits(back[i]), "element " + i);
            }
            assertArrayEquals(mask, Fixtures.remaining(r.tensor("a.mask").bytes(0, 4)));
            assertEquals(DType.U8, r.tensor("a.mask").dtype());
            assertArrayEquals(new float[] {4f}, r.tensor("scalar").toFloatArray());
            assertEquals(0, r.tensor("empty").numel());
        }
    }

    @Test
    void f16AndBf16RoundToTheSameBitsAsNumpyAndTorch() {
        JsonNode expected = Fixtures.expected();
        Path file = dir.resolve("half.safetensors");
        float[] f16Source = bitsToFloats(expected.get("f16_source_bits"));
        float[] bf16Source = bitsToFloats(expected.get("bf16_source_bits"));
        new SafetensorsWriter()
                .addFloats("h", DType.F16, new long[] {f16Source.length}, f16Source)
                .addFloats("b", DType.BF16, new long[] {bf16Source.length}, bf16Source)
                .write(file);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertArrayEquals(Fixtures.hex(expected.get("f16_expected_bytes").asText()),
                    Fixtures.remaining(r.tensor("h").bytes(0, f16Source.length)));
            assertArrayEquals(Fixtures.hex(expected.get("bf16_expected_bytes").asText()),
                    Fixtures.remaining(r.tensor("b").bytes(0, bf16Source.length)));
        }
    }

    @Test
    void theHeaderIsPaddedWithSpacesToAMultipleOfEight() throws IOException {
        for (String name : List.of("a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh")) {
            Path file = dir.resolve(name + ".safetensors");
            new SafetensorsWriter().addU8(name, new long[] {1}, new byte[] {9}).write(file);
            byte[] all = Files.readAllBytes(file);
            long length = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, length % 8, name);
            String header = new String(all, 8, (int) length, StandardCharsets.UTF_8);
            String json = "{\"" + name + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
            assertEquals(json, header.stripTrailing(), name);
            assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), name);
            assertTrue(header.length() - json.length() < 8, name);
            assertEquals(8 + length + 1, all.length, name);
        }
    }

    @Test
    void everyTensorOfTheFixtureCopiesByteForByte() {
        Path file = dir.resolve("copy.safetensors");
        try (SafetensorsReader source = SafetensorsReader.open(Fixtures.mixed())) {
            SafetensorsWriter w = new SafetensorsWriter().metadata(source.metadata());
            source.tensorNames().forEach(n -> w.addCopy(source.tensor(n)));
            w.write(file);
            try (SafetensorsReader copy = SafetensorsReader.open(file)) {
                assertEquals(source.tensorNames(), copy.tensorNames());
                assertEquals(source.metadata(), copy.metadata());
                for (String n : source.tensorNames()) {
                    Tensor a = source.tensor(n);
                    Tensor b = copy.tensor(n);
                    assertEquals(a.dtype(), b.dtype(), n);
                    assertArrayEquals(a.shape(), b.shape(), n);
                    assertArrayEquals(Fixtures.remaining(a.bytes(0, (int) a.numel())),
                            Fixtures.remaining(b.bytes(0, (int) b.numel())), n);
                }
            }
        }
    }

    @Test
    void aTensorLargerThanTheCopyBufferIsStreamedInChunks() {
        Path first = dir.resolve("first.safetensors");
        Path second = dir.resolve("second.safetensors");
        float[] values = new float[700_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i);
        }
        new SafetensorsWriter().addFloats("w", DType.F32, new long[] {700, 1000}, values).write(first);
        try (SafetensorsReader source = SafetensorsReader.open(first)) {
            new SafetensorsWriter().addCopy("renamed", source.tensor("w"))
                    .addConverted("as.bf16", source.tensor("w"), DType.BF16).write(second);
        }
        try (SafetensorsReader copy = SafetensorsReader.open(second)) {
            assertArrayEquals(values, copy.tensor("renamed").toFloatArray());
            float[] bf16 = copy.tensor("as.bf16").toFloatArray();
            for (int i = 0; i < values.length; i++) {
                float want = Float.intBitsToFloat((DType.floatToBf16(values[i]) & 0xffff) << 16);
                assertEquals(want, bf16[i], "element " + i);
            }
        }
    }

    @Test
    void rawBytesOfAnyDtypeRoundTrip() {
        Path file = dir.resolve("raw.safetensors");
        ByteBuffer ids = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(-1);
        new SafetensorsWriter().addRaw("ids", DType.I64, new long[] {2}, ids.array()).write(file);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            ByteBuffer b = r.tensor("ids").bytes(0, 2);
            assertEquals(5, b.getLong(b.position()));
            assertEquals(-1, b.getLong(b.position() + 8));
        }
    }

    @Test
    void writingReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old");
        new SafetensorsWriter().addU8("m", new long[] {1}, new byte[] {1}).write(file);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(List.of("m"), r.tensorNames());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesTheTemporaryOne() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old");
        Tensor liar = new Tensor() {
            @Override
            public String name() {
                return "liar";
            }

            @Override
            public DType dtype() {
                return DType.F32;
            }

            @Override
            public long[] shape() {
                return new long[] {4};
            }

            @Override
            public ByteBuffer bytes(long from, int count) {
                return ByteBuffer.allocate(4); // fewer bytes than asked for
            }
        };
        SafetensorsWriter w = new SafetensorsWriter().addCopy(liar);
        CheckpointException e = assertThrows(CheckpointException.class, () -> w.write(file));
        assertEquals("tensor 'liar' gave 4 bytes instead of 16", e.problem());
        assertEquals("old", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aCancelledWriteLeavesNothingBehind() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Progress cancelled = new Progress() {
            @Override
            public void update(long done, long total, String what) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        SafetensorsWriter w = new SafetensorsWriter().addU8("m", new long[] {1}, new byte[] {1});
        assertThrows(CancellationException.class, () -> w.write(file, cancelled));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void badTensorsAreRefusedWhenAdded() {
        SafetensorsWriter w = new SafetensorsWriter().addU8("m", new long[] {1}, new byte[] {1});
        assertThrows(IllegalArgumentException.class, () -> w.addU8("m", new long[] {1}, new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> w.addU8("__metadata__", new long[] {1}, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("x", DType.F32, new long[] {3}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("x", DType.I32, new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.addRaw("x", DType.I32, new long[] {1}, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> w.addU8("x", new long[] {-1}, new byte[0]));
        assertEquals(1, w.size());
    }

    @Test
    void theWrittenValuesDoNotChangeWhenTheCallersArrayDoes() {
        Path file = dir.resolve("model.safetensors");
        float[] values = {1, 2};
        SafetensorsWriter w = new SafetensorsWriter().addFloats("w", DType.F32, new long[] {2}, values);
        Arrays.fill(values, 9);
        w.write(file);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertArrayEquals(new float[] {1, 2}, r.tensor("w").toFloatArray());
        }
    }
}
