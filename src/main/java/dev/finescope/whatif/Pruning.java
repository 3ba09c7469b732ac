package dev.finescope.whatif;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which entries of a matrix a pruning edit zeroes. Exactly {@code round(s · n)} of them, so that a sparsity means the
 * same share whatever the values: ties of |w| go to the lower flat index (a matrix with many equal entries, zeros
 * of an already sparse model included, is pruned deterministically), and a random choice is a seeded partial
 * shuffle whose first k entries also start the choice at any larger k (nested sets across sparsities).
 */
final class Pruning {

    private Pruning() {
    }

    /** {@code round(sparsity · n)}, half up. */
    static int count(double sparsity, int n) {
        return (int) Math.min(n, Math.round(sparsity * n));
    }

    /**
     * Every flat index ordered by |w| ascending, ties by index: the first k are magnitude pruning's choice at any k.
     * NaN entries come last.
     */
    static int[] magnitudeOrder(float[] w) {
        long[] keys = new long[w.length];
        for (int i = 0; i < w.length; i++) {
            // the bit pattern of a non-negative float orders as its value; the index breaks ties
            keys[i] = ((long) Float.floatToRawIntBits(Math.abs(w[i])) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[w.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /**
     * {@code k} distinct flat indices out of {@code n}, chosen uniformly by a partial Fisher–Yates shuffle seeded
     * from {@code seed} and the matrix's name (so that two matrices of one shape do not lose the same positions).
     */
    static int[] randomChoice(int n, int k, long seed, String matrix) {
        SplittableRandom random = new SplittableRandom(seed ^ (matrix.hashCode() * 0x9E3779B97F4A7C15L));
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        return Arrays.copyOf(index, k);
    }
}
