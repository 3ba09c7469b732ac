package dev.finescope.train.data;

import java.util.Objects;

/**
 * How a reader turns the label column into {@link Label}s: against a known label set (GLUE, or dev and test
 * files after their training file), by discovering the set in the file itself, or as a float target.
 */
public final class LabelSpec {

    private enum Kind { FIXED, DISCOVER, REGRESSION }

    private final Kind kind;
    private final LabelSet fixed;
    private final LabelOrder order;

    private LabelSpec(Kind kind, LabelSet fixed, LabelOrder order) {
        this.kind = kind;
        this.fixed = fixed;
        this.order = order;
    }

    /** Every label must be one of these names (a regression set makes this {@link #regression()}). */
    public static LabelSpec fixed(LabelSet labels) {
        Objects.requireNonNull(labels, "labels");
        return labels.regression() ? regression() : new LabelSpec(Kind.FIXED, labels, null);
    }

    /** The label set is whatever labels the file holds, numbered in the given order. */
    public static LabelSpec discover(LabelOrder order) {
        return new LabelSpec(Kind.DISCOVER, null, Objects.requireNonNull(order, "order"));
    }

    /** The label column holds a decimal number per row. */
    public static LabelSpec regression() {
        return new LabelSpec(Kind.REGRESSION, LabelSet.REGRESSION, null);
    }

    /** True for {@link #regression()}. */
    public boolean isRegression() {
        return kind == Kind.REGRESSION;
    }

    /** True for {@link #discover(LabelOrder)}. */
    public boolean isDiscovered() {
        return kind == Kind.DISCOVER;
    }

    /** The known label set; {@code null} while it is still to be discovered. */
    public LabelSet labels() {
        return fixed;
    }

    /** The numbering of discovered labels; {@code null} unless discovered. */
    public LabelOrder order() {
        return order;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FIXED -> "fixed " + fixed.names();
            case DISCOVER -> "discovered, " + order;
            case REGRESSION -> "regression";
        };
    }
}
