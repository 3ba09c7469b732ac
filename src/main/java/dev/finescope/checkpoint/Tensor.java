package dev.finescope.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One named tensor of a checkpoint whose data stays in its file until asked for. Reading is by element
 * range so that a pass over a tensor needs only a chunk of heap, whatever the tensor's size.
 */
public interface Tensor {

    String name();

    DType dtype();

    /** The shape; a fresh copy. A scalar has shape {@code []}. */
    long[] shape();

    default long numel() {
        long n = 1;
        for (long d : shape()) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    default long byteSize() {
        return Math.multiplyExact(numel(), (long) dtype().byteSize());
    }

    /**
     * The raw little-endian bytes of elements {@code [from, from + count)}. The buffer may be memory-mapped
     * and is only valid while the owning checkpoint is open.
     */
    ByteBuffer bytes(long from, int count);

    /** Reads elements {@code [from, from + count)} converted to float into {@code dst[dstOff …]}. */
    default void readFloats(long from, float[] dst, int dstOff, int count) {
        ByteBuffer b = bytes(from, count).order(ByteOrder.LITTLE_ENDIAN);
        DType t = dtype();
        if (t == DType.F32) {
            b.asFloatBuffer().get(dst, dstOff, count);
            return;
        }
        int size = t.byteSize();
        int base = b.position();
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = t.readFloat(b, base + i * size);
        }
    }

    /** All elements as floats; for small tensors and tests only. */
    default float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(name() + " has " + n + " elements, too many for one array");
        }
        float[] out = new float[(int) n];
        int chunk = 1 << 20;
        for (int i = 0; i < n; i += chunk) {
            readFloats(i, out, i, (int) Math.min(chunk, n - i));
        }
        return out;
    }

    static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }
}
