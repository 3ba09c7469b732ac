package dev.finescope.checkpoint;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model as the user points at it: a Hugging Face folder ({@code config.json}, weights by their usual names,
 * {@code vocab.txt} or {@code tokenizer.json}) or a single weights file.
 */
public final class ModelFolder implements AutoCloseable {

    private ModelFolder() {
    }

    public static ModelFolder open(Path folderOrFile) {
        throw new UnsupportedOperationException("implemented by the checkpoint change");
    }

    /** The folder or file name, as the user knows the model. */
    public String label() {
        throw new UnsupportedOperationException();
    }

    public Path path() {
        throw new UnsupportedOperationException();
    }

    public ModelConfig config() {
        throw new UnsupportedOperationException();
    }

    public Checkpoint weights() {
        throw new UnsupportedOperationException();
    }

    public Optional<Path> vocab() {
        throw new UnsupportedOperationException();
    }

    public Optional<Path> tokenizerJson() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
