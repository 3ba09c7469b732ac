package dev.finescope.train.data;

/**
 * What a reader does with a bad row. The default skips it and keeps it as a {@link Problem} on the
 * {@link Split}, so real files with a few broken lines (GLUE's QQP has some) still train, and the count and the
 * lines are shown to the user. A file in which no row is usable is always an error.
 */
public enum ProblemPolicy {
    /** Skip the row, record the problem, go on. */
    SKIP_AND_REPORT,
    /** Stop at the first bad row with a {@link DataException} naming file and line. */
    FAIL
}
