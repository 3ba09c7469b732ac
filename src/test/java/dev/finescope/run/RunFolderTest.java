package dev.finescope.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.plan.Presets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

    @TempDir
    Path dir;
    private Path runs;
    private RunSpec spec;

    @BeforeEach
    void makeInputs() throws IOException {
        Path base = Files.createDirectories(dir.resolve("base"));
        Path glue = Files.createDirectories(dir.resolve("glue"));
        runs = dir.resolve("runs");
        spec = new RunSpec("r", base, DataSpec.glue(glue, "SST-2"), PlanSource.of(Presets.biasesOnly()),
                HyperParameters.DEFAULTS, Device.CPU, runs.resolve("a"));
    }

    private RunFolder runWith(String name, RunEvent... events) {
        RunFolder f = RunFolder.prepare(spec.withOutput(runs.resolve(name)));
        try (EventLog log = EventLog.open(f.eventsFile())) {
            for (RunEvent e : events) {
                log.append(e);
            }
        }
        return f;
    }

    @Test
    void preparingWritesTheSpecAndNothingElse() throws IOException {
        RunFolder f = RunFolder.prepare(spec);
        assertEquals(runs.resolve("a"), f.path());
        assertEquals(spec, f.spec());
        try (Stream<Path> s = Files.list(f.path())) {
            assertEquals(List.of(f.specFile()), s.toList());
        }
    }

    @Test
    void preparingAgainBeforeTheRunStartsIsFineButNotAfter() {
        RunFolder.prepare(spec);
        RunFolder f = RunFolder.prepare(spec);
        try (EventLog log = EventLog.open(f.eventsFile())) {
            log.append(Events.STARTED);
        }
        RunException e = assertThrows(RunException.class, () -> RunFolder.prepare(spec));
        assertEquals(f.path() + ": this folder already holds a run (events.jsonl)", e.getMessage());
    }

    @Test
    void theTrainerOpensTheFolderPreparedForItsSpecAsItIs() throws IOException {
        RunFolder prepared = RunFolder.prepare(spec);
        prepared.recordProcess(ProcessHandle.current());
        Files.createFile(prepared.path().resolve(RunFolder.LOCK_FILE));
        Object specFile = Files.readAttributes(prepared.specFile(), BasicFileAttributes.class).fileKey();
        assertTrue(RunFolder.isPreparedFor(prepared.path(), spec));
        RunFolder opened = RunFolder.openOrPrepare(spec);
        assertEquals(prepared, opened);
        assertEquals(specFile, Files.readAttributes(opened.specFile(), BasicFileAttributes.class).fileKey(),
                "spec.json is not written again");
        assertEquals(spec, opened.spec());
    }

    @Test
    void aFolderPreparedForAnotherSpecOrAlreadyStartedIsNotTheTrainersToOpen() throws IOException {
        RunFolder prepared = RunFolder.prepare(spec);
        RunSpec longer = spec.withHyperParameters(HyperParameters.DEFAULTS.toBuilder().epochs(5).build());
        assertFalse(RunFolder.isPreparedFor(prepared.path(), longer));
        assertEquals(longer, RunFolder.openOrPrepare(longer).spec(), "a run started by hand writes its own spec");
        Files.writeString(prepared.path().resolve("notes.txt"), "mine");
        assertFalse(RunFolder.isPreparedFor(prepared.path(), longer));
        Files.delete(prepared.path().resolve("notes.txt"));
        try (EventLog log = EventLog.open(prepared.eventsFile())) {
            log.append(Events.STARTED);
        }
        assertFalse(RunFolder.isPreparedFor(prepared.path(), longer));
        RunException e = assertThrows(RunException.class, () -> RunFolder.openOrPrepare(longer));
        assertEquals(prepared.path() + ": this folder already holds a run (events.jsonl)", e.getMessage());
        assertFalse(RunFolder.isPreparedFor(dir.resolve("nowhere"), spec));
    }

    @Test
    void statusFollowsTheTerminalEvent() {
        assertEquals(RunStatus.FINISHED, runWith("f", Events.STARTED, Events.STEP, Events.FINISHED).status());
        assertEquals(RunStatus.FAILED, runWith("x", Events.STARTED, Events.FAILED).status());
        assertEquals(RunStatus.CANCELLED, runWith("c", Events.STARTED, Events.STEP, Events.CANCELLED).status());
    }

    @Test
    void aRunWithoutTerminalEventIsRunningWhileItsProcessLivesAndCrashedAfter() throws IOException {
        RunFolder f = runWith("live", Events.STARTED, Events.STEP);
        assertEquals(RunStatus.CRASHED, f.status());
        f.recordProcess(ProcessHandle.current());
        assertTrue(f.isProcessAlive());
        assertEquals(RunStatus.RUNNING, f.status());
        // a pid that no longer runs
        Files.writeString(f.processFile(), "{\"pid\": " + Long.MAX_VALUE / 2 + "}");
        assertEquals(RunStatus.CRASHED, f.status());
        // our own pid, but started at another time: the pid was reused by another process
        Files.writeString(f.processFile(), "{\"pid\": " + ProcessHandle.current().pid()
                + ", \"startedAt\": \"2001-01-01T00:00:00Z\"}");
        assertFalse(f.isProcessAlive());
    }

    @Test
    void runsAreFoundAgainNewestFirstAndOtherFoldersAreSkipped() throws IOException {
        RunFolder old = runWith("old", Events.STARTED, Events.FINISHED);
        RunFolder mid = runWith("mid", Events.STARTED, Events.FAILED);
        RunFolder fresh = runWith("new", Events.STARTED);
        Files.setLastModifiedTime(old.specFile(), FileTime.from(Instant.parse("2025-01-01T00:00:00Z")));
        Files.setLastModifiedTime(mid.specFile(), FileTime.from(Instant.parse("2025-01-02T00:00:00Z")));
        Files.setLastModifiedTime(fresh.specFile(), FileTime.from(Instant.parse("2025-01-03T00:00:00Z")));
        Files.createDirectories(runs.resolve("not-a-run"));
        Files.writeString(runs.resolve("notes.txt"), "hello");
        assertEquals(List.of(fresh, mid, old), RunFolder.discover(runs));
        assertEquals(List.of(), RunFolder.discover(dir.resolve("nothing-here")));
    }

    @Test
    void aFinishedRunsOverlayIsItsResultOnceTheFileIsThere() throws IOException {
        RunFolder f = runWith("f", Events.STARTED, Events.FINISHED);
        assertEquals(Optional.empty(), f.resultOverlay());
        Files.write(f.overlayFile(), new byte[8]);
        assertEquals(Optional.of(f.overlayFile()), f.resultOverlay());
        RunFolder failed = runWith("x", Events.STARTED, Events.FAILED);
        Files.write(failed.overlayFile(), new byte[8]);
        assertEquals(Optional.empty(), failed.resultOverlay());
    }

    @Test
    void metricsSurviveTheirFileIncludingNaN() {
        RunFolder f = RunFolder.prepare(spec);
        assertEquals(Optional.empty(), f.readMetrics());
        Map<String, Double> m = Events.metrics("accuracy", 0.9125, "pearson", Double.NaN);
        f.writeMetrics(m);
        assertEquals(Optional.of(m), f.readMetrics());
    }

    @Test
    void openingSomethingThatIsNoRunSaysSo() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(empty + ": not a run folder (no spec.json and no events.jsonl)",
                assertThrows(RunException.class, () -> RunFolder.open(empty)).getMessage());
        assertEquals(dir.resolve("gone") + ": no such run folder",
                assertThrows(RunException.class, () -> RunFolder.open(dir.resolve("gone"))).getMessage());
    }

    @Test
    void aDamagedSpecIsNamedWhenAsked() throws IOException {
        RunFolder f = RunFolder.prepare(spec);
        Files.writeString(f.specFile(), "{");
        assertTrue(assertThrows(RunException.class, f::spec).getMessage().startsWith(f.specFile() + ": not valid JSON"));
    }

    @Test
    void newFolderNamesCarryTheTimeAndTheLabelAndNeverCollide() throws IOException {
        Instant t = Instant.parse("2025-01-31T14:05:09Z");
        Path p = RunFolder.newFolderPath(runs, "SST-2, masks at 10%!", t);
        assertEquals(runs.resolve("20250131-140509-sst-2-masks-at-10"), p);
        Files.createDirectories(p);
        assertEquals(runs.resolve("20250131-140509-sst-2-masks-at-10-2"),
                RunFolder.newFolderPath(runs, "SST-2, masks at 10%!", t));
        assertEquals(runs.resolve("20250131-140509"), RunFolder.newFolderPath(runs, "", t));
    }

    @Test
    void theLogTailIsTheLastLines() throws IOException {
        RunFolder f = RunFolder.prepare(spec);
        assertEquals(List.of(), f.logTail(2));
        Files.writeString(f.logFile(), "a\nb\nc\n");
        assertEquals(List.of("b", "c"), f.logTail(2));
    }
}
