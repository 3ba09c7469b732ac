package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Examples padded to the longest of their batch (dynamic padding: a batch of short sentences costs little),
 * as row-major {@code [size, length]} arrays: token ids, token types and the attention mask (1 for real tokens,
 * 0 for padding).
 */
public final class TokenBatch {
    private final int size;
    private final int length;
    private final long[] inputIds;
    private final long[] typeIds;
    private final long[] attentionMask;

    private TokenBatch(int size, int length, long[] inputIds, long[] typeIds, long[] attentionMask) {
        this.size = size;
        this.length = length;
        this.inputIds = inputIds;
        this.typeIds = typeIds;
        this.attentionMask = attentionMask;
    }

    /** Right-pads every example with {@code padId} (type 0, mask 0) to the longest one. */
    public static TokenBatch pad(List<EncodedText> examples, int padId) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        int len = 0;
        for (EncodedText e : examples) {
            len = Math.max(len, e.length());
        }
        if (len == 0) {
            throw new IllegalArgumentException("every example of the batch is empty");
        }
        int n = examples.size();
        long[] ids = new long[n * len];
        long[] types = new long[n * len];
        long[] mask = new long[n * len];
        for (int r = 0; r < n; r++) {
            int[] ei = examples.get(r).ids();
            int[] et = examples.get(r).typeIds();
            for (int c = 0; c < len; c++) {
                int at = r * len + c;
                if (c < ei.length) {
                    ids[at] = ei[c];
                    types[at] = et[c];
                    mask[at] = 1;
                } else {
                    ids[at] = padId;
                }
            }
        }
        return new TokenBatch(n, len, ids, types, mask);
    }

    /** A batch given as already padded rows, for tests and references. */
    public static TokenBatch of(long[][] ids, long[][] typeIds, long[][] attentionMask) {
        int n = ids.length;
        if (n == 0 || typeIds.length != n || attentionMask.length != n) {
            throw new IllegalArgumentException("ids, type ids and mask need the same positive number of rows");
        }
        int len = ids[0].length;
        long[] fi = new long[n * len];
        long[] ft = new long[n * len];
        long[] fm = new long[n * len];
        for (int r = 0; r < n; r++) {
            if (ids[r].length != len || typeIds[r].length != len || attentionMask[r].length != len) {
                throw new IllegalArgumentException("row " + r + " differs in length from row 0 (" + len + ")");
            }
            System.arraycopy(ids[r], 0, fi, r * len, len);
            System.arraycopy(typeIds[r], 0, ft, r * len, len);
            System.arraycopy(attentionMask[r], 0, fm, r * len, len);
        }
        return new TokenBatch(n, len, fi, ft, fm);
    }

    public int size() {
        return size;
    }

    public int length() {
        return length;
    }

    /** The id at a row and position. */
    public long id(int row, int position) {
        return inputIds[row * length + position];
    }

    /** Real (unpadded) tokens in the batch. */
    public long tokenCount() {
        long n = 0;
        for (long m : attentionMask) {
            n += m;
        }
        return n;
    }

    NDArray inputIds(NDManager manager) {
        return manager.create(inputIds, new Shape(size, length));
    }

    NDArray typeIds(NDManager manager) {
        return manager.create(typeIds, new Shape(size, length));
    }

    public NDArray attentionMask(NDManager manager) {
        return manager.create(attentionMask, new Shape(size, length));
    }

    long maxId() {
        long m = Long.MIN_VALUE;
        for (long v : inputIds) {
            m = Math.max(m, v);
        }
        return m;
    }

    long minId() {
        long m = Long.MAX_VALUE;
        for (long v : inputIds) {
            m = Math.min(m, v);
        }
        return m;
    }

    long maxTypeId() {
        long m = 0;
        for (long v : typeIds) {
            m = Math.max(m, v);
        }
        return m;
    }
}
