package dev.finescope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupClassesTest {

    /** Counts how often {@link Probe} was initialised. */
    static final AtomicInteger INITIALISED = new AtomicInteger();

    static final class Probe {
        static {
            INITIALISED.incrementAndGet();
        }

        static void touch() {
        }
    }

    @Test
    void loadsWithoutInitialisingAndSkipsNamesThatDoNotExist() {
        int found = StartupClasses.load(List.of(Probe.class.getName(), "dev.finescope.NoSuchClass",
                "java.util.ArrayList"), getClass().getClassLoader());
        assertEquals(2, found);
        assertEquals(0, INITIALISED.get());
        Probe.touch();
        assertEquals(1, INITIALISED.get());
    }

    @Test
    void everyFineScopeClassOnTheListStillExists() {
        List<String> names = StartupClasses.names();
        assertTrue(names.size() > 1000, () -> "the list holds " + names.size() + " names");
        List<String> ours = names.stream().filter(n -> n.startsWith("dev.finescope.")).toList();
        assertTrue(ours.contains("dev.finescope.ui.MainWindow"), "the list lacks the main window");
        List<String> gone = ours.stream().filter(n -> !exists(n)).toList();
        assertEquals(List.of(), gone, "classes renamed or removed since the list was made: rerun "
                + "src/main/scripts/startup-classes.sh");
    }

    @Test
    void theListSplitsAtItsThenLine() {
        assertEquals(List.of(List.of("a.A", "b.B"), List.of("c.C")),
                StartupClasses.parts(List.of("a.A", "# a comment", "b.B", "# then", "c.C")));
        assertEquals(List.of(List.of("a.A"), List.of()), StartupClasses.parts(List.of("a.A")));
        List<List<String>> shipped = StartupClasses.parts(StartupClasses.names());
        assertTrue(shipped.get(0).contains("dev.finescope.ui.HeatmapView"), "the heatmap comes first");
        assertTrue(shipped.get(1).contains("dev.finescope.ui.plan.PlanGrid"), "the plan grid later");
    }

    @Test
    void aSingleCoreIsLeftToTheWindow() {
        assertNull(StartupClasses.startIfWorthIt(1));
    }

    private static boolean exists(String name) {
        try {
            Class.forName(name, false, StartupClassesTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
