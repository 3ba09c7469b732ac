package dev.finescope.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
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
        try {
            byte[] raw = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            int headerSize = (int) b.getLong(0);
            JsonNode header = new ObjectMapper().readTree(new String(raw, 8, headerSize,
                    java.nio.charset.StandardCharsets.UTF_8));
            int base = 8 + headerSize;
            FloatCheckpoint out = new FloatCheckpoint(file);
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode info = e.getValue();
                if (!info.get("dtype").asText().equals("F32")) {
                    throw new CheckpointException(file, e.getKey() + " is not F32");
                }
                List<Long> shape = new ArrayList<>();
                info.get("shape").forEach(d -> shape.add(d.asLong()));
                long from = info.get("data_offsets").get(0).asLong();
                long to = info.get("data_offsets").get(1).asLong();
                float[] v = new float[(int) ((to - from) / 4)];
                b.slice(base + (int) from, (int) (to - from)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                out.put(e.getKey(), shape.stream().mapToLong(Long::longValue).toArray(), v);
            }
            return out;
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
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
