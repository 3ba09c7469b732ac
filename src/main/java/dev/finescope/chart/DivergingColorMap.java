package dev.finescope.chart;

import java.awt.Color;

/**
 * A diverging colour map for signed values (a change Δ, a change of accuracy): blue below zero, near-white at
 * zero, red above, equally strong for equally large changes either way. The anchors are Cynthia Brewer's
 * 11-class RdBu scheme (colour-blind safe), from blue to red, interpolated linearly between neighbours.
 */
public final class DivergingColorMap implements ColorMap {

    /** The map itself; it holds no state. */
    public static final DivergingColorMap BLUE_WHITE_RED = new DivergingColorMap();

    private static final int[] ANCHORS = {
            0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
            0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f,
    };

    private DivergingColorMap() {
    }

    @Override
    public Color at(double t) {
        double pos = ColorMap.clamp(t) * (ANCHORS.length - 1);
        int i = Math.min((int) pos, ANCHORS.length - 2);
        double f = pos - i;
        int a = ANCHORS[i];
        int b = ANCHORS[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    /** A paint scale for values in {@code [-maxAbs, maxAbs]}, zero at the centre of the map. */
    public ColorMapPaintScale centredOnZero(double maxAbs) {
        double m = maxAbs > 0 && Double.isFinite(maxAbs) ? maxAbs : 1;
        return new ColorMapPaintScale(this, -m, m);
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
    }
}
