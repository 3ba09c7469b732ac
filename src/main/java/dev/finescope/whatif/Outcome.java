package dev.finescope.whatif;

import java.util.Map;

/**
 * The metrics of one evaluation, with the unedited model's value beside it: a what-if answer is always a
 * difference ("30% of layer 9's FFN costs 0.4 points").
 *
 * @param metrics              the task's metrics by key, then {@code loss}
 * @param primaryMetric        the key of the metric the product reports ({@code accuracy} for SST-2)
 * @param primary              that metric's value
 * @param baseline             that metric for the unedited model
 * @param zeroed               entries the edits set to zero (pruning only)
 * @param entries              entries of the matrices pruned
 * @param firstLayerRecomputed the first layer this evaluation ran (0: the whole model; the layer count: only the head)
 * @param nanos                wall time of the evaluation
 * @param change               the examples whose correctness flipped against the unedited model, with the
 *                             uncertainty of the accuracy's change; null when the primary metric is not accuracy
 */
public record Outcome(Map<String, Double> metrics, String primaryMetric, double primary, double baseline,
                      long zeroed, long entries, int firstLayerRecomputed, long nanos, PairedChange change) {

    public Outcome {
        metrics = Map.copyOf(metrics);
    }

    /** An outcome without per-example counts. */
    public Outcome(Map<String, Double> metrics, String primaryMetric, double primary, double baseline,
            long zeroed, long entries, int firstLayerRecomputed, long nanos) {
        this(metrics, primaryMetric, primary, baseline, zeroed, entries, firstLayerRecomputed, nanos, null);
    }

    /** {@code primary − baseline}: negative when the edit hurts. */
    public double delta() {
        return primary - baseline;
    }
}
