package dev.finescope.train;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether the mask scores' learning rate fits their initial size c. Adam moves every score by about its rate in
 * each step (the first step is the rate times the sign of the gradient, however small the gradient), and initial
 * scores are ±c: at a rate of c or more the first step carries the scores across one another and rebuilds each
 * mask from the signs of one batch's gradient, the magnitude order lost. Such a run is far outside the
 * straight-through estimate's small-step premise, and where it ends depends on the last bits of the arithmetic
 * (libtorch's kernel family: with c = 0.02 at a rate of 0.05 the tiny test run ended with a training loss of
 * 0.83, 1.34 or 1.59 under the avx512, avx2 and default kernels, from 1.20).
 */
final class ScoreRate {

    private ScoreRate() {
    }

    /** A line for the run's log when the rate is c or more; empty when it fits. */
    static Optional<String> warning(double scoreInit, double scoreLearningRate) {
        if (scoreLearningRate < scoreInit) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "warning: the mask scores' learning rate %.3g is not below "
                + "their initial size c = %.3g: Adam's first step moves every score by about its rate, so it can "
                + "rebuild every mask from one batch's gradient signs; a rate between c/2 and c keeps the first "
                + "steps small", scoreLearningRate, scoreInit));
    }
}
