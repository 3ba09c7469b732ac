package dev.finescope.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever bytes a {@code pytorch_model.bin} holds, opening and reading it ends in tensors or in a
 * {@link CheckpointException}: never another exception, a hang or an {@link OutOfMemoryError}. A plain build
 * replays the seeds under {@code PyTorchBinReaderFuzzTestInputs/}; {@code JAZZER_FUZZ=1} with one method
 * selected ({@code -Dtest='PyTorchBinReaderFuzzTest#unpicklerRaisesOnlyCheckpointExceptions'}) fuzzes it.
 */
class PyTorchBinReaderFuzzTest {

    /** Storages "0" … "15" of 256 bytes each, enough for every tensor of the seed pickles. */
    private static final Map<String, byte[]> STORAGES = storages();

    private static final Path PICKLE_SOURCE = Path.of("fuzzed.bin");

    @TempDir
    static Path tmp;

    @FuzzTest(maxDuration = "30s")
    void unpicklerRaisesOnlyCheckpointExceptions(byte[] pickle) {
        try {
            PyTorchBinReader.stateDict(PICKLE_SOURCE, TorchPickle.load(PICKLE_SOURCE, "archive/data.pkl", pickle));
        } catch (CheckpointException expected) {
            // a clean refusal is a correct answer
        }
    }

    @FuzzTest(maxDuration = "30s")
    void pickleInATorchArchiveReadsOrRaisesOnlyCheckpointExceptions(byte[] pickle) throws IOException {
        Path file = TorchZips.torchArchive(tmp.resolve("archive.bin"), pickle, STORAGES);
        openAndReadEverything(file);
    }

    @FuzzTest(maxDuration = "30s")
    void anyFileReadsOrRaisesOnlyCheckpointExceptions(byte[] bytes) throws IOException {
        Path file = Files.write(tmp.resolve("any.bin"), bytes);
        openAndReadEverything(file);
    }

    private static void openAndReadEverything(Path file) {
        try (Checkpoint c = PyTorchBinReader.open(file)) {
            for (String name : c.tensorNames()) {
                Tensor t = c.tensor(name);
                int count = (int) Math.min(t.numel(), 1 << 12);
                t.bytes(0, count);
                t.bytes(t.numel() - count, count);
                float[] head = new float[count];
                t.readFloats(0, head, 0, count);
            }
        } catch (CheckpointException expected) {
            // a clean refusal is a correct answer
        }
    }

    private static Map<String, byte[]> storages() {
        Map<String, byte[]> storages = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            byte[] data = new byte[256];
            for (int j = 0; j < data.length; j++) {
                data[j] = (byte) (i * 31 + j);
            }
            storages.put(Integer.toString(i), data);
        }
        return storages;
    }
}
