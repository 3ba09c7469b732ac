package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.run.RunEvent;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunHandle;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunStatus;
import dev.finescope.sweep.SweepFile;
import dev.finescope.sweep.SweepFolder;
import dev.finescope.sweep.SweepReport;
import dev.finescope.sweep.SweepRun;
import dev.finescope.sweep.SweepRunner;
import dev.finescope.sweep.SweepStatus;
import dev.finescope.train.TinyRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finescope sweep plan|run|status|report} end to end on the tiny BERT, each run a real {@code finescope train}
 * process: a sweep trains once however often it is started, and a run killed mid-way is resumed by the next start
 * to the very metrics of a run that was never stopped.
 */
class SweepCommandTest {

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

    private static Path write(Path file, String members) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"format\": \"finescope.sweep/1\", \"name\": \"tiny\", \"base\": \"" + TinyRuns.BASE
                + "\", \"tasks\": [{\"kind\": \"glue\", \"path\": \"" + TinyRuns.TASK + "\", \"task\": \"SST-2\"}], "
                + "\"device\": \"cpu\", " + members + "}");
        return file;
    }

    /** Batches of 8, 32 tokens, rates that move the tiny model, as {@code TinyRuns.FEW_STEPS}. */
    private static final String FEW_STEPS = "\"epochs\": 1, \"batchSize\": 8, \"maxLength\": 32, "
            + "\"learningRate\": 0.001, \"scoreLearningRate\": 0.05, \"warmupRatio\": 0, \"maxSteps\": 3";

    @Test
    void aSweepTrainsOnceHoweverOftenItIsStarted() throws IOException {
        Path file = write(dir.resolve("tiny.json"), "\"plans\": [\"head-only\", \"sparsify-encoder\"], "
                + "\"sparsities\": [0.5], \"seeds\": [1, 2], \"hyperParameters\": {" + FEW_STEPS + "}");
        CliRun plan = CliRun.of("sweep", "plan", file.toString());
        assertEquals(0, plan.code(), plan.err());
        List<String> planLines = plan.out().lines().toList();
        assertTrue(planLines.get(0).matches("#\\s+id\\s+task\\s+plan\\s+sparsity\\s+seed"), planLines.get(0));
        assertTrue(planLines.get(4).matches("4\\s+\\p{XDigit}{12}\\s+SST-2\\s+sparsify-encoder\\s+50%\\s+2"),
                planLines.get(4));
        assertTrue(plan.out().contains("4 runs ("), plan.out());
        assertTrue(!Files.exists(dir.resolve("tiny")), "plan writes nothing");

        CliRun first = CliRun.of("sweep", "run", file.toString(), "--parallel", "2");
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("4 runs: 0 finished before, 4 trained now (0 resumed), 0 did not finish, "
                + "0 trained elsewhere"), first.out());
        SweepFolder sweep = SweepFolder.open(dir.resolve("tiny"));
        List<byte[]> events = new ArrayList<>();
        for (SweepRun r : sweep.runs()) {
            events.add(Files.readAllBytes(sweep.runPath(r).resolve(RunFolder.EVENTS_FILE)));
        }

        CliRun second = CliRun.of("sweep", "run", dir.resolve("tiny").toString(), "--parallel", "2");
        assertEquals(0, second.code(), second.out() + second.err());
        assertEquals(List.of("sweep " + sweep.path() + ": 4 runs, 4 finished, 0 to train, 2 at a time",
                "4 runs: 4 finished before, 0 trained now (0 resumed), 0 did not finish, 0 trained elsewhere"),
                second.out().lines().toList());
        for (int i = 0; i < sweep.runs().size(); i++) {
            assertArrayEquals(events.get(i), Files.readAllBytes(sweep.runPath(sweep.runs().get(i))
                    .resolve(RunFolder.EVENTS_FILE)), "the second start touched no run");
        }

        CliRun status = CliRun.of("sweep", "status", file.toString());
        assertEquals(0, status.code(), status.err());
        List<String> lines = status.out().lines().toList();
        assertEquals(6, lines.size(), status.out());
        assertTrue(lines.get(0).matches("id\\s+task\\s+plan\\s+sparsity\\s+seed\\s+status\\s+step\\s+accuracy"),
                lines.get(0));
        SweepRun third = sweep.runs().get(2);
        double accuracy = RunFolder.open(sweep.runPath(third)).readMetrics().orElseThrow().get("accuracy");
        assertTrue(lines.get(3).matches(third.id() + "\\s+SST-2\\s+sparsify-encoder\\s+50%\\s+1\\s+finished\\s+3/3\\s+"
                + String.format(java.util.Locale.ROOT, "%.4f", accuracy)), lines.get(3));
        assertEquals("4 runs: 4 finished", lines.get(5));

        CliRun report = CliRun.of("sweep", "report", dir.resolve("tiny").toString());
        assertEquals(0, report.code(), report.err());
        for (String f : List.of("report.csv", "report.md", "report.png", "report.svg")) {
            assertTrue(Files.size(sweep.path().resolve(f)) > 0, f);
        }
        SweepReport expected = SweepReport.of(sweep, SweepStatus.of(sweep), null, SweepReport.Value.FINAL);
        assertEquals(expected.csv(), Files.readString(sweep.path().resolve("report.csv")));
        assertEquals(expected.markdown(), Files.readString(sweep.path().resolve("report.md")));
        double a = metric(sweep, 2);
        double b = metric(sweep, 3);
        SweepReport.Stats masks = expected.rows().get(1).stats();
        assertEquals(2, masks.n());
        assertEquals((a + b) / 2, masks.mean(), 1e-12);
        assertEquals(Math.abs(a - b) / Math.sqrt(2), masks.std(), 1e-12, "two values: |a − b| / √2");
    }

    @Test
    void aBadSweepFileIsOneLineAndAHugeGridNeedsYes() throws IOException {
        Path bad = write(dir.resolve("bad.json"), "\"plans\": [\"full\", \"sparsify\"]");
        for (String command : List.of("plan", "run")) {
            CliRun run = CliRun.of("sweep", command, bad.toString());
            assertEquals(2, run.code(), run.err());
            assertEquals(List.of("finescope: " + bad + ": plans[1]: unknown plan 'sparsify' (presets: full, "
                    + "head-only, biases-only, freeze-embeddings, sparsify-encoder, sparsify-encoder:S; or a plan file "
                    + "(.json))"), run.errLines());
        }
        StringBuilder seeds = new StringBuilder();
        for (int i = 0; i <= 10_000; i++) {
            seeds.append(i == 0 ? "" : ", ").append(i);
        }
        Path huge = write(dir.resolve("huge.json"), "\"plans\": [\"full\"], \"seeds\": [" + seeds + "]");
        CliRun run = CliRun.of("sweep", "run", huge.toString());
        assertEquals(2, run.code(), run.err());
        assertEquals(List.of("finescope: " + huge + ": the grid has 10001 runs, more than 10000; give --yes to start "
                + "them"), run.errLines());
        assertTrue(!Files.exists(dir.resolve("huge")), "nothing laid out");
        CliRun status = CliRun.of("sweep", "status", huge.toString());
        assertEquals(List.of("finescope: " + huge + ": the sweep has not started yet (no " + dir.resolve("huge")
                + "); start it with finescope sweep run " + huge), status.errLines());
    }

    private static double metric(SweepFolder sweep, int index) {
        return RunFolder.open(sweep.runPath(sweep.runs().get(index))).readMetrics().orElseThrow().get("accuracy");
    }

    @Test
    void aRunKilledMidWayIsResumedByTheNextStartToTheMetricsOfOneNeverStopped() throws Exception {
        // 32 examples in batches of 8 for 15 epochs: 60 steps, evaluations every 10, checkpoints every 20
        String members = "\"plans\": [\"sparsify-encoder\"], \"sparsities\": [0.3], \"seeds\": [7], "
                + "\"hyperParameters\": {\"epochs\": 15, \"batchSize\": 8, \"maxLength\": 32, \"learningRate\": 0.001, "
                + "\"scoreLearningRate\": 0.015, \"warmupRatio\": 0, \"evalEverySteps\": 10}";
        Path reference = write(dir.resolve("a/sweep.json"), members);
        Path killed = write(dir.resolve("b/sweep.json"), members);
        String[] cadence = {"--checkpoint-every", "20", "--checkpoint-minutes", "0"};
        CliRun uninterrupted = CliRun.of(with(List.of("sweep", "run", reference.toString()), cadence));
        assertEquals(0, uninterrupted.code(), uninterrupted.out() + uninterrupted.err());

        SweepFolder sweep = SweepFolder.create(SweepFile.read(killed), dir.resolve("b/sweep"));
        AtomicReference<RunHandle> handle = new AtomicReference<>();
        SweepRunner.Summary first = new SweepRunner(SweepRunCommand.commands(List.of(), 20L, 0.0),
                RunLauncher.DEFAULT_CANCEL_GRACE).run(sweep, 1, new SweepRunner.Listener() {
                    @Override
                    public void started(SweepRun run, SweepRunner.Start how, RunHandle h) {
                        handle.set(h);
                    }

                    @Override
                    public void onEvent(SweepRun run, RunEvent event) {
                        // SIGKILL three steps after the checkpoint of step 20
                        if (event instanceof RunEvent.Step s && s.step() == 23 && handle.get() != null) {
                            ProcessHandle.of(handle.get().pid()).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }

                    @Override
                    public void ended(SweepRun run, RunExit exit) {
                        assertEquals(137, exit.exitCode(), exit.stderrTail().toString());
                    }
                });
        SweepRun run = sweep.runs().get(0);
        assertEquals(Map.of(run, RunStatus.FAILED), first.ended(), "the launcher wrote how the process died");
        RunFolder folder = RunFolder.open(sweep.runPath(run));
        long stepReached = folder.events().lastStep().orElseThrow().step();
        assertTrue(stepReached >= 23 && stepReached < 40, "killed at step " + stepReached);

        CliRun again = CliRun.of(with(List.of("sweep", "run", killed.toString()), cadence));
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("started  " + run.id() + " SST-2 sparsify-encoder @ 30% seed 7 (resumed from "
                + "its checkpoint)"), again.out());
        assertTrue(again.out().contains("1 trained now (1 resumed)"), again.out());
        RunFolder done = RunFolder.open(sweep.runPath(run));
        RunFolder never = RunFolder.open(dir.resolve("a/sweep/runs").resolve(run.id()));
        assertEquals(RunStatus.FINISHED, done.status());
        assertEquals(20, ((RunEvent.Resumed) done.events().events().stream().filter(e -> e instanceof RunEvent.Resumed)
                .findFirst().orElseThrow()).step());
        assertArrayEquals(Files.readAllBytes(never.metricsFile()), Files.readAllBytes(done.metricsFile()),
                "metrics.json, byte for byte");
        assertArrayEquals(Files.readAllBytes(never.overlayFile()), Files.readAllBytes(done.overlayFile()),
                "the overlay, byte for byte");
    }

    private static String[] with(List<String> first, String... more) {
        List<String> out = new ArrayList<>(first);
        out.addAll(List.of(more));
        return out.toArray(String[]::new);
    }
}
