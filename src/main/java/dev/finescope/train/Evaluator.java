package dev.finescope.train;

import ai.djl.ndarray.NDManager;
import dev.finescope.train.data.GlueMetrics;
import dev.finescope.train.data.TaskMetric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Scores a model on a split: a forward pass without dropout over batches in file order, the task's GLUE metrics
 * of the predictions and the mean loss. The end-of-training evaluation and {@code finescope eval} both come
 * through here, so the same model, data, batch size and maximum length give the same numbers bit for bit.
 */
public final class Evaluator {

    /** The metric key of the mean task loss (cross-entropy, or squared error for a regression). */
    public static final String LOSS = "loss";

    /**
     * What a model said about a split.
     *
     * @param logits      per example, the head's outputs (one value for a regression)
     * @param predictions per example, the arg-max class (ties to the lower id), or the value for a regression
     * @param metrics     the task's metrics by {@link GlueMetrics#key}, then {@link #LOSS}
     */
    public record Result(String split, float[][] logits, double[] predictions, Map<String, Double> metrics) {
    }

    private Evaluator() {
    }

    /** Evaluates the whole split. */
    public static Result evaluate(BertEncoder model, EncodedSplit split, int batchSize, List<TaskMetric> metrics) {
        return evaluate(model, split, batchSize, metrics, () -> false).orElseThrow();
    }

    /**
     * Evaluates the split, checking {@code stop} between batches; empty when it asked to stop, so that a
     * cancelled run does not first finish a long evaluation.
     */
    public static Optional<Result> evaluate(BertEncoder model, EncodedSplit split, int batchSize,
            List<TaskMetric> metrics, BooleanSupplier stop) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, not " + batchSize);
        }
        GradientRecording.offOnThisThread();
        int n = split.size();
        int labels = model.config().numLabels();
        float[][] logits = new float[n][];
        for (int from = 0; from < n; from += batchSize) {
            if (stop.getAsBoolean()) {
                return Optional.empty();
            }
            int to = Math.min(n, from + batchSize);
            TokenBatch batch = split.batch(EncodedSplit.range(from, to));
            float[] flat;
            try (NDManager scope = model.newScope()) {
                flat = model.forward(scope, batch, false).logits().toFloatArray();
            }
            for (int r = 0; r < to - from; r++) {
                float[] row = new float[labels];
                System.arraycopy(flat, r * labels, row, 0, labels);
                logits[from + r] = row;
            }
        }
        return Optional.of(score(split, logits, metrics));
    }

    /**
     * The predictions, metrics and mean loss of logits given per example of {@code split} (in the split's order),
     * however they were computed: what-if experiments batch by length and start from cached states.
     */
    public static Result score(EncodedSplit split, float[][] logits, List<TaskMetric> metrics) {
        int n = split.size();
        if (logits.length != n) {
            throw new IllegalArgumentException(logits.length + " rows of logits for " + n + " examples");
        }
        boolean regression = logits.length > 0 && logits[0].length == 1;
        double[] predictions = new double[n];
        double lossSum = 0;
        for (int i = 0; i < n; i++) {
            float[] row = logits[i];
            float target = split.target(i);
            if (regression) {
                predictions[i] = row[0];
                double d = row[0] - (double) target;
                lossSum += d * d;
            } else {
                predictions[i] = argMax(row);
                lossSum += logSumExp(row) - row[(int) target];
            }
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        if (regression) {
            double[] targets = new double[n];
            for (int i = 0; i < n; i++) {
                targets[i] = split.target(i);
            }
            scores.putAll(GlueMetrics.regression(metrics, targets, predictions));
        } else {
            int[] truth = new int[n];
            int[] said = new int[n];
            for (int i = 0; i < n; i++) {
                truth[i] = (int) split.target(i);
                said[i] = (int) predictions[i];
            }
            scores.putAll(GlueMetrics.classification(metrics, truth, said));
        }
        scores.put(LOSS, lossSum / n);
        return new Result(split.name(), logits, predictions, scores);
    }

    static int argMax(float[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return best;
    }

    private static double logSumExp(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
