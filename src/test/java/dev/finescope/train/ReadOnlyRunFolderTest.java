package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.finescope.common.Progress;
import dev.finescope.plan.Presets;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunException;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder made read-only while the run trains: the run fails at the next step with a failed event saying so,
 * instead of training to the end and losing the weights when the overlay cannot be written.
 */
class ReadOnlyRunFolderTest {

    @TempDir
    Path dir;

    @BeforeEach
    void cache() {
        TinyRuns.cacheIn(dir.resolve("cache"));
    }

    @AfterEach
    void noCache() {
        TinyRuns.clearCache();
    }

    @Test
    void aFolderMadeReadOnlyAfterTheFirstStepFailsTheRunAtThatStep() {
        Path out = dir.resolve("run");
        boolean[] readOnly = {false};
        // the events mirrored as they are written: the folder turns read-only as soon as step 1 is told
        ByteArrayOutputStream mirror = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (!readOnly[0] && new String(b, off, len, StandardCharsets.UTF_8).contains("\"type\":\"step\"")) {
                    readOnly[0] = true;
                    assumeTrue(ReadOnlyFolders.makeReadOnly(out), "a folder cannot be made read-only here");
                }
            }
        };
        try (TrainingRun run = TrainingRun.prepare(TinyRuns.spec(Presets.fullFineTuning(),
                TinyRuns.FEW_STEPS.toBuilder().maxSteps(0).epochs(5).build(), out))) {
            RunException e = assertThrows(RunException.class, () -> run.runInFolder(mirror, null, Progress.NONE));
            assertTrue(readOnly[0]);
            assertEquals(out, e.file());
            assertTrue(e.problem().startsWith("the run folder can no longer be written ("), e.problem());
            assertTrue(e.problem().endsWith("), so the trained weights could not be saved; the run stops here"),
                    e.problem());

            RunFolder folder = RunFolder.open(out);
            List<RunEvent> events = folder.events().events();
            assertEquals(List.of("started", "step", "failed"), events.stream().map(RunEvent::type).toList());
            assertEquals(e.getMessage(), assertInstanceOf(RunEvent.Failed.class, events.get(2)).reason());
            assertEquals(RunStatus.FAILED, folder.status());
            assertFalse(Files.exists(folder.overlayFile()));
        } finally {
            ReadOnlyFolders.undo(out);
        }
    }
}
