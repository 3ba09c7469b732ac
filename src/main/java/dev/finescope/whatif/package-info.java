/**
 * What-if experiments without training: prune chosen matrices of a model with a task head, set matrices or
 * whole layers back to the pre-trained values, sweep every matrix × several sparsities, and compare the
 * learned masks of several runs. A {@link dev.finescope.whatif.WhatIfSession} tokenizes the evaluation split
 * once and caches the hidden states at each layer's input, so an experiment that changes only layers ≥ L
 * recomputes only those; that is what makes a sensitivity sweep take seconds rather than minutes.
 *
 * <p>No DJL, {@code train} or JavaFX type appears in a public signature here, so the app's What-if view uses
 * this package in-process and never sees {@code train}.
 */
package dev.finescope.whatif;
