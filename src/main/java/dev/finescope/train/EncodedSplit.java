package dev.finescope.train;

import dev.finescope.train.data.DataException;
import dev.finescope.train.data.Example;
import dev.finescope.train.data.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A split tokenized once, before training starts: every example as token ids, with its target (a class id as a
 * float, or the regression value). Tokenizing up front finds text the model cannot take (ids beyond its
 * vocabulary) before the first step, and lets every epoch batch by index without tokenizing again. Batches are
 * padded to their own longest example.
 */
public final class EncodedSplit {

    private final Split split;
    private final List<EncodedText> texts;
    private final float[] targets;
    private final int padId;

    private EncodedSplit(Split split, List<EncodedText> texts, float[] targets, int padId) {
        this.split = split;
        this.texts = Collections.unmodifiableList(texts);
        this.targets = targets;
        this.padId = padId;
    }

    /**
     * Tokenizes a labelled split.
     *
     * @param vocabSize the model's vocabulary; a token id at or beyond it is a {@link DataException}
     */
    public static EncodedSplit of(Split split, TextTokenizer tokenizer, int maxLength, boolean regression,
            int vocabSize) {
        List<EncodedText> texts = new ArrayList<>(split.size());
        float[] targets = new float[split.size()];
        int i = 0;
        for (Example e : split.examples()) {
            if (!e.hasLabel()) {
                throw new DataException(split.file(), "line " + e.line() + " has no label");
            }
            EncodedText t = tokenizer.encode(e.text(), e.textPair(), maxLength);
            for (int id : t.ids()) {
                if (id < 0 || id >= vocabSize) {
                    throw new DataException(split.file(), "line " + e.line() + " tokenizes to id " + id
                            + ", outside the model's vocabulary of " + vocabSize + " (does the tokenizer belong to "
                            + "this model?)");
                }
            }
            texts.add(t);
            targets[i++] = regression ? e.target() : e.classId();
        }
        return new EncodedSplit(split, texts, targets, tokenizer.specialTokens().pad());
    }

    public Split split() {
        return split;
    }

    public String name() {
        return split.name();
    }

    public int size() {
        return texts.size();
    }

    /** The target of example {@code i}. */
    public float target(int i) {
        return targets[i];
    }

    /** Examples {@code indices}, padded to their longest. */
    public TokenBatch batch(int[] indices) {
        List<EncodedText> rows = new ArrayList<>(indices.length);
        for (int i : indices) {
            rows.add(texts.get(i));
        }
        return TokenBatch.pad(rows, padId);
    }

    /** The targets of examples {@code indices}. */
    public float[] targets(int[] indices) {
        float[] out = new float[indices.length];
        for (int k = 0; k < indices.length; k++) {
            out[k] = targets[indices[k]];
        }
        return out;
    }

    /** Indices {@code from} (inclusive) to {@code to} (exclusive). */
    static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }
}
