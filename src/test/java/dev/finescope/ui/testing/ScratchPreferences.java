package dev.finescope.ui.testing;

import dev.finescope.ui.AppPreferences;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** Preferences nodes of a test's own, so that tests never read or write a user's settings. */
public final class ScratchPreferences {

    private ScratchPreferences() {
    }

    /** The app started from now on keeps its settings under {@code node}, with a 1200 × 760 window. */
    public static void forTheApp(String node) {
        System.setProperty(AppPreferences.NODE_PROPERTY, node);
        AppPreferences.fromSystemProperty().saveWindow(1200, 760, false);
    }

    /** Removes the node that {@link #forTheApp} made and lets the app use its own again. */
    public static void removeTheApps() {
        String node = System.getProperty(AppPreferences.NODE_PROPERTY);
        if (node != null) {
            remove(node);
        }
        System.clearProperty(AppPreferences.NODE_PROPERTY);
    }

    /** Removes {@code node} and everything under it. */
    public static void remove(String node) {
        try {
            Preferences n = Preferences.userRoot().node(node);
            Preferences parent = n.parent();
            n.removeNode();
            parent.flush();
        } catch (BackingStoreException | IllegalStateException e) {
            throw new IllegalStateException("could not remove test preferences " + node, e);
        }
    }
}
