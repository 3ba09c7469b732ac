package dev.finescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.run.EventLog;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep's folder: its layout, its manifest, its locks and the status read from its run folders. */
class SweepFolderTest {

    @TempDir
    Path dir;

    private SweepFile sweep(String members) throws IOException {
        Path f = dir.resolve("sweep-file.json");
        Files.writeString(f, SweepFileTest.sweep(members));
        return SweepFile.read(f);
    }

    @Test
    void aSweepFolderHoldsTheSweepTheManifestAndAPreparedFolderPerRun() throws IOException {
        SweepFile s = sweep("\"name\": \"two\", \"plans\": [\"full\", \"head-only\"], \"seeds\": [1, 2], "
                + "\"hyperParameters\": {\"epochs\": [1]}, \"metric\": \"accuracy\"");
        SweepFolder f = SweepFolder.create(s, dir.resolve("sweep"));
        assertEquals(s.toJson(), Files.readString(dir.resolve("sweep/sweep.json")));
        List<SweepGrid.Point> grid = SweepGrid.expand(s, dir.resolve("sweep/runs"));
        assertEquals(grid.stream().map(SweepGrid.Point::run).toList(), f.runs());
        for (SweepGrid.Point p : grid) {
            assertEquals(p.spec().toAbsolute(), RunFolder.open(f.runPath(p.run())).spec());
            assertTrue(RunFolder.isPreparedFor(f.runPath(p.run()), p.spec()));
        }
        SweepFolder opened = SweepFolder.open(dir.resolve("sweep"));
        assertEquals(f.runs(), opened.runs());
        assertEquals("two", opened.name());
        assertEquals(Optional.of("accuracy"), opened.metric());
        assertEquals(List.of("epochs"), opened.hyperParameterAxes());
        assertEquals(new SweepRun(f.runs().get(3).id(), "SST-2", "head-only", null, 2, Map.of("epochs", "1")),
                opened.runs().get(3));

        SweepStatus status = SweepStatus.of(opened);
        assertEquals(List.of("pending", "pending", "pending", "pending"),
                status.entries().stream().map(SweepStatus.Entry::label).toList());
        try (EventLog log = EventLog.open(f.runPath(f.runs().get(0)).resolve(RunFolder.EVENTS_FILE))) {
            log.append(new RunEvent.Step(Instant.now(), 3, 8, 0, 0.5, 1e-3, 10));
        }
        SweepStatus.Entry first = SweepStatus.of(opened).entries().get(0);
        assertEquals(Optional.of(RunStatus.CRASHED), first.status(), "no terminal event and no process");
        assertEquals(3, first.step());
        assertEquals(8, first.totalSteps());

        SweepFolder again = SweepFolder.create(s, dir.resolve("sweep"));
        assertEquals(f.runs(), again.runs(), "laying the same sweep out again changes nothing");
        assertTrue(Files.exists(f.runPath(f.runs().get(0)).resolve(RunFolder.EVENTS_FILE)));
    }

    @Test
    void aRunsLockIsHeldByOneHolderAtATime() throws IOException {
        SweepFolder f = SweepFolder.create(sweep("\"plans\": [\"full\"]"), dir.resolve("sweep"));
        SweepRun run = f.runs().get(0);
        try (SweepFolder.RunLock held = f.tryLock(run).orElseThrow()) {
            assertFalse(f.tryLock(run).isPresent(), "taken");
            assertFalse(SweepFolder.open(f.path()).tryLock(run).isPresent(), "taken, whoever asks");
        }
        try (SweepFolder.RunLock again = f.tryLock(run).orElseThrow()) {
            assertTrue(Files.exists(f.runPath(run).resolve(RunFolder.LOCK_FILE)));
        }
    }

    @Test
    void aFolderThatHoldsSomethingElseIsRefused() throws IOException {
        Files.createDirectories(dir.resolve("mine"));
        Files.writeString(dir.resolve("mine/notes.txt"), "mine");
        SweepFile s = sweep("\"plans\": [\"full\"]");
        SweepException e = assertThrows(SweepException.class, () -> SweepFolder.create(s, dir.resolve("mine")));
        assertEquals(dir.resolve("mine") + ": is neither a sweep folder (no manifest.json) nor empty", e.getMessage());
        SweepException open = assertThrows(SweepException.class, () -> SweepFolder.open(dir.resolve("mine")));
        assertEquals(dir.resolve("mine") + ": not a sweep folder (no manifest.json)", open.getMessage());
    }
}
