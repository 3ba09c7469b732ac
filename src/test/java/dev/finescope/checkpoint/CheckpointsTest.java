package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void aFolderWithModelSafetensorsOpensIt() throws IOException {
        Files.copy(Fixtures.mixed(), dir.resolve("model.safetensors"));
        try (Checkpoint c = Checkpoints.open(dir)) {
            assertInstanceOf(SafetensorsReader.class, c);
            assertEquals(dir.resolve("model.safetensors"), c.source());
        }
    }

    @Test
    void safetensorsArePreferredOverPytorchWeights() throws IOException {
        Files.copy(Fixtures.mixed(), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("pytorch_model.bin"), "not read");
        try (Checkpoint c = Checkpoints.open(dir)) {
            assertEquals(dir.resolve("model.safetensors"), c.source());
        }
    }

    @Test
    void aFolderWithAShardedIndexOpensTheShards() {
        try (Checkpoint c = Checkpoints.open(Fixtures.shardedFolder())) {
            assertInstanceOf(ShardedCheckpoint.class, c);
            assertEquals(12, c.tensorNames().size());
        }
    }

    @Test
    void aFolderWithoutWeightsListsTheNamesLookedFor() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertEquals(dir + ": holds no model weights: looked for model.safetensors, model.safetensors.index.json, "
                + "pytorch_model.bin, pytorch_model.bin.index.json", e.getMessage());
    }

    @Test
    void aFolderWithOtherWeightFilesSaysWhatItHolds() throws IOException {
        Files.writeString(dir.resolve("tf_model.h5"), "x");
        Files.copy(Fixtures.mixed(), dir.resolve("adapter.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertEquals("holds no model weights: looked for model.safetensors, model.safetensors.index.json, "
                + "pytorch_model.bin, pytorch_model.bin.index.json; it holds adapter.safetensors, tf_model.h5 "
                + "(open such a file directly if it is the model)", e.problem());
    }

    @Test
    void aSafetensorsFileIsRecognisedByItsContentWhateverItsName() throws IOException {
        Path file = Files.copy(Fixtures.mixed(), dir.resolve("weights.dat"));
        try (Checkpoint c = Checkpoints.open(file)) {
            assertInstanceOf(SafetensorsReader.class, c);
        }
    }

    @Test
    void anUnknownFileIsRefusedSayingWhatIsExpected() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello, world");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(file));
        assertEquals(file + ": is not a weights file FineScope knows (expected .safetensors, .bin, or a "
                + "*.index.json of a sharded model)", e.getMessage());
        Path h5 = Files.writeString(dir.resolve("tf_model.h5"), "HDF");
        e = assertThrows(CheckpointException.class, () -> Checkpoints.open(h5));
        assertEquals("is a h5 file, which FineScope does not read; open the model's .safetensors or .bin weights "
                + "instead", e.problem());
    }

    @Test
    void aMissingPathIsNamed() {
        Path missing = dir.resolve("nope");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(missing));
        assertEquals(missing + ": does not exist", e.getMessage());
    }

    @Test
    void aBinFileGoesToThePytorchReaderWhichNamesTheFile() throws IOException {
        Path bin = Files.writeString(dir.resolve("pytorch_model.bin"), "not a zip and not a pickle");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(bin));
        assertEquals(bin, e.file());
    }

    @Test
    void aTruncatedSafetensorsFileGetsTheSafetensorsError() throws IOException {
        Path file = Files.write(dir.resolve("model.safetensors"), new byte[] {1, 0, 0});
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertEquals(file + ": is too short for a safetensors file (3 bytes; the header length alone takes 8)",
                e.getMessage());
    }
}
