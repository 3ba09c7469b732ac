/**
 * How far fine-tuning moved each tensor: the closeness metrics of the method, computed in one fused,
 * parallel, chunked pass; the layer × sublayer grid; histograms and sparsity. Pure Java, no UI and no DJL, so
 * the command line, the app and the tests share one engine.
 */
package dev.finescope.analysis;
