package dev.finescope.train;

/**
 * BERT's learning-rate schedule: a linear warm-up from near 0 to the peak rate over the first
 * {@code ceil(warmupRatio · total)} steps, then a linear decay towards 0 at the end of training. Steps count
 * from 1; unlike transformers' {@code get_linear_schedule_with_warmup}, no step runs at rate 0 (its first step
 * does, with warm-up), so every step of a short run moves the weights.
 *
 * <p>With {@code W} warm-up steps and {@code T} steps in all, step {@code k} runs at {@code k / W} of the peak for
 * {@code k ≤ W} and at {@code (T − k + 1) / (T − W)} after: the peak is reached at step {@code W} (and at step
 * {@code W + 1}), the last step runs at {@code 1 / (T − W)}.
 */
public record LinearSchedule(long totalSteps, long warmupSteps) {

    public LinearSchedule {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("a schedule needs at least one step, not " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warm-up of " + warmupSteps + " steps in " + totalSteps);
        }
    }

    /** The schedule of {@code totalSteps} steps whose first {@code ceil(ratio · total)} warm up. */
    public static LinearSchedule of(long totalSteps, double warmupRatio) {
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("the warm-up ratio must lie in [0, 1], not " + warmupRatio);
        }
        return new LinearSchedule(totalSteps, (long) Math.ceil(warmupRatio * totalSteps));
    }

    /** The share of the peak rate at 1-based {@code step}. */
    public double scale(long step) {
        if (step < 1 || step > totalSteps) {
            throw new IllegalArgumentException("step " + step + " is outside 1.." + totalSteps);
        }
        if (step <= warmupSteps) {
            return step / (double) warmupSteps;
        }
        return (totalSteps - step + 1) / (double) (totalSteps - warmupSteps);
    }
}
