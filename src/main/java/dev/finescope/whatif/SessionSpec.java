package dev.finescope.whatif;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a session evaluates on, and how. Kept as one value so that a sweep's CSV can say which model, data and
 * settings its points belong to, and refuse to resume from points of another.
 *
 * @param model       a model folder with a task head, or an overlay (opened on its base)
 * @param base        the pre-trained model to revert to; null: the overlay's base (or no revert possible)
 * @param data        a GLUE folder, the task's folder, or one labelled file in the task's layout
 * @param task        the GLUE task name (SST-2, CoLA …)
 * @param split       {@code dev}, {@code train}, {@code test} or a file's split name
 * @param batchSize   examples per forward pass
 * @param maxLength   tokens per example at most
 * @param maxExamples the first examples of the split only; 0 for all
 * @param cache       whether hidden states at each layer's input are cached
 */
public record SessionSpec(Path model, Path base, Path data, String task, String split,
                          int batchSize, int maxLength, int maxExamples, boolean cache) {

    public SessionSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(split, "split");
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, not " + batchSize);
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("the maximum length must be at least 2 tokens, not " + maxLength);
        }
        if (maxExamples < 0) {
            throw new IllegalArgumentException("the number of examples cannot be negative: " + maxExamples);
        }
    }

    /** Split {@code dev}, batches of 32, 128 tokens at most, every example, cache on. */
    public static SessionSpec of(Path model, Path base, Path data, String task) {
        return new SessionSpec(model, base, data, task, "dev", 32, 128, 0, true);
    }

    public SessionSpec withCache(boolean on) {
        return new SessionSpec(model, base, data, task, split, batchSize, maxLength, maxExamples, on);
    }

    public SessionSpec withMaxExamples(int n) {
        return new SessionSpec(model, base, data, task, split, batchSize, maxLength, n, cache);
    }
}
