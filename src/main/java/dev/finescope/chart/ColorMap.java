package dev.finescope.chart;

import java.awt.Color;

/**
 * A colour map from a position in {@code [0, 1]} to a colour, so that charts and the app pick colours from
 * one place and a chart's legend always agrees with its cells.
 */
@FunctionalInterface
public interface ColorMap {

    /** The colour at {@code t}; values outside {@code [0, 1]} are clamped. */
    Color at(double t);

    static double clamp(double t) {
        return t < 0 ? 0 : t > 1 ? 1 : t;
    }
}
