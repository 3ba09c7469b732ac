package dev.finescope.analysis;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A fresh random initialisation of a model's floating tensors, generated on demand and never stored: element
 * {@code i} of tensor {@code name} is a function of {@code (seed, name, i)} alone, so any chunking and any number
 * of threads read the same values. The generator is counter based: pair {@code k = i/2} of a tensor draws from
 * its own SplitMix64 stream and turns two uniforms into two normals by Marsaglia's polar method; logarithms use
 * {@link StrictMath} so that every machine gets the same values.
 */
final class RandomInit {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RandomInit() {
    }

    /** A checkpoint holding, for every floating tensor of {@code base}, normal values with deviation {@code std}. */
    static Checkpoint of(Checkpoint base, double std, long seed) {
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("the standard deviation must be positive, not " + std);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : base.tensorNames()) {
            Tensor t = base.tensor(name);
            if (t.dtype().isFloating()) {
                tensors.put(name, new NormalTensor(name, t.shape(), std, key(seed, name)));
            }
        }
        return new Generated(base.source(), tensors, label(std, seed));
    }

    /** One generated F32 tensor of normal values with deviation {@code std}, drawn from the stream of {@code (seed, name)}. */
    static Tensor normal(String name, long[] shape, double std, long seed) {
        return new NormalTensor(name, shape.clone(), std, key(seed, name));
    }

    /** How the random model is named in results and messages. */
    static String label(double std, long seed) {
        return String.format(Locale.ROOT, "random init (normal, std %s, seed %d)", std, seed);
    }

    /** The stream key of one tensor: the seed mixed with a 64-bit FNV-1a hash of the name's UTF-8 bytes. */
    static long key(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(mix(seed) ^ h);
    }

    /** Writes standard normal values of elements {@code [from, from + count)} of the stream {@code key}, times std. */
    static void fill(long key, double std, long from, float[] dst, int off, int count) {
        long end = from + count;
        long i = from;
        while (i < end) {
            long pair = i >>> 1;
            long state = mix(key + pair * GOLDEN);
            double u;
            double v;
            double s;
            do {
                state += GOLDEN;
                u = uniform(mix(state));
                state += GOLDEN;
                v = uniform(mix(state));
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double f = Math.sqrt(-2 * StrictMath.log(s) / s);
            if ((i & 1) == 0) {
                dst[off + (int) (i - from)] = (float) (u * f * std);
                i++;
            }
            if (i < end) {
                dst[off + (int) (i - from)] = (float) (v * f * std);
                i++;
            }
        }
    }

    /** A uniform value in (-1, 1) from the top 53 bits. */
    private static double uniform(long bits) {
        return ((bits >>> 11) * 0x1.0p-53) * 2 - 1;
    }

    /** SplitMix64's finaliser: a bijective mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One generated tensor, F32. */
    private record NormalTensor(String name, long[] shapeOf, double std, long key) implements Tensor {

        @Override
        public DType dtype() {
            return DType.F32;
        }

        @Override
        public long[] shape() {
            return shapeOf.clone();
        }

        @Override
        public ByteBuffer bytes(long from, int count) {
            float[] values = new float[count];
            readFloats(from, values, 0, count);
            ByteBuffer out = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
            out.asFloatBuffer().put(values);
            return out;
        }

        @Override
        public void readFloats(long from, float[] dst, int dstOff, int count) {
            if (from < 0 || count < 0 || from + count > numel()) {
                throw new IndexOutOfBoundsException("elements [" + from + ", " + (from + count) + ") of " + name
                        + " with " + numel() + " elements");
            }
            fill(key, std, from, dst, dstOff, count);
        }
    }

    private record Generated(Path source, Map<String, Tensor> tensors, String label) implements Checkpoint {

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
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new CheckpointException(source, label + " has no tensor " + name);
            }
            return t;
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of("finescope.random_init", label);
        }

        @Override
        public void close() {
        }
    }
}
