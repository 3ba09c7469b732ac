/**
 * Charts drawn with JFreeChart (heatmap, histograms, curves) and their PNG/SVG export. Plain Java2D, so the
 * command line writes exactly the picture the app shows.
 */
package dev.finescope.chart;
