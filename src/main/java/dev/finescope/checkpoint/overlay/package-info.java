/**
 * FineScope's task file: what a fine-tune changed relative to its base (replaced tensors, bit-packed masks, the
 * task head) with the base's fingerprint, the plan, metrics and provenance; base ⊕ overlay opened as a model, and
 * exported as a full Hugging Face folder.
 */
package dev.finescope.checkpoint.overlay;
