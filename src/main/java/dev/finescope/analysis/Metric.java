package dev.finescope.analysis;

import java.util.function.ToDoubleFunction;

/** The closeness metrics by name, with the words the app and the charts use for them. */
public enum Metric {
    MEAN_ABS_DELTA("mean_abs_delta", "mean |Δ|", "Average absolute change of an entry: Σ|b−a| / n.",
            TensorMetrics::meanAbsDelta),
    REL_L1("rel_l1", "relative L1", "Total absolute change relative to the pre-trained size: Σ|b−a| / Σ|a|.",
            TensorMetrics::relL1),
    L2("l2", "L2 distance", "Euclidean length of the change: ‖b−a‖₂.", TensorMetrics::l2),
    REL_L2("rel_l2", "relative L2", "Length of the change relative to the pre-trained length: ‖b−a‖₂ / ‖a‖₂.",
            TensorMetrics::relL2),
    COSINE("cosine", "cosine", "Cosine similarity of the two tensors; 1 means they point the same way.",
            TensorMetrics::cosine),
    ANGLE_RAD("angle_rad", "angle (rad)", "Angle between the two tensors as vectors, in radians.",
            TensorMetrics::angleRad),
    FRAC_CHANGED("frac_changed", "fraction changed", "Share of entries whose value changed at all (normalised L0).",
            TensorMetrics::fracChanged),
    FRAC_ZERO("frac_zero", "sparsity", "Share of entries of the fine-tuned tensor that are exactly zero.",
            TensorMetrics::fracZero),
    MAX_ABS_DELTA("max_abs_delta", "max |Δ|", "Largest absolute change of any entry.", TensorMetrics::maxAbsDelta);

    private final String id;
    private final String label;
    private final String description;
    private final ToDoubleFunction<TensorMetrics> getter;

    Metric(String id, String label, String description, ToDoubleFunction<TensorMetrics> getter) {
        this.id = id;
        this.label = label;
        this.description = description;
        this.getter = getter;
    }

    /** The CSV column and command-line name. */
    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** One sentence, for tooltips and help. */
    public String description() {
        return description;
    }

    public double of(TensorMetrics m) {
        return getter.applyAsDouble(m);
    }

    /**
     * The value a picture colours: the metric itself, except for the cosine, shown as the cosine distance
     * 1 − cos so that, as for every other metric, a larger value (more colour) means more change.
     */
    public double change(TensorMetrics m) {
        double v = of(m);
        return this == COSINE ? 1 - v : v;
    }

    /** The name of {@link #change}: the label, or "1 − cosine" for the cosine. */
    public String changeLabel() {
        return this == COSINE ? "1 − cosine" : label;
    }

    /** The units of {@link #change}, in words. */
    public String units() {
        return switch (this) {
            case MEAN_ABS_DELTA, L2, MAX_ABS_DELTA -> "the weights' own units";
            case REL_L1, REL_L2 -> "a ratio, no unit (0.01 = 1 % of the pre-trained size)";
            case COSINE -> "no unit; 0 = same direction, 1 = orthogonal";
            case ANGLE_RAD -> "radians";
            case FRAC_CHANGED, FRAC_ZERO -> "a share, 0 to 1";
        };
    }

    /**
     * What a picture of this metric shows, in three lines: what it measures, its formula (a = pre-trained,
     * b = fine-tuned tensor, n entries), its units.
     */
    public String definition() {
        String what = this == COSINE
                ? "1 − cosine: the cosine distance, 1 − ⟨a,b⟩ / (‖a‖₂‖b‖₂); 0 when the tensors point the same way. "
                        + "(The cosine itself is in the details and the CSV.)"
                : label + ": " + description;
        return what + "\nUnits: " + units() + ".\na = pre-trained tensor, b = fine-tuned tensor, n = entries. "
                + "Larger (more colour) = more change.";
    }

    /** True for metrics where a larger value means the tensor moved further. */
    public boolean largerIsFurther() {
        return this != COSINE;
    }

    public static Metric fromId(String id) {
        for (Metric m : values()) {
            if (m.id.equalsIgnoreCase(id) || m.name().equalsIgnoreCase(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + id + "'");
    }
}
