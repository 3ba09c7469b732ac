package dev.finescope.plan;

/** What training does with one tensor once a plan is resolved against a model. */
public enum TensorRole {
    /** Kept at its pre-trained value; not stored in the overlay. */
    FROZEN,
    /** Trained; stored in the overlay in fp32. */
    TRAINED,
    /** Pre-trained values kept, a score tensor trained; stored in the overlay as a 1-bit mask. */
    MASKED
}
