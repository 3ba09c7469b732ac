package dev.finescope.train;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint held in memory as float arrays, for tests: read from a small F32 safetensors file written by
 * {@code bert_reference.py}, or assembled by hand.
 */
final class FloatCheckpoint implements Checkpoint {
    private final Path source;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    FloatCheckpoint(Path source) {
        this.source = source;
    }

    FloatCheckpoint put(String name, long[] shape, float[] values) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for shape "
                    + Tensor.shapeString(shape));
        }
        long[] s = shape.clone();
        float[] v = values.clone();
        tensors.put(name, new Tensor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DType dtype() {
                return DType.F32;
            }

            @Override
            public long[] shape() {
                return s.clone();
            }

            @Override
            public ByteBuffer bytes(long from, int count) {
                ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    b.putFloat(v[(int) from + i]);
                }
                return b.flip();
            }
        });
        return this;
    }

    /** The same tensors under other names: {@code rename.apply(name)}, or dropped when it returns null. */
    FloatCheckpoint renamed(java.util.function.UnaryOperator<String> rename) {
        FloatCheckpoint out = new FloatCheckpoint(source);
        for (Tensor t : tensors.values()) {
            String to = rename.apply(t.name());
            if (to != null) {
                out.put(to, t.shape(), t.toFloatArray());
            }
        }
        return out;
    }

    /** Reads an all-F32 safetensors file. */
    static FloatCheckpoint readSafetensors(Path file) {
        try (Checkpoint c = dev.finescope.checkpoint.Checkpoints.open(file)) {
            FloatCheckpoint out = new FloatCheckpoint(file);
            for (String name : c.tensorNames()) {
                Tensor t = c.tensor(name);
                if (t.dtype() != DType.F32) {
                    throw new CheckpointException(file, name + " is not F32");
                }
                out.put(name, t.shape(), t.toFloatArray());
            }
            return out;
        }
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public List<String> tensorNames() {
        return List.copyOf(tensors.keySet());
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(source, "no tensor " + name);
        }
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void close() {
    }
}
