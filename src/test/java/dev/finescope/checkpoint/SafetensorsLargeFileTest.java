package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and tensors beyond the 2 GiB a single mapping can hold. The files are sparse: only the few bytes
 * written take disk space, the rest reads as zeros.
 */
class SafetensorsLargeFileTest {

    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private Path file;

    @AfterEach
    void deleteTheSparseFile() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** Writes a safetensors header, sets the file length, and returns where the data starts. */
    private long sparseFile(String header, long dataLength) throws IOException {
        file = dir.resolve("large.safetensors");
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length);
            raf.write(length.array());
            raf.write(json);
            raf.setLength(8 + json.length + dataLength);
        }
        return 8 + json.length;
    }

    private void writeFloatsAt(long position, float... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        b.flip();
        try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) {
                ch.write(b, position + (b.position()));
            }
        }
    }

    @Test
    void aSmallTensorPastTheTwoGibMarkOfALargeFileReadsExactly() throws IOException {
        long begin = 2 * GIB + 300 * (1L << 20) + 4;
        String header = "{\"near\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + begin + "," + (begin + 16) + "]}}";
        long dataStart = sparseFile(header, 2 * GIB + 600 * (1L << 20));
        writeFloatsAt(dataStart, 0.5f, -0.5f);
        writeFloatsAt(dataStart + begin, 1.25f, -3f, 1e-30f, 42f);
        assertEquals(true, Files.size(file) > 2.5 * GIB);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertArrayEquals(new float[] {1.25f, -3f, 1e-30f, 42f}, r.tensor("far").toFloatArray());
            assertArrayEquals(new float[] {0.5f, -0.5f}, r.tensor("near").toFloatArray());
        }
    }

    @Test
    void aTensorLargerThanTwoGibReadsExactlyAcrossItsMappingWindows() throws IOException {
        long numel = 700_000_000L; // 2.8 GB of F32
        String header = "{\"huge\":{\"dtype\":\"F32\",\"shape\":[" + numel + "],\"data_offsets\":[0," + numel * 4 + "]}}";
        long dataStart = sparseFile(header, numel * 4);
        // marks around the window starts (every 1 GiB of bytes = 2^28 elements) and at both ends
        long[] marks = {0, (1L << 28) - 2, (1L << 29) - 1, (5L << 27) + 1, numel - 3};
        for (long m : marks) {
            writeFloatsAt(dataStart + m * 4, m, m + 1, m + 2);
        }
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            Tensor t = r.tensor("huge");
            assertEquals(numel, t.numel());
            float[] three = new float[3];
            for (long m : marks) {
                t.readFloats(m, three, 0, 3);
                assertArrayEquals(new float[] {m, m + 1, m + 2}, three, "at element " + m);
            }
            // a read of 1.2 GB that straddles two windows is mapped on its own
            long from = (1L << 28) - 2;
            int count = 300_000_000;
            ByteBuffer b = t.bytes(from, count);
            assertEquals(count * 4L, b.remaining());
            assertEquals((float) from, b.getFloat(b.position()));
            assertEquals(0f, b.getFloat(b.position() + 12), "a hole of the sparse file reads as zero");
            long mark = (1L << 29) - 1;
            assertEquals((float) mark, b.getFloat(b.position() + (int) ((mark - from) * 4)));
        }
    }
}
