package dev.finescope.checkpoint;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a safetensors file that the Python {@code safetensors} library and FineScope's reader both accept:
 * the header is padded with spaces to a multiple of 8 bytes as that library does, tensors follow in the order
 * they were added. FineScope writes models it derives (imports, masked or reverted copies), so the writer
 * streams: tensors copied from another checkpoint go through a small buffer and never sit whole on the heap.
 * The file appears under its name only when complete (temporary file in the same folder, then an atomic
 * move), so a crash or a cancel never leaves a half-written model where a user would open it.
 */
public final class SafetensorsWriter {

    private static final Logger LOGGER = LoggerFactory.getLogger(SafetensorsWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** Streams one tensor's bytes into the file. */
    private interface Data {
        void writeTo(FileChannel out, ByteBuffer scratch) throws IOException;
    }

    private record Entry(String name, DType dtype, long[] shape, long byteSize, Data data) {
    }

    /** Adds a {@code __metadata__} entry (the Hugging Face tools expect {@code "format": "pt"}). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Adds every entry of {@code values} to {@code __metadata__}. */
    public SafetensorsWriter metadata(Map<String, String> values) {
        values.forEach(this::metadata);
        return this;
    }

    /** Adds a floating tensor stored as {@code dtype} (F32, F16 or BF16, rounded to nearest even). */
    public SafetensorsWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException(name + ": floats are written as F32, F16 or BF16, not " + dtype);
        }
        long numel = checkShape(name, shape);
        if (values.length != numel) {
            throw new IllegalArgumentException(name + ": shape " + Tensor.shapeString(shape) + " needs " + numel
                    + " values, got " + values.length);
        }
        float[] data = values.clone();
        add(name, dtype, shape, (out, scratch) -> writeFloats(out, scratch, dtype, data, 0, data.length));
        return this;
    }

    /** Adds a U8 tensor (masks, token ids of a byte vocabulary …). */
    public SafetensorsWriter addU8(String name, long[] shape, byte[] values) {
        return addRaw(name, DType.U8, shape, values);
    }

    /** Adds a tensor of any dtype from its raw little-endian bytes. */
    public SafetensorsWriter addRaw(String name, DType dtype, long[] shape, byte[] littleEndianBytes) {
        long numel = checkShape(name, shape);
        long size = Math.multiplyExact(numel, (long) dtype.byteSize());
        if (littleEndianBytes.length != size) {
            throw new IllegalArgumentException(name + ": " + dtype + Tensor.shapeString(shape) + " takes " + size
                    + " bytes, got " + littleEndianBytes.length);
        }
        byte[] data = littleEndianBytes.clone();
        add(name, dtype, shape, (out, scratch) -> writeFully(out, ByteBuffer.wrap(data)));
        return this;
    }

    /** Copies a tensor of another checkpoint under its own name; its bytes are streamed when writing. */
    public SafetensorsWriter addCopy(Tensor source) {
        return addCopy(source.name(), source);
    }

    /**
     * Copies a tensor of another checkpoint under {@code name}, byte for byte. The source checkpoint must stay
     * open until {@link #write} returns.
     */
    public SafetensorsWriter addCopy(String name, Tensor source) {
        long[] shape = source.shape();
        checkShape(name, shape);
        DType dtype = source.dtype();
        add(name, dtype, shape, (out, scratch) -> {
            long numel = source.numel();
            int step = Math.max(1, CHUNK_BYTES / dtype.byteSize());
            for (long from = 0; from < numel; from += step) {
                int count = (int) Math.min(step, numel - from);
                writeFully(out, source.bytes(from, count).duplicate());
            }
        });
        return this;
    }

    /**
     * Copies a floating tensor of another checkpoint converted to {@code dtype} (F32, F16 or BF16), streaming
     * in chunks; a tensor already of that dtype is copied byte for byte.
     */
    public SafetensorsWriter addConverted(String name, Tensor source, DType dtype) {
        if (source.dtype() == dtype) {
            return addCopy(name, source);
        }
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException(name + ": floats are written as F32, F16 or BF16, not " + dtype);
        }
        if (!source.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": " + source.dtype() + " is not a floating type");
        }
        long[] shape = source.shape();
        checkShape(name, shape);
        add(name, dtype, shape, (out, scratch) -> {
            long numel = source.numel();
            int step = CHUNK_BYTES / 4;
            float[] chunk = new float[(int) Math.min(step, numel)];
            for (long from = 0; from < numel; from += step) {
                int count = (int) Math.min(step, numel - from);
                source.readFloats(from, chunk, 0, count);
                writeFloats(out, scratch, dtype, chunk, 0, count);
            }
        });
        return this;
    }

    /** Number of tensors added so far. */
    public int size() {
        return entries.size();
    }

    /** Writes the file atomically; see {@link #write(Path, Progress)}. */
    public void write(Path target) {
        write(target, Progress.NONE);
    }

    /**
     * Writes everything added so far to {@code target}: first to a temporary file beside it, then moved into
     * place atomically, replacing an existing file. Progress counts bytes; a cancel deletes the temporary file
     * and throws {@link CancellationException}.
     */
    public void write(Path target, Progress progress) {
        Path absolute = target.toAbsolutePath();
        byte[] header = header();
        long total = 8L + header.length + entries.stream().mapToLong(Entry::byteSize).sum();
        try {
            AtomicFiles.writeChannel(absolute, out -> {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer scratch = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Entry e : entries) {
                    if (progress.isCancelled()) {
                        throw new CancellationException("writing " + target + " was cancelled");
                    }
                    long before = out.position();
                    e.data.writeTo(out, scratch);
                    long written = out.position() - before;
                    if (written != e.byteSize) {
                        throw new CheckpointException(target, "tensor " + SafetensorsReader.quote(e.name)
                                + " gave " + written + " bytes instead of " + e.byteSize);
                    }
                    progress.update(out.position(), total, e.name);
                }
            });
            LOGGER.debug("wrote {} ({} tensors, {} bytes)", absolute, entries.size(), total);
        } catch (IOException e) {
            throw new CheckpointException(target, "cannot be written: " + e.getMessage(), e);
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes. */
    byte[] header() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(SafetensorsReader.METADATA_KEY);
                for (var m : metadata.entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Entry e : entries) {
                g.writeObjectFieldStart(e.name);
                g.writeStringField("dtype", e.dtype.safetensorsName());
                g.writeArrayFieldStart("shape");
                for (long d : e.shape) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + e.byteSize);
                g.writeEndArray();
                g.writeEndObject();
                offset += e.byteSize;
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        int padding = (8 - bytes.size() % 8) % 8;
        for (int i = 0; i < padding; i++) {
            bytes.write(' ');
        }
        if (bytes.size() > SafetensorsReader.MAX_HEADER_BYTES) {
            throw new IllegalStateException("the header would take " + bytes.size() + " bytes, over the 100 MB limit");
        }
        return bytes.toByteArray();
    }

    private void add(String name, DType dtype, long[] shape, Data data) {
        Objects.requireNonNull(name, "name");
        if (SafetensorsReader.METADATA_KEY.equals(name)) {
            throw new IllegalArgumentException(SafetensorsReader.METADATA_KEY + " is not a tensor name");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        long byteSize = Math.multiplyExact(checkShape(name, shape), (long) dtype.byteSize());
        entries.add(new Entry(name, dtype, shape.clone(), byteSize, data));
    }

    private static long checkShape(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Tensor.shapeString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void writeFloats(FileChannel out, ByteBuffer scratch, DType dtype, float[] values, int from,
            int count) throws IOException {
        int perChunk = scratch.capacity() / dtype.byteSize();
        for (int start = from; start < from + count; start += perChunk) {
            int n = Math.min(perChunk, from + count - start);
            scratch.clear();
            switch (dtype) {
                case F32 -> {
                    scratch.asFloatBuffer().put(values, start, n);
                    scratch.limit(n * 4);
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        scratch.putShort(DType.floatToHalf(values[start + i]));
                    }
                    scratch.flip();
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        scratch.putShort(DType.floatToBf16(values[start + i]));
                    }
                    scratch.flip();
                }
                default -> throw new IllegalArgumentException("not a float storage type: " + dtype);
            }
            writeFully(out, scratch);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
