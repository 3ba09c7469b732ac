package dev.finescope.analysis;

import dev.finescope.checkpoint.Checkpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A checkpoint held in memory, in the little-endian byte layout of its element types, so that tests exercise the
 * same decoding ({@link Tensor#readFloats}) as mapped files. It records the largest read, and refuses
 * {@link Tensor#toFloatArray()}, so tests can show the analysis never asks for a whole tensor.
 */
final class InMemoryCheckpoint implements Checkpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path source;
    private final Map<String, MemoryTensor> tensors;
    private final AtomicInteger largestRead = new AtomicInteger();

    private InMemoryCheckpoint(Path source, Map<String, MemoryTensor> tensors) {
        this.source = source;
        this.tensors = tensors;
    }

    static Builder builder(String source) {
        return new Builder(Path.of(source));
    }

    /**
     * The tensors of a fixture safetensors file on the test class path. A few lines that trust the fixture's
     * layout, for analysis tests only: the format readers are tested on their own.
     */
    static InMemoryCheckpoint fromSafetensorsResource(String resource) {
        java.net.URL url = InMemoryCheckpoint.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("no test resource " + resource);
        }
        try (Checkpoint file = Checkpoints.open(java.nio.file.Path.of(url.toURI()))) {
            Builder b = builder(resource);
            for (String name : file.tensorNames()) {
                Tensor t = file.tensor(name);
                ByteBuffer bytes = t.bytes(0, (int) t.numel());
                byte[] raw = new byte[bytes.remaining()];
                bytes.get(raw);
                b.addRaw(name, t.dtype(), t.shape(), raw);
            }
            return b.build();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The largest element count any single read of any tensor asked for. */
    int largestRead() {
        return largestRead.get();
    }

    /** A copy with one tensor replaced (same order), for shape and value edge cases. */
    InMemoryCheckpoint with(String name, DType dtype, long[] shape, float[] values) {
        Builder b = builder(source.toString());
        for (MemoryTensor t : tensors.values()) {
            if (t.name.equals(name)) {
                b.add(name, dtype, shape, values);
            } else {
                b.addRaw(t.name, t.dtype, t.shape, t.data);
            }
        }
        if (!tensors.containsKey(name)) {
            b.add(name, dtype, shape, values);
        }
        return b.build();
    }

    /** A copy without the named tensors. */
    InMemoryCheckpoint without(String... names) {
        Builder b = builder(source.toString());
        List<String> drop = List.of(names);
        for (MemoryTensor t : tensors.values()) {
            if (!drop.contains(t.name)) {
                b.addRaw(t.name, t.dtype, t.shape, t.data);
            }
        }
        return b.build();
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public List<String> tensorNames() {
        return new ArrayList<>(tensors.keySet());
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        MemoryTensor t = tensors.get(name);
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

    static final class Builder {
        private final Path source;
        private final Map<String, MemoryTensor> tensors = new LinkedHashMap<>();
        private InMemoryCheckpoint built;

        private Builder(Path source) {
            this.source = source;
        }

        /** A tensor with {@code values} encoded in {@code dtype} (rounded as the real writers round). */
        Builder add(String name, DType dtype, long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                switch (dtype) {
                    case F32 -> b.putFloat(v);
                    case F16 -> b.putShort(DType.floatToHalf(v));
                    case BF16 -> b.putShort(DType.floatToBf16(v));
                    case F64 -> b.putDouble(v);
                    case I64 -> b.putLong((long) v);
                    case I32 -> b.putInt((int) v);
                    case I16 -> b.putShort((short) v);
                    case I8, U8 -> b.put((byte) v);
                    case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
                    default -> throw new IllegalArgumentException(dtype.toString());
                }
            }
            return addRaw(name, dtype, shape, b.array());
        }

        /** A one-dimensional F32 tensor. */
        Builder add(String name, float... values) {
            return add(name, DType.F32, new long[] {values.length}, values);
        }

        Builder addRaw(String name, DType dtype, long[] shape, byte[] data) {
            MemoryTensor t = new MemoryTensor(name, dtype, shape.clone(), data, this);
            if (t.numel() * dtype.byteSize() != data.length) {
                throw new IllegalArgumentException(name + ": " + data.length + " bytes for shape "
                        + Tensor.shapeString(shape) + " of " + dtype);
            }
            tensors.put(name, t);
            return this;
        }

        InMemoryCheckpoint build() {
            built = new InMemoryCheckpoint(source, new LinkedHashMap<>(tensors));
            return built;
        }
    }

    private static final class MemoryTensor implements Tensor {
        final String name;
        final DType dtype;
        final long[] shape;
        final byte[] data;
        final Builder owner;

        MemoryTensor(String name, DType dtype, long[] shape, byte[] data, Builder owner) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.data = data;
            this.owner = owner;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public ByteBuffer bytes(long from, int count) {
            if (from < 0 || count < 0 || from + count > numel()) {
                throw new IndexOutOfBoundsException(name + ": elements [" + from + ", " + (from + count) + ")");
            }
            owner.built.largestRead.accumulateAndGet(count, Math::max);
            int size = dtype.byteSize();
            return ByteBuffer.wrap(data, (int) from * size, count * size).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public float[] toFloatArray() {
            throw new AssertionError("the analysis must read " + name + " in chunks, not whole");
        }
    }
}
