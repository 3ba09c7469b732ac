package dev.finescope.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the app remembers between starts: window size, last and recent workspaces, theme, and whether the
 * first-start hint was dismissed. Kept under one preferences node, which tests redirect with the system
 * property {@value #NODE_PROPERTY} so that they never touch a user's settings.
 */
public final class AppPreferences {

    /** The system property naming the preferences node (a path under the user root). */
    public static final String NODE_PROPERTY = "finescope.preferences";
    /** The node used when the property is not set. */
    public static final String DEFAULT_NODE = "dev/finescope/app";
    /** How many recent workspaces the File menu lists. */
    public static final int MAX_RECENT = 8;

    private static final Logger LOGGER = LoggerFactory.getLogger(AppPreferences.class);
    private static final String WIDTH = "window.width";
    private static final String HEIGHT = "window.height";
    private static final String MAXIMIZED = "window.maximized";
    private static final String LAST = "workspace.last";
    private static final String RECENT = "workspace.recent.";
    private static final String DARK = "theme.dark";
    private static final String HINT = "hint.dismissed";
    private static final String EXPORT_FOLDER = "export.folder";

    private final Preferences node;

    public AppPreferences(Preferences node) {
        this.node = node;
    }

    /** The node named by {@value #NODE_PROPERTY}, or {@value #DEFAULT_NODE}. */
    public static AppPreferences fromSystemProperty() {
        return new AppPreferences(Preferences.userRoot().node(System.getProperty(NODE_PROPERTY, DEFAULT_NODE)));
    }

    public double width(double fallback) {
        return node.getDouble(WIDTH, fallback);
    }

    public double height(double fallback) {
        return node.getDouble(HEIGHT, fallback);
    }

    public boolean maximized() {
        return node.getBoolean(MAXIMIZED, false);
    }

    public void saveWindow(double width, double height, boolean maximized) {
        node.putBoolean(MAXIMIZED, maximized);
        if (!maximized) {
            node.putDouble(WIDTH, width);
            node.putDouble(HEIGHT, height);
        }
    }

    public Optional<Path> lastWorkspace() {
        String s = node.get(LAST, null);
        return s == null ? Optional.empty() : Optional.of(Path.of(s));
    }

    /** Most recent first, at most {@link #MAX_RECENT}. */
    public List<Path> recentWorkspaces() {
        List<Path> recent = new ArrayList<>();
        for (int i = 0; i < MAX_RECENT; i++) {
            String s = node.get(RECENT + i, null);
            if (s != null) {
                recent.add(Path.of(s));
            }
        }
        return recent;
    }

    /** Makes {@code folder} the last and most recent workspace. */
    public void rememberWorkspace(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        List<Path> recent = recentWorkspaces();
        recent.remove(abs);
        recent.add(0, abs);
        for (int i = 0; i < MAX_RECENT; i++) {
            if (i < recent.size()) {
                node.put(RECENT + i, recent.get(i).toString());
            } else {
                node.remove(RECENT + i);
            }
        }
        node.put(LAST, abs.toString());
    }

    public boolean dark() {
        return node.getBoolean(DARK, false);
    }

    public void setDark(boolean dark) {
        node.putBoolean(DARK, dark);
    }

    public boolean hintDismissed() {
        return node.getBoolean(HINT, false);
    }

    public void dismissHint() {
        node.putBoolean(HINT, true);
    }

    /** The folder the last export went to; empty before the first. */
    public Optional<Path> exportFolder() {
        String s = node.get(EXPORT_FOLDER, null);
        return s == null ? Optional.empty() : Optional.of(Path.of(s));
    }

    public void rememberExportFolder(Path folder) {
        node.put(EXPORT_FOLDER, folder.toAbsolutePath().normalize().toString());
    }

    /** Forgets everything (tests clean up with this). */
    public void clear() {
        try {
            node.clear();
            node.flush();
        } catch (BackingStoreException e) {
            LOGGER.warn("could not clear preferences {}: {}", node.absolutePath(), e.getMessage());
        }
    }

    /**
     * Writes the settings to disk now. Setters do not: {@link Preferences} saves by itself in the background and
     * when the app exits, so that the FX thread never waits for the disk.
     */
    public void flush() {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            LOGGER.warn("could not save preferences {}: {}", node.absolutePath(), e.getMessage());
        }
    }
}
