package dev.finescope;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, on a background thread, the classes the app needs up to its first heatmap, in the order it first needs
 * them, so that the FX thread finds most of them loaded instead of reading, parsing and verifying each one from
 * its jar itself (about 4,000 classes on the sample workspace; the other core does it while the FX thread starts
 * the toolkit and builds the window). Once the first heatmap is drawn it goes on with the classes of the other
 * tabs, a run and a second analysis, so that showing a tab for the first time finds them loaded too. The list
 * is a resource written by {@code src/main/scripts/startup-classes.sh}, the two parts separated by the line
 * {@value #THEN}; a name that no longer exists is skipped. Classes are loaded, not initialised: no static
 * initialiser runs on this thread.
 */
public final class StartupClasses {

    /** The list of class names, one per line, in load order. */
    static final String RESOURCE = "/dev/finescope/startup-classes.txt";

    /** The line between the classes up to the first heatmap and the rest. */
    static final String THEN = "# then";
    /** How long the second part waits for the first heatmap at most. */
    private static final long WAIT_SECONDS = 20;

    private static final Logger LOGGER = LoggerFactory.getLogger(StartupClasses.class);
    private static final java.util.concurrent.CountDownLatch FIRST_HEATMAP = new java.util.concurrent.CountDownLatch(1);

    private StartupClasses() {
    }

    /** The system property that, set to false, turns the loading off (the script that writes the list does). */
    static final String PROPERTY = "finescope.startupClasses";

    /**
     * Starts the loading thread when there is a core to spare for it and it is not turned off; returns it, or null
     * when not started.
     */
    public static Thread startIfWorthIt(int cores) {
        if (cores < 2 || "false".equals(System.getProperty(PROPERTY))) {
            return null;
        }
        Thread t = new Thread(() -> {
            long started = System.nanoTime();
            List<List<String>> parts = parts(names());
            ClassLoader loader = StartupClasses.class.getClassLoader();
            int loaded = load(parts.get(0), loader);
            LOGGER.debug("loaded {} start-up classes in {} ms", loaded, (System.nanoTime() - started) / 1_000_000);
            try {
                FIRST_HEATMAP.await(WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            long later = System.nanoTime();
            loaded = load(parts.get(1), loader);
            LOGGER.debug("loaded {} more classes in {} ms", loaded, (System.nanoTime() - later) / 1_000_000);
        }, "finescope-startup-classes");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Loads every listed class and returns: run under {@code -XX:ArchiveClassesAtExit} it writes an AppCDS archive
     * of the app's start without a display ({@code src/main/scripts/cds-archive.sh}, the packaged app's build).
     */
    public static void main(String[] args) {
        List<List<String>> parts = parts(names());
        ClassLoader loader = StartupClasses.class.getClassLoader();
        int loaded = load(parts.get(0), loader) + load(parts.get(1), loader);
        LOGGER.info("loaded {} of {} start-up classes", loaded, parts.get(0).size() + parts.get(1).size());
    }

    /** Lets the loading go on past the classes of the first heatmap: called once it is drawn. */
    public static void firstHeatmapDrawn() {
        FIRST_HEATMAP.countDown();
    }

    /** The names before {@link #THEN} and those after it (empty when the list has no such line). */
    static List<List<String>> parts(List<String> lines) {
        int then = lines.indexOf(THEN);
        List<String> first = then < 0 ? lines : lines.subList(0, then);
        List<String> rest = then < 0 ? List.of() : lines.subList(then + 1, lines.size());
        return List.of(first.stream().filter(s -> !s.startsWith("#")).toList(),
                rest.stream().filter(s -> !s.startsWith("#")).toList());
    }

    /** The lines of {@link #RESOURCE} (names and the {@link #THEN} line); none when the resource is missing. */
    static List<String> names() {
        try (InputStream in = StartupClasses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return List.of();
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::strip).filter(s -> !s.isEmpty() && (!s.startsWith("#") || s.equals(THEN))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads each named class without initialising it; returns how many were found. */
    static int load(List<String> names, ClassLoader loader) {
        int found = 0;
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
                found++;
            } catch (ClassNotFoundException | LinkageError e) {
                // renamed or removed since the list was made, or not on this class path (JavaFX for a command)
            }
        }
        return found;
    }
}
