/**
 * The plan editor: a per-matrix plan (freeze, sparsify at a sparsity, fine-tune) painted on the layer × sublayer
 * grid, its presets, undo, files, and the cost of the plan shown live.
 */
package dev.finescope.ui.plan;
