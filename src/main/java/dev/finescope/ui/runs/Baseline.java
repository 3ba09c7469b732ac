package dev.finescope.ui.runs;

import java.util.Objects;

/**
 * What a run has to beat to have learned something: the head-only fine-tune of the workspace (only the classifier
 * trained, every pre-trained weight as it was), or, without one, always answering the dev split's most common
 * label.
 *
 * @param description "the head-only baseline", "the majority class"
 * @param accuracy    its dev accuracy
 */
record Baseline(String description, double accuracy) {

    /**
     * A run at most this many points of accuracy above its baseline is "no better than" it: on a dev split of a few
     * hundred examples, the standard error of an accuracy near 50 % is about 2 points (450 examples: 2.4).
     */
    static final double NO_BETTER_POINTS = 2.0;

    Baseline {
        Objects.requireNonNull(description, "description");
    }
}
