package dev.finescope.whatif;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A model with a task head, its evaluation split tokenized and batched once, and (when the spec asks) the hidden
 * states at each layer's input cached per batch. Experiments run in-process against one session: a process per
 * experiment would tokenize again and throw the cache away, which is most of what makes a sweep fast.
 *
 * <p>Edits change the weights in place and are undone exactly after each evaluation, so evaluations are
 * independent of each other and of their order. A session is not thread-safe: one evaluation at a time.
 */
public final class WhatIfSession implements AutoCloseable {

    private WhatIfSession() {
    }

    /**
     * Opens the model (folder, or overlay with its base), reads and tokenizes the split once.
     *
     * @param progress told the share done (0..1) and what is happening; may be null
     * @throws dev.finescope.checkpoint.CheckpointException naming the model file or folder that cannot be used
     * @throws IllegalArgumentException naming the data that cannot be used, or a bad setting
     */
    public static WhatIfSession open(SessionSpec spec, BiConsumer<Double, String> progress) {
        throw new UnsupportedOperationException("not yet");
    }

    public SessionSpec spec() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The model's encoder layers. */
    public int layerCount() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The model as the user knows it (the folder's or overlay's name). */
    public String modelLabel() {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@code accuracy} for SST-2-like tasks, else the task's first metric. */
    public String primaryMetric() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Examples evaluated. */
    public int examples() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The unedited model's outcome; computed once, then cached. */
    public Outcome baseline() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Applies the edits in order, evaluates, and undoes them exactly.
     *
     * @throws java.util.concurrent.CancellationException when {@code cancel} asked to stop (the model is restored)
     * @throws IllegalArgumentException for a matrix or layer the model does not have, or a revert without a base
     */
    public Outcome evaluate(List<Edit> edits, Cancel cancel) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether a pre-trained base is known, so that revert edits can be evaluated. */
    public boolean canRevert() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
