package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The losses of BERT's sequence-classification head: cross-entropy over the labels, or mean squared error
 * for a one-output regression head (STS-B), both averaged over the batch as transformers does.
 */
public final class TaskLoss {

    private TaskLoss() {
    }

    /**
     * The loss of {@code logits [batch, labels]} against the targets: class indices for classification, real
     * values for regression ({@code labels == 1}). The result is a scalar in {@code scope}.
     */
    public static NDArray of(NDManager scope, NDArray logits, float[] targets) {
        long batch = logits.getShape().get(0);
        long labels = logits.getShape().get(1);
        if (targets.length != batch) {
            throw new IllegalArgumentException(targets.length + " targets for a batch of " + batch);
        }
        if (labels == 1) {
            NDArray t = scope.create(targets, new Shape(batch, 1));
            return logits.sub(t).square().mean();
        }
        long[] classes = new long[targets.length];
        for (int i = 0; i < targets.length; i++) {
            float c = targets[i];
            if (c != Math.rint(c) || c < 0 || c >= labels) {
                throw new IllegalArgumentException("label " + c + " of example " + i + " is not a class in [0, "
                        + labels + ")");
            }
            classes[i] = (long) c;
        }
        NDArray index = scope.create(classes, new Shape(batch, 1));
        return logits.logSoftmax(-1).gather(index, 1).mean().neg();
    }
}
