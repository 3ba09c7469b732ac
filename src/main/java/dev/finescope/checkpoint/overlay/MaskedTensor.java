package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A pre-trained tensor seen through a 1-bit mask: the base's bytes where the mask keeps an entry, all-zero bytes
 * where it zeroes one (+0.0 for F32, F16 and BF16; 0 or false for the others). Nothing is materialised: each read
 * copies just the requested range of the base and the mask bytes that cover it, so any range works, whether or
 * not it starts on a byte of the mask, and concurrent reads share no state.
 */
final class MaskedTensor implements Tensor {

    private final Tensor base;
    private final Tensor packedMask;
    private final long numel;
    private final DType dtype;

    /** {@code packedMask} holds the bits as U8 bytes, {@code ceil(numel / 8)} of them, checked by the caller. */
    MaskedTensor(Tensor base, Tensor packedMask) {
        this.base = base;
        this.packedMask = packedMask;
        this.numel = base.numel();
        this.dtype = base.dtype();
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long[] shape() {
        return base.shape();
    }

    @Override
    public long numel() {
        return numel;
    }

    @Override
    public ByteBuffer bytes(long from, int count) {
        Objects.checkFromIndexSize(from, count, numel);
        int size = dtype.byteSize();
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(count, size)).order(ByteOrder.LITTLE_ENDIAN);
        if (count == 0) {
            return out;
        }
        out.put(base.bytes(from, count).duplicate());
        out.clear();
        byte[] values = out.array();
        long end = from + count;
        long firstByte = from >>> 3;
        int maskBytes = (int) (((end - 1) >>> 3) - firstByte + 1);
        ByteBuffer mask = packedMask.bytes(firstByte, maskBytes);
        int maskBase = mask.position();
        for (int k = 0; k < maskBytes; k++) {
            int zeroed = ~mask.get(maskBase + k) & 0xff;
            if (zeroed == 0) {
                continue;
            }
            long byteStart = (firstByte + k) << 3;
            if (byteStart < from) {
                zeroed &= 0xff << (int) (from - byteStart);
            }
            if (byteStart + 8 > end) {
                zeroed &= 0xff >>> (int) (byteStart + 8 - end);
            }
            while (zeroed != 0) {
                int bit = Integer.numberOfTrailingZeros(zeroed);
                zeroed &= zeroed - 1;
                int at = (int) (byteStart + bit - from) * size;
                for (int b = 0; b < size; b++) {
                    values[at + b] = 0;
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name() + " " + dtype + Tensor.shapeString(shape()) + " masked";
    }
}
