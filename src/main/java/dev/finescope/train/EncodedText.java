package dev.finescope.train;

import java.util.Arrays;

/**
 * One example after tokenization: token ids with the special tokens in place and their token types (0 for the
 * first segment, 1 for the second), before padding.
 */
public record EncodedText(int[] ids, int[] typeIds) {

    public EncodedText {
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException("ids and type ids differ in length: " + ids.length + " vs "
                    + typeIds.length);
        }
        ids = ids.clone();
        typeIds = typeIds.clone();
    }

    public int length() {
        return ids.length;
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public int[] typeIds() {
        return typeIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedText e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds);
    }

    @Override
    public String toString() {
        return "EncodedText" + Arrays.toString(ids) + " types " + Arrays.toString(typeIds);
    }
}
