package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FineScopeCommandTest {

    @Test
    void noArgumentsOpensTheApp() {
        AtomicInteger opened = new AtomicInteger();
        CliRun run = CliRun.of(opened::incrementAndGet);
        assertEquals(0, run.code());
        assertEquals(1, opened.get());
        assertEquals("", run.err());
    }

    @Test
    void aWorkspaceArgumentOpensTheAppOnIt() {
        String before = System.clearProperty("finescope.workspace");
        try {
            AtomicInteger opened = new AtomicInteger();
            CliRun run = CliRun.of(opened::incrementAndGet, "--workspace", "some/folder");
            assertEquals(0, run.code());
            assertEquals(1, opened.get());
            assertEquals(java.nio.file.Path.of("some/folder").toAbsolutePath().toString(),
                    System.getProperty("finescope.workspace"));
        } finally {
            if (before == null) {
                System.clearProperty("finescope.workspace");
            } else {
                System.setProperty("finescope.workspace", before);
            }
        }
    }

    @Test
    void aWorkspaceOptionWithoutItsPathIsAUsageError() {
        AtomicInteger opened = new AtomicInteger();
        CliRun run = CliRun.of(opened::incrementAndGet, "--workspace");
        assertEquals(2, run.code());
        assertEquals(0, opened.get());
        assertTrue(run.err().startsWith("finescope: Missing required parameter for option '--workspace'"), run.err());
    }

    @Test
    void anAppThatFailsToOpenGivesOneLineAndExitCodeOne() {
        CliRun run = CliRun.of(() -> {
            throw new IllegalStateException("toolkit refused");
        });
        assertEquals(1, run.code());
        assertEquals("finescope: internal error: java.lang.IllegalStateException: toolkit refused (run with --debug "
                + "for the stack trace)\n", run.err().replace("\r", ""));
    }

    @Test
    void aLinuxSessionWithoutDisplayIsToldToUseXvfb() {
        String problem = FineScopeCommand.missingDisplay(Map.of(), "Linux", null).orElseThrow();
        assertTrue(problem.startsWith("no display to open the window on"), problem);
        assertTrue(problem.contains("xvfb-run -a"), problem);
    }

    @Test
    void anX11OrWaylandDisplayOrMonocleOrAnotherSystemOpensTheWindow() {
        assertEquals(Optional.empty(), FineScopeCommand.missingDisplay(Map.of("DISPLAY", ":99"), "Linux", null));
        assertEquals(Optional.empty(),
                FineScopeCommand.missingDisplay(Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux", null));
        assertEquals(Optional.empty(), FineScopeCommand.missingDisplay(Map.of("DISPLAY", " "), "Linux", "Monocle"));
        assertEquals(Optional.empty(), FineScopeCommand.missingDisplay(Map.of(), "Mac OS X", null));
        assertTrue(FineScopeCommand.missingDisplay(Map.of("DISPLAY", ""), "Linux", "gtk").isPresent());
    }

    @Test
    void helpExitsZeroAndNamesTheAnalyzeCommand() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.code());
        assertTrue(run.out().startsWith("Usage: finescope"), run.out());
        assertTrue(run.out().contains("analyze"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void analyzeHelpListsEveryOption() {
        CliRun run = CliRun.of("analyze", "--help");
        assertEquals(0, run.code());
        for (String option : List.of("--base", "--tuned", "--csv", "--png", "--svg", "--metric", "--scale",
                "--with-bias", "--threads", "--debug")) {
            assertTrue(run.out().contains(option), () -> "help lacks " + option);
        }
    }

    @Test
    void versionExitsZero() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.code());
        assertTrue(run.out().startsWith("FineScope "), run.out());
    }

    @Test
    void unknownSubcommandExitsTwoWithOneLine() {
        CliRun run = CliRun.of("frobnicate");
        assertEquals(2, run.code());
        assertEquals(List.of("finescope: unknown command 'frobnicate' (see 'finescope --help')"), run.errLines());
        assertEquals("", run.out());
    }

    @Test
    void unknownOptionExitsTwoWithOneLineAndAHint() {
        CliRun run = CliRun.of("analyze", "--base", "a", "--tuned", "b", "--colour", "red");
        assertEquals(2, run.code());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("finescope: Unknown options: '--colour', 'red'"), run.err());
        assertTrue(run.err().contains("(see 'finescope analyze --help')"), run.err());
    }

    @Test
    void missingRequiredOptionExitsTwoWithOneLine() {
        CliRun run = CliRun.of("analyze", "--tuned", "b");
        assertEquals(2, run.code());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().contains("--base"), run.err());
    }

    @Test
    void multiLineMessagesAreFoldedIntoOne() {
        assertEquals("a: b c", FineScopeCommand.oneLine("  a: b\n   c\r\n"));
    }
}
