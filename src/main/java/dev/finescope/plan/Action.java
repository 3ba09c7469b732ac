package dev.finescope.plan;

import java.util.Locale;

/**
 * What a plan does with one weight matrix: keep its pre-trained values, train it, or learn which share of its
 * pre-trained entries to set to zero ({@code method.md} §3 and §4). An action with an impossible sparsity cannot
 * be made, so every plan that exists is one a training run can follow.
 *
 * @param kind     freeze, fine-tune or sparsify
 * @param sparsity for {@link Kind#SPARSIFY} the target share of zeros, strictly between 0 and 1; 0 otherwise
 */
public record Action(Kind kind, double sparsity) {

    /** The three things a plan can do with a matrix. */
    public enum Kind {
        /** The matrix keeps its pre-trained values. */
        FREEZE,
        /** The matrix is trained like in ordinary fine-tuning. */
        FINE_TUNE,
        /** The pre-trained values stay; a learned binary mask sets a share of them to zero. */
        SPARSIFY;

        /** The JSON spelling: {@code freeze}, {@code fine_tune}, {@code sparsify}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Accepts the JSON spelling, the enum name, and {@code fine-tune}, in any case. */
        public static Kind fromJsonName(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Kind k : values()) {
                if (k.name().equals(n)) {
                    return k;
                }
            }
            throw new IllegalArgumentException(
                    "unknown action '" + name + "' (one of: freeze, fine_tune, sparsify)");
        }
    }

    public static final Action FREEZE = new Action(Kind.FREEZE, 0);
    public static final Action FINE_TUNE = new Action(Kind.FINE_TUNE, 0);

    public Action {
        if (kind == null) {
            throw new IllegalArgumentException("an action needs a kind");
        }
        if (kind == Kind.SPARSIFY) {
            if (!(sparsity > 0 && sparsity < 1)) {
                throw new IllegalArgumentException("sparsity " + formatSparsity(sparsity) + " is outside (0, 1)");
            }
        } else if (sparsity != 0) {
            throw new IllegalArgumentException(kind.jsonName() + " takes no sparsity");
        } else {
            sparsity = 0;
        }
    }

    /** Sparsify with target share of zeros {@code s}, strictly between 0 and 1. */
    public static Action sparsify(double s) {
        return new Action(Kind.SPARSIFY, s);
    }

    public boolean isFreeze() {
        return kind == Kind.FREEZE;
    }

    public boolean isFineTune() {
        return kind == Kind.FINE_TUNE;
    }

    public boolean isSparsify() {
        return kind == Kind.SPARSIFY;
    }

    /**
     * How many of a matrix's {@code numel} entries this action sets to zero: {@code round(s·n)} (halves up) for
     * SPARSIFY, 0 otherwise. Training and the cost panel both count with this, so they agree.
     */
    public long zeroCount(long numel) {
        return kind == Kind.SPARSIFY ? Math.round(sparsity * numel) : 0;
    }

    /** For people: "freeze", "fine-tune", "sparsify 10%". */
    public String label() {
        return switch (kind) {
            case FREEZE -> "freeze";
            case FINE_TUNE -> "fine-tune";
            case SPARSIFY -> "sparsify " + formatPercent(sparsity);
        };
    }

    static String formatSparsity(double s) {
        if (s == Math.rint(s) && !Double.isInfinite(s)) {
            return Long.toString((long) s);
        }
        return Double.toString(s);
    }

    private static String formatPercent(double s) {
        double p = s * 100;
        if (Math.abs(p - Math.rint(p)) < 1e-9) {
            return (long) Math.rint(p) + "%";
        }
        return String.format(Locale.ROOT, "%.2f%%", p).replaceAll("0+%$", "%");
    }
}
