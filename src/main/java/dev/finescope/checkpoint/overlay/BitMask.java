package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * A learned mask stored as one bit per entry of the matrix it masks, which is what makes a sparsified task cost
 * 1/32 of a float copy (method.md §4). The bit order is fixed so that any tool can read an overlay: entry
 * {@code i} (in row-major order of the logical shape) is bit {@code i % 8} of byte {@code i / 8}, bit 0 being the
 * least significant; a 1 bit means the entry is KEPT at its pre-trained value, a 0 bit means it is ZEROED.
 * Bits past the last entry in the last byte are 0. In numpy terms:
 * {@code np.packbits(kept.ravel(), bitorder="little")}.
 *
 * <p>Instances are immutable.
 */
public final class BitMask {

    /** The name of the bit order above, as written in an overlay's metadata. */
    public static final String BIT_ORDER = "lsb0-kept";

    private final long[] shape;
    private final long numel;
    private final byte[] packed;
    private final long kept;

    private BitMask(long[] shape, long numel, byte[] packed, long kept) {
        this.shape = shape;
        this.numel = numel;
        this.packed = packed;
        this.kept = kept;
    }

    /** Number of bytes that hold {@code numel} bits: {@code ceil(numel / 8)}. */
    public static long packedLength(long numel) {
        if (numel < 0) {
            throw new IllegalArgumentException("negative number of entries: " + numel);
        }
        return numel / 8 + (numel % 8 == 0 ? 0 : 1);
    }

    /** A mask of {@code shape} from one flag per entry, {@code true} = kept. */
    public static BitMask pack(long[] shape, boolean[] kept) {
        long n = numel(shape);
        if (kept.length != n) {
            throw new IllegalArgumentException("shape " + Tensor.shapeString(shape) + " has " + n
                    + " entries, got " + kept.length + " flags");
        }
        byte[] packed = new byte[(int) packedLength(n)];
        long count = 0;
        for (int i = 0; i < kept.length; i++) {
            if (kept[i]) {
                packed[i >>> 3] |= (byte) (1 << (i & 7));
                count++;
            }
        }
        return new BitMask(shape.clone(), n, packed, count);
    }

    /** A mask of {@code shape} from one byte per entry, each 1 (kept) or 0 (zeroed); any other value is refused. */
    public static BitMask pack(long[] shape, byte[] zeroOrOne) {
        long n = numel(shape);
        if (zeroOrOne.length != n) {
            throw new IllegalArgumentException("shape " + Tensor.shapeString(shape) + " has " + n
                    + " entries, got " + zeroOrOne.length + " bytes");
        }
        byte[] packed = new byte[(int) packedLength(n)];
        long count = 0;
        for (int i = 0; i < zeroOrOne.length; i++) {
            byte b = zeroOrOne[i];
            if (b == 1) {
                packed[i >>> 3] |= (byte) (1 << (i & 7));
                count++;
            } else if (b != 0) {
                throw new IllegalArgumentException("entry " + i + " of the mask is " + b + ", not 0 or 1");
            }
        }
        return new BitMask(shape.clone(), n, packed, count);
    }

    /**
     * A mask of {@code shape} from its packed bytes in the bit order of this class. The length must be
     * {@link #packedLength(long)} of the shape's entries and the unused high bits of the last byte must be 0.
     */
    public static BitMask fromPacked(long[] shape, byte[] packed) {
        long n = numel(shape);
        long expected = packedLength(n);
        if (packed.length != expected) {
            throw new IllegalArgumentException("shape " + Tensor.shapeString(shape) + " has " + n
                    + " entries, which pack into " + expected + " bytes, got " + packed.length);
        }
        int padding = paddingBits(packed, n);
        if (padding != 0) {
            throw new IllegalArgumentException("the last byte sets bits past entry " + (n - 1)
                    + " (0x" + Integer.toHexString(padding) + "); they must be 0");
        }
        return new BitMask(shape.clone(), n, packed.clone(), countKept(packed, 0, packed.length));
    }

    /** The bits of the last byte that lie past entry {@code numel - 1}, or 0 when there are none set. */
    static int paddingBits(byte[] packed, long numel) {
        int used = (int) (numel % 8);
        if (used == 0 || packed.length == 0) {
            return 0;
        }
        return (packed[packed.length - 1] & 0xff) & ~((1 << used) - 1);
    }

    /** The number of 1 bits in {@code packed[from, from + length)}. */
    static long countKept(byte[] packed, int from, int length) {
        long count = 0;
        for (int i = from; i < from + length; i++) {
            count += Integer.bitCount(packed[i] & 0xff);
        }
        return count;
    }

    private static long numel(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Tensor.shapeString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (packedLength(n) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a mask of " + n + " entries does not fit in one byte array");
        }
        return n;
    }

    /** The logical shape of the masked tensor; a fresh copy. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of entries of the masked tensor. */
    public long numel() {
        return numel;
    }

    /** True when entry {@code index} keeps its pre-trained value, false when it is zeroed. */
    public boolean isKept(long index) {
        Objects.checkIndex(index, numel);
        return (packed[(int) (index >>> 3)] >>> (index & 7) & 1) != 0;
    }

    /** Entries kept at their pre-trained value. */
    public long keptCount() {
        return kept;
    }

    /** Entries set to zero. */
    public long zeroedCount() {
        return numel - kept;
    }

    /** The share of entries set to zero (the sparsity the mask adds); 0 for an empty mask. */
    public double zeroedFraction() {
        return numel == 0 ? 0 : (double) zeroedCount() / numel;
    }

    /** The packed bytes; a fresh copy. */
    public byte[] packed() {
        return packed.clone();
    }

    /** One flag per entry, {@code true} = kept. */
    public boolean[] unpack() {
        boolean[] out = new boolean[Math.toIntExact(numel)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (packed[i >>> 3] >>> (i & 7) & 1) != 0;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitMask m && Arrays.equals(shape, m.shape) && Arrays.equals(packed, m.packed);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(packed);
    }

    @Override
    public String toString() {
        return "mask " + Tensor.shapeString(shape) + ", " + kept + " kept, " + zeroedCount() + " zeroed";
    }
}
