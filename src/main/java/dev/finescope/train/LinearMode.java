package dev.finescope.train;

/**
 * How one weight matrix takes part in fine-tuning: kept at its pre-trained values, trained, or replaced by a
 * learned binary mask over its pre-trained values (method.md §3 and §4).
 */
public enum LinearMode {
    /** Pre-trained values, no gradient. */
    FROZEN,
    /** Every entry trained. */
    TRAINABLE,
    /** Pre-trained values frozen; a score tensor of the same shape is trained and decides which entries stay. */
    MASKED
}
