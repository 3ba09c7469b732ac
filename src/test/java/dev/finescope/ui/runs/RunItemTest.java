package dev.finescope.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.finescope.run.RunEvent;
import dev.finescope.run.RunState;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.testing.OnFx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RunItemTest {

    private static final Instant T0 = Instant.parse("2025-01-31T14:05:00Z");

    @BeforeAll
    static void startFx() {
        OnFx.start();
    }

    @Test
    void progressAndTimeLeftComeFromTheFirstAndLastStep() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "a");
            run.apply(new RunEvent.Started(T0, "cpu", 10, 2, 5, 10, 10));
            assertEquals("step 0/10", run.summaryProperty().get());
            run.apply(new RunEvent.Step(T0.plusSeconds(1), 1, 10, 0, 0.9, 1e-5, 10));
            assertEquals("step 1/10 · loss 0.9000", run.summaryProperty().get());
            run.apply(new RunEvent.Step(T0.plusSeconds(3), 2, 10, 0, 0.7, 1e-5, 10));
            // Three steps took 6 s after the first: 2 s a step, 6 steps left.
            run.apply(new RunEvent.Step(T0.plusSeconds(7), 4, 10, 0, 0.5, 1e-5, 10));
            assertEquals("step 4/10 · loss 0.5000 · ETA 0:12", run.summaryProperty().get());
            assertEquals(0.4, run.progressProperty().get(), 1e-15);
        });
    }

    @Test
    void theEndOfARunSetsItsStatusAndSummary() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "");
            assertEquals("a", run.nameProperty().get());
            run.apply(new RunEvent.Step(T0, 7, 10, 0, 0.5, 1e-5, 10));
            run.apply(new RunEvent.Failed(T0, "the data file has no label column 'y'"));
            assertEquals(RunStatus.FAILED, run.status());
            assertEquals("failed at step 7", run.summaryProperty().get());
            assertEquals("the data file has no label column 'y'", run.problemProperty().get());
        });
    }

    @Test
    void aFinishedRunNamesItsOverlayInItsFolder() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "a");
            run.apply(new RunEvent.Finished(T0, 3, Map.of(), "overlay.safetensors"));
            assertEquals(Path.of("/runs/a/overlay.safetensors"), run.overlayProperty().get());
            assertEquals("finished at step 3", run.summaryProperty().get());
        });
    }

    @Test
    void theItemShowsWhatTheRunsStateSays() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "a");
            assertEquals("starting…", run.summaryProperty().get());
            run.apply(List.of(new RunEvent.Started(T0, "gpu 0", 10, 2, 5, 10, 10),
                    new RunEvent.Step(T0.plusSeconds(1), 1, 10, 0, 0.9, 1e-5, 10)));
            run.markCancelRequested();
            assertEquals("cancelling… step 1/10 · loss 0.9000", run.summaryProperty().get());
            assertFalse(run.cancellableProperty().get());
            run.apply(new RunEvent.Cancelled(T0.plusSeconds(2), 1));
            RunState state = run.state();
            assertEquals(RunStatus.CANCELLED, state.status());
            assertEquals(RunStatus.CANCELLED, run.status());
            assertEquals("cancelled at step 1", run.summaryProperty().get());
            assertEquals(0.1, run.progressProperty().get(), 1e-15);
            assertEquals("gpu 0", run.device());
            assertEquals(3, state.eventCount());
        });
    }

    @Test
    void aRunWhoseProcessIsGoneWithoutAWordSaysSo() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "a");
            run.apply(new RunEvent.Step(T0, 4, 10, 0, 0.5, 1e-5, 10));
            run.endedWithoutAWord();
            assertEquals(RunStatus.CRASHED, run.status());
            assertEquals("ended without a word (crashed or killed) at step 4", run.summaryProperty().get());
            assertEquals("The training process ended without a word (crashed or killed); its log may say why.",
                    run.problemProperty().get());
        });
    }

    @Test
    void timeLeftReadsLikeAClock() {
        assertEquals("0:00", RunItem.duration(Duration.ZERO));
        assertEquals("2:40", RunItem.duration(Duration.ofSeconds(160)));
        assertEquals("1:05:00", RunItem.duration(Duration.ofMinutes(65)));
    }

    @Test
    void logLinesFromOtherThreadsShowInBurstsAndOnlyTheLastAreKept() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "a");
            for (int i = 0; i < RunItem.LOG_LINES + 5; i++) {
                run.offerLogLine("line " + i);
            }
            assertEquals("", run.logTextProperty().get());
            int revision = run.revisionProperty().get();
            run.flush();
            String[] lines = run.logTextProperty().get().split("\n");
            assertEquals(RunItem.LOG_LINES, lines.length);
            assertEquals("line 5", lines[0]);
            assertEquals(revision + 1, run.revisionProperty().get());
        });
    }
}
