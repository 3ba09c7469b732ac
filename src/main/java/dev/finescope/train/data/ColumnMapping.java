package dev.finescope.train.data;

import java.util.Objects;

/**
 * Which columns of a file hold the text, the second text of a pair, and the label. A file with no label column
 * gives unlabelled examples (predictions only).
 *
 * @param text     the first (or only) text
 * @param textPair the second text of a pair, or {@code null}
 * @param label    the label, or {@code null} for unlabelled data
 */
public record ColumnMapping(Column text, Column textPair, Column label) {

    public ColumnMapping {
        Objects.requireNonNull(text, "text");
    }

    /** A single text and a label. */
    public static ColumnMapping single(Column text, Column label) {
        return new ColumnMapping(text, null, label);
    }

    /** A sentence pair and a label. */
    public static ColumnMapping pair(Column text, Column textPair, Column label) {
        return new ColumnMapping(text, Objects.requireNonNull(textPair, "textPair"), label);
    }

    /** The same columns without the label (test files). */
    public ColumnMapping withoutLabel() {
        return new ColumnMapping(text, textPair, null);
    }

    /** True when a second text is mapped. */
    public boolean isPair() {
        return textPair != null;
    }

    /** True when a label column is mapped. */
    public boolean isLabelled() {
        return label != null;
    }
}
