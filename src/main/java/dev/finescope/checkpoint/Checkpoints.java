package dev.finescope.checkpoint;

import java.nio.file.Path;

/** Opens any weights file or model folder FineScope understands, recognising the format by name and content. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /**
     * A {@code .safetensors} file, a {@code model.safetensors.index.json}, a {@code pytorch_model.bin}, a
     * {@code pytorch_model.bin.index.json}, or a folder holding one of these.
     */
    public static Checkpoint open(Path fileOrFolder) {
        throw new UnsupportedOperationException("implemented by the checkpoint change");
    }
}
