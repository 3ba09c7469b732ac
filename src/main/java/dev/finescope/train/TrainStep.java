package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

/**
 * One optimisation step of a task fine-tune: forward with dropout, the task loss, backward, global-norm
 * clipping and an AdamW update. Every array of the step lives in a scope closed before it returns, so a long
 * run holds only the model and the optimizer state.
 */
public final class TrainStep {

    /** The loss of the batch (before the update) and the gradients' norm before clipping. */
    public record Result(double loss, double gradientNorm) {
    }

    private final BertEncoder model;
    private final AdamW optimizer;
    private final double maxGradientNorm;

    public TrainStep(BertEncoder model, AdamW optimizer, double maxGradientNorm) {
        if (!(maxGradientNorm > 0)) {
            throw new IllegalArgumentException("the clipping norm must be positive, not " + maxGradientNorm);
        }
        this.model = model;
        this.optimizer = optimizer;
        this.maxGradientNorm = maxGradientNorm;
    }

    /** Trains on one batch at {@code rateScale} times the peak learning rates. */
    public Result run(TokenBatch batch, float[] targets, double rateScale) {
        double loss;
        try (NDManager scope = model.newScope();
             GradientCollector collector = scope.getEngine().newGradientCollector()) {
            BertOutput out = model.forward(scope, batch, true);
            NDArray l = TaskLoss.of(scope, out.logits(), targets);
            collector.backward(l);
            loss = l.getFloat();
        }
        long step = optimizer.steps() + 1L;
        if (!Double.isFinite(loss)) {
            optimizer.zeroGradients();
            throw new NonFiniteException("step " + step + ": the loss became " + describe(loss));
        }
        double norm = optimizer.clipGradients(maxGradientNorm);
        if (!Double.isFinite(norm)) {
            String which = optimizer.firstNonFiniteGradient()
                    .map(n -> "the gradient of " + n.parameter().name() + " became " + n.describe())
                    .orElse("the gradient norm became " + describe(norm));
            optimizer.zeroGradients();
            throw new NonFiniteException("step " + step + ": " + which);
        }
        optimizer.step(rateScale);
        optimizer.firstNonFiniteWeight().ifPresent(n -> {
            throw new NonFiniteException("step " + step + ": " + what(n.parameter()) + " became " + n.describe()
                    + " (the learning rate may be too high)");
        });
        return new Result(loss, norm);
    }

    /** A step that made the loss, a gradient or a weight NaN or infinite; the run cannot go on from it. */
    public static final class NonFiniteException extends IllegalStateException {
        NonFiniteException(String message) {
            super(message);
        }
    }

    private static String describe(double value) {
        return Double.isNaN(value) ? "NaN" : "infinite";
    }

    private static String what(ModelParameter p) {
        return p.group() == ParameterGroup.SCORES ? "the mask scores " + p.name() : "the weight " + p.name();
    }

    /** The loss of a batch without dropout and without recording gradients. */
    public static double evaluate(BertEncoder model, TokenBatch batch, float[] targets) {
        try (NDManager scope = model.newScope()) {
            BertOutput out = model.forward(scope, batch, false);
            return TaskLoss.of(scope, out.logits(), targets).getFloat();
        }
    }
}
