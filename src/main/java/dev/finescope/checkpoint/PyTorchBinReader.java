package dev.finescope.checkpoint;

import java.nio.file.Path;

/** Reads PyTorch {@code .bin} checkpoints. */
public final class PyTorchBinReader {

    private PyTorchBinReader() {
    }

    public static Checkpoint open(Path binFile) {
        throw new CheckpointException(binFile, "PyTorch .bin reading is not available");
    }
}
