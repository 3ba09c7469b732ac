package dev.finescope.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A set of named tensors read lazily from one or more files (a safetensors file, a shard set, a PyTorch
 * {@code .bin}, an overlay on a base). Opening reads headers only; tensor data is mapped when read.
 */
public interface Checkpoint extends AutoCloseable {

    /** The file or folder this checkpoint was opened from, for messages. */
    Path source();

    /** Tensor names in the order of the file(s). */
    List<String> tensorNames();

    boolean contains(String name);

    /** The tensor of that name; a {@link CheckpointException} naming the source if there is none. */
    Tensor tensor(String name);

    /** Free-form string metadata ({@code __metadata__} of safetensors); empty when the format has none. */
    Map<String, String> metadata();

    @Override
    void close();
}
