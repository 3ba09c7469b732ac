package dev.finescope.analysis;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.Progress;

/**
 * Compares a tuned model with its base: every tensor present in both, one fused pass over both in double
 * precision, in parallel over tensors and over chunks of large tensors, with a heap that does not grow with
 * the model.
 */
public final class Analyzer {

    /** An analyzer using {@code threads} worker threads. */
    public Analyzer(int threads) {
    }

    /**
     * Compares every same-named tensor. A shape mismatch is a {@link dev.finescope.checkpoint.CheckpointException}
     * naming the tensor and both shapes; tensors on one side only are listed in the result.
     */
    public ModelComparison compare(Checkpoint base, String baseLabel, Checkpoint tuned, String tunedLabel,
            NameMap names, Progress progress) {
        throw new UnsupportedOperationException("implemented by the analysis change");
    }
}
