package dev.finescope.ui.plan;

import dev.finescope.plan.PlanCost;
import java.util.Locale;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * A plan's cost in the words and units of the cost panel. Kept apart from the numbers so that the panel and its
 * tests read the same sentences, and so that rounding happens in one place.
 */
public final class CostTexts {

    static final String NONE = "—";

    private final ReadOnlyStringWrapper trainable = new ReadOnlyStringWrapper(this, "trainable", NONE);
    private final ReadOnlyStringWrapper stored = new ReadOnlyStringWrapper(this, "stored", NONE);
    private final ReadOnlyStringWrapper zeroed = new ReadOnlyStringWrapper(this, "zeroed", NONE);
    private final ReadOnlyStringWrapper flops = new ReadOnlyStringWrapper(this, "flops", NONE);
    private final ReadOnlyStringWrapper masks = new ReadOnlyStringWrapper(this, "masks", NONE);

    CostTexts() {
    }

    /** Trainable parameters against all, with the share of mask scores among them. */
    public ReadOnlyStringProperty trainableProperty() {
        return trainable.getReadOnlyProperty();
    }

    /** Bytes a task stores next to the shared base, against a full copy. */
    public ReadOnlyStringProperty storedProperty() {
        return stored.getReadOnlyProperty();
    }

    /** Entries the masks set to zero. */
    public ReadOnlyStringProperty zeroedProperty() {
        return zeroed.getReadOnlyProperty();
    }

    /** Share of encoder multiply-adds per token that the zeros could skip. */
    public ReadOnlyStringProperty flopsProperty() {
        return flops.getReadOnlyProperty();
    }

    /** The masks' size under ideal entropy coding, and as raw bits. */
    public ReadOnlyStringProperty masksProperty() {
        return masks.getReadOnlyProperty();
    }

    void update(PlanCost c) {
        if (c == null) {
            trainable.set(NONE);
            stored.set(NONE);
            zeroed.set(NONE);
            flops.set(NONE);
            masks.set(NONE);
            return;
        }
        String scores = c.scoreParameters() == 0 ? ""
                : String.format(Locale.ROOT, ", %,d of them mask scores", c.scoreParameters());
        trainable.set(String.format(Locale.ROOT, "%,d of %,d (%s)%s", c.trainableParameters(),
                c.totalParameters(), percent(c.trainableShare()), scores));
        stored.set(bytes(c.overlayBytes()) + " of " + bytes(c.fullCopyBytes()) + " for a full copy ("
                + percent(c.overlayShareOfFullCopy()) + ")");
        zeroed.set(c.entriesZeroed() == 0 ? "none"
                : String.format(Locale.ROOT, "%,d of %,d masked entries", c.entriesZeroed(), c.maskedEntries()));
        flops.set(percent(c.encoderFlopsSkipped()) + " of the encoder's multiply-adds");
        masks.set(c.maskedEntries() == 0 ? "no masks"
                : bytes(Math.round(c.entropyCodedMaskBytes())) + " entropy-coded (" + bytes(c.rawMaskBytes())
                        + " as bits)");
    }

    /** A share as a percentage: two decimals below 1%, one above; exactly "0%" and "100%" at the ends. */
    static String percent(double share) {
        double p = share * 100;
        if (p == 0) {
            return "0%";
        }
        if (p == 100) {
            return "100%";
        }
        return String.format(Locale.ROOT, p < 1 ? "%.2f%%" : "%.1f%%", p);
    }

    /** Bytes in decimal units: B, kB, MB, GB. */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
    }
}
