package dev.finescope.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A tensor whose bytes lie contiguously in a file, memory-mapped on first read so that opening a model costs
 * nothing per tensor and reading costs no heap. A {@link java.nio.MappedByteBuffer} holds at most 2 GiB, so a
 * larger tensor is mapped in overlapping windows: every window starts at a multiple of the stride and is almost
 * twice as long, hence any read of up to one stride lies inside a single window and comes back as a slice
 * without copying. Reads are thread-safe: the mappings are shared, every caller gets its own buffer view.
 */
final class MappedTensor implements Tensor {

    /** Production stride: windows start every 1 GiB and span just under 2 GiB. */
    static final long DEFAULT_STRIDE = 1L << 30;

    private final Path file;
    private final FileChannel channel;
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long numel;
    private final long fileOffset;
    private final long byteLength;
    private final long stride;
    private final long windowLength;
    private final Object lock = new Object();
    private volatile ByteBuffer whole;
    private final AtomicReferenceArray<ByteBuffer> windows;

    MappedTensor(Path file, FileChannel channel, String name, DType dtype, long[] shape, long fileOffset) {
        this(file, channel, name, dtype, shape, fileOffset, DEFAULT_STRIDE);
    }

    /** {@code stride} is a parameter so that tests can exercise the windows with a small file. */
    MappedTensor(Path file, FileChannel channel, String name, DType dtype, long[] shape, long fileOffset,
            long stride) {
        if (stride <= 8 || stride % 8 != 0 || stride > DEFAULT_STRIDE) {
            throw new IllegalArgumentException("stride must be a multiple of 8 in (8, 2^30]: " + stride);
        }
        this.file = file;
        this.channel = channel;
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        this.numel = n;
        this.byteLength = Math.multiplyExact(n, (long) dtype.byteSize());
        this.fileOffset = fileOffset;
        this.stride = stride;
        this.windowLength = 2 * stride - 8;
        if (byteLength > windowLength) {
            long count = (byteLength + stride - 1) / stride;
            this.windows = new AtomicReferenceArray<>(Math.toIntExact(count));
        } else {
            this.windows = null;
        }
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
    public long numel() {
        return numel;
    }

    @Override
    public long byteSize() {
        return byteLength;
    }

    /** Where the tensor's first byte lies in its file. */
    long fileOffset() {
        return fileOffset;
    }

    /** Largest F32 read served by a positional read instead of the mapping: 4 MiB. */
    private static final int READ_BUFFER_LIMIT = 4 << 20;
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = new ThreadLocal<>();

    /**
     * F32 chunks are read with a positional read into a per-thread direct buffer rather than through the
     * mapping: a one-pass scan then costs one copy from the page cache, not a page fault per 4 KiB page (which
     * made a fresh analysis of BERT-base about twice as slow). Other types and larger reads use the mapping.
     */
    @Override
    public void readFloats(long from, float[] dst, int dstOff, int count) {
        long n = (long) count * 4;
        if (dtype != DType.F32 || n > READ_BUFFER_LIMIT || n == 0) {
            Tensor.super.readFloats(from, dst, dstOff, count);
            return;
        }
        Objects.checkFromIndexSize(from, count, numel);
        ByteBuffer buf = READ_BUFFER.get();
        if (buf == null || buf.capacity() < n) {
            buf = ByteBuffer.allocateDirect((int) Math.max(n, 1 << 18)).order(ByteOrder.LITTLE_ENDIAN);
            READ_BUFFER.set(buf);
        }
        buf.clear().limit((int) n);
        long position = fileOffset + from * 4;
        try {
            while (buf.hasRemaining()) {
                int read = channel.read(buf, position + buf.position());
                if (read < 0) {
                    throw new CheckpointException(file, name + ": the file ends inside the tensor's data");
                }
            }
        } catch (ClosedChannelException e) {
            throw closed(e);
        } catch (java.io.IOException e) {
            throw new CheckpointException(file, "cannot read " + name + ": " + e.getMessage(), e);
        }
        buf.flip();
        buf.asFloatBuffer().get(dst, dstOff, count);
    }

    @Override
    public ByteBuffer bytes(long from, int count) {
        Objects.checkFromIndexSize(from, count, numel);
        if (!channel.isOpen()) {
            throw closed(null);
        }
        long byteFrom = from * dtype.byteSize();
        long n = (long) count * dtype.byteSize();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + count + " elements of " + dtype
                    + " do not fit in one buffer; read in smaller chunks");
        }
        if (n == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (windows == null) {
            return whole().slice((int) byteFrom, (int) n).order(ByteOrder.LITTLE_ENDIAN);
        }
        int index = (int) (byteFrom / stride);
        long windowStart = index * stride;
        long windowEnd = Math.min(windowStart + windowLength, byteLength);
        if (byteFrom + n <= windowEnd) {
            return window(index).slice((int) (byteFrom - windowStart), (int) n).order(ByteOrder.LITTLE_ENDIAN);
        }
        // a read longer than one stride that straddles two windows: map just that range
        return map(fileOffset + byteFrom, n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer whole() {
        ByteBuffer m = whole;
        if (m == null) {
            synchronized (lock) {
                m = whole;
                if (m == null) {
                    m = map(fileOffset, byteLength);
                    whole = m;
                }
            }
        }
        return m;
    }

    private ByteBuffer window(int index) {
        ByteBuffer m = windows.get(index);
        if (m == null) {
            long start = index * stride;
            long length = Math.min(windowLength, byteLength - start);
            ByteBuffer mapped = map(fileOffset + start, length);
            if (windows.compareAndSet(index, null, mapped)) {
                m = mapped;
            } else {
                m = windows.get(index);
            }
        }
        return m;
    }

    private ByteBuffer map(long position, long size) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
        } catch (ClosedChannelException e) {
            throw closed(e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot map tensor '" + name + "': " + e.getMessage(), e);
        }
    }

    private CheckpointException closed(Throwable cause) {
        return new CheckpointException(file, "cannot read tensor " + SafetensorsReader.quote(name)
                + ": the checkpoint is closed", cause);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Tensor.shapeString(shape);
    }
}
