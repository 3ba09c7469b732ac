package dev.finescope.whatif;

/**
 * How a pruning edit picks the entries it zeroes. Magnitude pruning is the baseline the paper's learned masks
 * start from; random pruning at the same sparsity says how much of the loss is due to which entries, not how many.
 */
public enum PruneMethod {
    /** The smallest |w| first; ties go to the lower flat (row-major) index, so the result is deterministic. */
    MAGNITUDE,
    /** A seeded uniform choice of exactly the same number of entries. */
    RANDOM
}
