package dev.finescope.ui.whatif;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Numbers as the What-if views write them: three significant digits, a real minus sign. */
final class WhatIfNumbers {

    private WhatIfNumbers() {
    }

    /** 0.859, −3.13, 12.0, 0.00444; 1.23e-05 below a thousandth; "NaN" for NaN. */
    static String sig3(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        if (v == 0) {
            return "0";
        }
        String s = Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6 ? String.format(Locale.ROOT, "%.2e", v)
                : new BigDecimal(v).round(new MathContext(3)).toPlainString();
        return s.replace('-', '−');
    }

    /** As {@link #sig3}, with a sign always: +1.20, −3.13, 0. */
    static String signed(double v) {
        String s = sig3(v);
        return v > 0 ? "+" + s : s;
    }
}
