package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor taken from a foreign format under its Hugging Face BERT name. The source bytes stay where they
 * were read (a mapped file, a slice of a protobuf, a heap copy of a deflated entry); transposing
 * {@code [in, out]} to {@code [out, in]} and dequantising int8/uint8 happen lazily, chunk by chunk, when the
 * bytes are asked for, so writing a model never needs a second copy of it.
 */
public final class ImportedTensor implements Tensor {

    /**
     * Linear quantisation {@code value = (q - zeroPoint) * scale}, one scale and zero point for the whole tensor
     * or one per index along {@code axis} of the source layout.
     */
    public record Quantization(float[] scale, int[] zeroPoint, int axis) {
        public Quantization {
            Objects.requireNonNull(scale);
            Objects.requireNonNull(zeroPoint);
            if (scale.length == 0 || zeroPoint.length != scale.length) {
                throw new IllegalArgumentException("scale and zero point need the same, non-zero, length");
            }
        }

        public boolean perTensor() {
            return scale.length == 1;
        }
    }

    private static final int TILE = 32;

    private final String name;
    private final String sourceName;
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer source;
    private final DType sourceType;
    private final long[] sourceShape;
    private final boolean transposed;
    private final Quantization quantization;
    private final long numel;

    private ImportedTensor(String name, String sourceName, DType dtype, long[] shape, ByteBuffer source,
                           DType sourceType, long[] sourceShape, boolean transposed, Quantization quantization) {
        this.name = name;
        this.sourceName = sourceName;
        this.dtype = dtype;
        this.shape = shape;
        this.source = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.sourceType = sourceType;
        this.sourceShape = sourceShape;
        this.transposed = transposed;
        this.quantization = quantization;
        long n = 1;
        for (long d : sourceShape) {
            n = Math.multiplyExact(n, d);
        }
        this.numel = n;
        if (this.source.remaining() != Math.multiplyExact(n, (long) sourceType.byteSize())) {
            throw new IllegalArgumentException(name + ": " + this.source.remaining() + " bytes for shape "
                    + Arrays.toString(sourceShape) + " of " + sourceType);
        }
        if (quantization != null) {
            int channels = quantization.scale().length;
            if (channels > 1 && (quantization.axis() < 0 || quantization.axis() >= sourceShape.length
                    || sourceShape[quantization.axis()] != channels)) {
                throw new IllegalArgumentException(name + ": " + channels + " scales do not fit axis "
                        + quantization.axis() + " of " + Arrays.toString(sourceShape));
            }
        }
    }

    /** The tensor as it is in the source, under {@code name}. */
    public static ImportedTensor of(String name, String sourceName, DType type, long[] shape, ByteBuffer data) {
        return new ImportedTensor(name, sourceName, type, shape.clone(), data, type, shape.clone(), false, null);
    }

    /** An int8/uint8 tensor that reads as float32 after dequantisation. */
    public static ImportedTensor dequantized(String name, String sourceName, DType intType, long[] shape,
                                             ByteBuffer data, Quantization quantization) {
        if (intType != DType.I8 && intType != DType.U8) {
            throw new IllegalArgumentException("only int8 and uint8 tensors are dequantised, not " + intType);
        }
        return new ImportedTensor(name, sourceName, DType.F32, shape.clone(), data, intType, shape.clone(), false,
                Objects.requireNonNull(quantization));
    }

    /** This 2-D tensor read as its transpose: a source {@code [in, out]} becomes {@code [out, in]}. */
    public ImportedTensor transposed() {
        if (sourceShape.length != 2 || transposed) {
            throw new IllegalStateException(name + ": only a 2-D tensor is transposed, once");
        }
        return new ImportedTensor(name, sourceName, dtype, new long[] {sourceShape[1], sourceShape[0]}, source,
                sourceType, sourceShape, true, quantization);
    }

    /** The same data as float32 (for types the output keeps only as float, such as float64). */
    public ImportedTensor asFloat32() {
        if (dtype == DType.F32) {
            return this;
        }
        return new ImportedTensor(name, sourceName, DType.F32, shape, source, sourceType, sourceShape, transposed,
                quantization);
    }

    public ImportedTensor renamed(String newName) {
        return new ImportedTensor(newName, sourceName, dtype, shape, source, sourceType, sourceShape, transposed,
                quantization);
    }

    @Override
    public String name() {
        return name;
    }

    /** The tensor's name in the source file (an ONNX initializer, a TF variable), for provenance. */
    public String sourceName() {
        return sourceName;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The element type in the source (differs from {@link #dtype()} after dequantisation). */
    public DType sourceType() {
        return sourceType;
    }

    public boolean isTransposed() {
        return transposed;
    }

    public Quantization quantization() {
        return quantization;
    }

    @Override
    public long numel() {
        return numel;
    }

    @Override
    public ByteBuffer bytes(long from, int count) {
        if (from < 0 || count < 0 || from > numel - count) {
            throw new IndexOutOfBoundsException(name + ": elements [" + from + ", " + (from + count) + ") of "
                    + numel);
        }
        int outSize = dtype.byteSize();
        if (count == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (!transposed && quantization == null && sourceType == dtype) {
            int s = sourceType.byteSize();
            return source.duplicate().position(Math.toIntExact(from * s))
                    .limit(Math.toIntExact((from + count) * s)).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (!transposed) {
            ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(count, outSize)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                put(out, i * outSize, from + i);
            }
            return out;
        }
        // output [rows, cols] = source [cols, rows]; fill whole output rows, tile by tile, then cut the range
        long rows = shape[0];
        long cols = shape[1];
        long r0 = from / cols;
        long r1 = count == 0 ? r0 : (from + count + cols - 1) / cols;
        ByteBuffer block = ByteBuffer.allocate(Math.toIntExact((r1 - r0) * cols * outSize))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (long ra = r0; ra < r1; ra += TILE) {
            long rb = Math.min(r1, ra + TILE);
            for (long c = 0; c < cols; c++) {
                long srcRow = c * rows;
                for (long r = ra; r < rb; r++) {
                    put(block, (int) (((r - r0) * cols + c) * outSize), srcRow + r);
                }
            }
        }
        int start = (int) ((from - r0 * cols) * outSize);
        return block.position(start).limit(start + count * outSize).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes source element {@code srcIndex}, converted to the output type, at byte {@code pos} of {@code out}. */
    private void put(ByteBuffer out, int pos, long srcIndex) {
        int s = sourceType.byteSize();
        int at = (int) (srcIndex * s);
        if (quantization != null) {
            int q = sourceType == DType.I8 ? source.get(at) : source.get(at) & 0xff;
            int ch = channel(srcIndex);
            out.putFloat(pos, ((float) q - (float) quantization.zeroPoint()[ch]) * quantization.scale()[ch]);
        } else if (sourceType == dtype) {
            switch (s) {
                case 1 -> out.put(pos, source.get(at));
                case 2 -> out.putShort(pos, source.getShort(at));
                case 4 -> out.putInt(pos, source.getInt(at));
                default -> out.putLong(pos, source.getLong(at));
            }
        } else {
            out.putFloat(pos, sourceType.readFloat(source, at));
        }
    }

    private int channel(long srcIndex) {
        if (quantization.perTensor()) {
            return 0;
        }
        long stride = 1;
        for (int d = sourceShape.length - 1; d > quantization.axis(); d--) {
            stride *= sourceShape[d];
        }
        return (int) ((srcIndex / stride) % sourceShape[quantization.axis()]);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + (transposed ? " (transposed)" : "")
                + (quantization != null ? " (dequantised from " + sourceType + ")" : "");
    }
}
