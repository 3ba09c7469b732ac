package dev.finescope.ui.plan;

import dev.finescope.plan.Action;
import java.util.Locale;

/** How an action reads in a cell and its tooltip: a glyph that survives grey print, a word, a sentence. */
final class CellLook {

    private CellLook() {
    }

    /** ○ frozen, ● trained, ◐ masked. */
    static String glyph(Action a) {
        return switch (a.kind()) {
            case FREEZE -> "○";
            case FINE_TUNE -> "●";
            case SPARSIFY -> "◐";
        };
    }

    /** "frozen", "train", or the target sparsity as a whole percentage. */
    static String word(Action a) {
        return switch (a.kind()) {
            case FREEZE -> "frozen";
            case FINE_TUNE -> "train";
            case SPARSIFY -> percent(a.sparsity());
        };
    }

    static String meaning(Action a) {
        return switch (a.kind()) {
            case FREEZE -> "Frozen: keeps its pre-trained values.";
            case FINE_TUNE -> "Fine-tuned: every entry trains.";
            case SPARSIFY -> "Sparsified: keeps its pre-trained values; a learned mask sets " + percent(a.sparsity())
                    + " of its entries to zero.";
        };
    }

    /** "30 %", "12.5 %": a share as the app writes percentages, with a space. */
    static String percent(double share) {
        double p = share * 100;
        return Math.abs(p - Math.rint(p)) < 1e-9 ? (long) Math.rint(p) + " %"
                : String.format(Locale.ROOT, "%.1f %%", p);
    }
}
