package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.run.RunLauncher;
import dev.finescope.ui.testing.SmokeTestWithDialog;
import dev.finescope.ui.testing.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Dfinescope.smokeTest=true}, with which the packaged app's smoke test proves that the window came up and
 * drew: the app must end by itself, exit code 0, even when a dialog is open as the first heatmap is drawn (ending
 * the toolkit under a dialog's nested event loop left the JVM hanging, or aborted it).
 */
class SmokeTestExitTest {

    @TempDir
    Path dir;

    @Test
    void theSmokeTestEndsTheAppWithExitCodeZeroThoughADialogIsOpen() throws Exception {
        Path workspace = dir.resolve("workspace.json");
        Files.writeString(workspace, "{ \"base\": \"" + TinyBert.BASE.toAbsolutePath() + "\", \"tuned\": [ { \"label\": "
                + "\"tuned\", \"path\": \"" + TinyBert.TUNED.toAbsolutePath() + "\", \"kind\": \"folder\" } ] }\n");
        List<String> command = RunLauncher.javaCommand(List.of("-Dfinescope.smokeTest=true",
                "-Dfinescope.cache=" + dir.resolve("cache"), "-Duser.home=" + dir.resolve("home"), "-Xmx512m",
                "-Dprism.order=sw", "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Dheadless.geometry=1600x1000-32", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"),
                SmokeTestWithDialog.class.getName(), List.of(workspace.toString()));
        Path log = dir.resolve("app.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertTrue(ended, "the app did not end by itself:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("finescope.smokeTest: closing an open dialog"), output);
    }
}
