package dev.finescope.run;

import java.util.Locale;

/** Where a run trains. AUTO takes the GPU when the training engine sees one, else the CPU with all cores. */
public enum Device {
    AUTO, CPU, GPU;

    /** {@code auto}, {@code cpu}, {@code gpu}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Device fromJsonName(String name) {
        for (Device d : values()) {
            if (d.name().equalsIgnoreCase(name.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (one of: auto, cpu, gpu)");
    }
}
