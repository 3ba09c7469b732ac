package dev.finescope.train.data;

import java.util.Objects;

/**
 * One input for a BERT-family classifier: a sentence or a sentence pair, its label, and the line it came from,
 * so a prediction or a problem can always be traced back to the user's file.
 *
 * @param text     the first (or only) text, as it stands in the file
 * @param textPair the second text of a pair task, or {@code null} for single-sentence tasks
 * @param label    the class id, the regression target, or {@link Label#NONE}
 * @param line     the 1-based line of the file on which this example's row starts
 */
public record Example(String text, String textPair, Label label, long line) {

    public Example {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        if (line < 1) {
            throw new IllegalArgumentException("line numbers start at 1: " + line);
        }
    }

    /** True when the example is a sentence pair. */
    public boolean isPair() {
        return textPair != null;
    }

    /** True unless the label is {@link Label#NONE}. */
    public boolean hasLabel() {
        return !(label instanceof Label.Absent);
    }

    /** The class id; only for classification examples. */
    public int classId() {
        if (label instanceof Label.ClassId c) {
            return c.id();
        }
        throw new IllegalStateException("line " + line + " has no class label: " + label);
    }

    /** The regression target; only for regression examples. */
    public float target() {
        if (label instanceof Label.Target t) {
            return t.value();
        }
        throw new IllegalStateException("line " + line + " has no regression target: " + label);
    }
}
