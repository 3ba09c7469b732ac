package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.common.Progress;
import dev.finescope.plan.Presets;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose weights leave the finite numbers stops at that step with a failed event naming the first tensor that
 * broke, and writes no overlay: a rate of 1e300 keeps the first step's loss finite but sends the updated weights to
 * infinity and NaN.
 */
class NonFiniteRunTest {

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
    void weightsThatBecomeNonFiniteFailTheRunAtThatStepAndWriteNoOverlay() {
        Path out = dir.resolve("run");
        try (TrainingRun run = TrainingRun.prepare(TinyRuns.spec(Presets.fullFineTuning(),
                TinyRuns.FEW_STEPS.toBuilder().learningRate(1e300).maxSteps(1).build(), out))) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> run.runInFolder(null, null, Progress.NONE));
            // the weights stay as the broken step left them: the first broken one in the optimizer's order
            ModelParameter first = run.plan().updated(run.model()).stream()
                    .filter(p -> !allFinite(p.toFloatArray())).findFirst().orElseThrow();
            String kind = anyNaN(first.toFloatArray()) ? "NaN" : "infinite";

            RunFolder folder = RunFolder.open(out);
            List<RunEvent> events = folder.events().events();
            assertEquals(List.of("started", "failed"), events.stream().map(RunEvent::type).toList(),
                    "no step event for a step whose weights broke");
            RunEvent.Failed failed = assertInstanceOf(RunEvent.Failed.class, events.get(1));
            assertEquals("step 1: the weight " + first.name() + " became " + kind + " (the learning rate may be too "
                    + "high)", failed.reason());
            assertEquals(failed.reason(), e.getMessage());
            assertEquals(RunStatus.FAILED, folder.status());
            assertFalse(Files.exists(folder.overlayFile()), "no overlay of broken weights");
            assertFalse(Files.exists(folder.metricsFile()));
            assertTrue(folder.resultOverlay().isEmpty());
        }
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyNaN(float[] values) {
        for (float v : values) {
            if (Float.isNaN(v)) {
                return true;
            }
        }
        return false;
    }
}
