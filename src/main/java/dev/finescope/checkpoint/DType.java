package dev.finescope.checkpoint;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Element types found in real checkpoints. Floating types are read as {@code float} for analysis;
 * integer and boolean types keep their raw bytes and are converted only when asked.
 */
public enum DType {
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F64(8, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return floating;
    }

    /** The safetensors spelling of this type ({@code "F32"}, {@code "BOOL"} …). */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype, or returns {@code null} when the name is unknown. */
    public static DType fromSafetensorsName(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Reads the element at byte position {@code pos} of a little-endian buffer as a float. */
    public float readFloat(ByteBuffer le, int pos) {
        return switch (this) {
            case F32 -> le.getFloat(pos);
            case F16 -> halfToFloat(le.getShort(pos));
            case BF16 -> Float.intBitsToFloat((le.getShort(pos) & 0xffff) << 16);
            case F64 -> (float) le.getDouble(pos);
            case I64 -> (float) le.getLong(pos);
            case I32 -> (float) le.getInt(pos);
            case I16 -> (float) le.getShort(pos);
            case I8 -> (float) le.get(pos);
            case U8 -> (float) (le.get(pos) & 0xff);
            case BOOL -> le.get(pos) != 0 ? 1f : 0f;
        };
    }

    /** IEEE 754 binary16 to binary32, exact for every input including subnormals, infinities and NaN. */
    public static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal half: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** binary32 to binary16 with round-to-nearest-even. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }

    /** binary32 to bfloat16 with round-to-nearest-even (NaN stays NaN). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        bits += 0x7fff + lsb;
        return (short) (bits >>> 16);
    }
}
