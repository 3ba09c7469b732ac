/**
 * A per-matrix fine-tuning plan (freeze, fine-tune or sparsify with a learned mask), its presets, its JSON form
 * and its cost: trainable parameters, bytes stored per task, zeros and skippable compute. No DJL, no UI: the
 * app edits plans and the trainer runs them from the same file.
 */
package dev.finescope.plan;
