package dev.finescope.train.data;

/**
 * How class ids are given to label strings found in a training file. {@link #SORTED} is the default because it
 * gives the same ids for the same label set whatever the row order, so two runs on shuffled copies of a file
 * agree on what class 0 is.
 */
public enum LabelOrder {
    /**
     * Numeric order when every label is an integer ({@code 2 < 10}), otherwise the order of
     * {@link String#compareTo} (UTF-16 code units, independent of the machine's locale).
     */
    SORTED,
    /** The order in which labels first appear in the training file. */
    FIRST_SEEN
}
