package dev.finescope.ui;

/**
 * The versions the About dialog and the status bar name. The app never loads DJL (training runs in its own
 * process), so DJL's version is the one the build pins, kept here as text.
 */
public final class Versions {

    /** The DJL version training runs use; equal to {@code djl.version} in the build. */
    public static final String DJL = "0.36.0";

    private Versions() {
    }

    /** The jar's version, or "development build" when running from classes. */
    public static String fineScope() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    public static String java() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
    }

    public static String javaFx() {
        String v = System.getProperty("javafx.runtime.version");
        return v == null ? System.getProperty("javafx.version", "unknown") : v;
    }

    /** "0.36" of "0.36.0", as the status bar shows it. */
    public static String djlShort() {
        int second = DJL.indexOf('.', DJL.indexOf('.') + 1);
        return second < 0 ? DJL : DJL.substring(0, second);
    }
}
