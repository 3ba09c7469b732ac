package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.plan.MaskOptions;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunHandle;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunListener;
import dev.finescope.run.RunStatus;
import dev.finescope.train.TinyRuns;
import dev.finescope.train.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real {@code finescope train} in its own JVM, stopped the hard way and the polite way and resumed with
 * {@code --resume} in another: killed with SIGKILL between two checkpoints, and interrupted with SIGTERM or
 * SIGUSR1 (checkpoint, interrupted event, exit 75). Either way the resumed run ends with the overlay (weights,
 * learned masks, head), {@code metrics.json} and the step losses and evaluations of a run that was never stopped,
 * bit for bit.
 */
class TrainResumeProcessTest {

    /** Starting a JVM and the engine on two busy cores can take a while. */
    private static final long TIMEOUT_S = 120;
    /** Checkpoints every 20 steps and never by time, so where they fall is known. */
    private static final List<String> EVERY_20 = List.of("--checkpoint-every", "20", "--checkpoint-minutes", "0");

    /** 32 examples in batches of 8 for 15 epochs: 60 steps, dropout on, evaluations every 10 steps. */
    static final HyperParameters HP = TinyRuns.FEW_STEPS.toBuilder().epochs(15).maxSteps(0).evalEverySteps(10)
            .scoreLearningRate(0.015).build();

    @TempDir
    static Path shared;
    private static RunFolder reference;

    @TempDir
    Path dir;

    static Plan masks() {
        ModelLayout layout;
        try (Checkpoint c = Checkpoints.open(TinyRuns.BASE)) {
            layout = ModelLayout.of(c, NameMap.standard()::locate);
        }
        return Presets.sparsifyEncoder(layout, 0.3).withName("masks at 30%, top-k")
                .withMask(new MaskOptions(MaskOptions.Mode.TOP_K, 0.02));
    }

    /** The run never stopped, in its own process. */
    @BeforeAll
    static void runWithoutABreak() throws Exception {
        reference = RunFolder.prepare(TinyRuns.spec(masks(), HP, shared.resolve("a").resolve("run")));
        RunExit exit = launch(shared, reference, train(reference, EVERY_20), e -> { })
                .exit().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(0, exit.exitCode(), exit.stderrTail().toString());
        assertEquals(RunStatus.FINISHED, reference.status());
    }

    private static List<String> train(RunFolder run, List<String> more) {
        List<String> args = new ArrayList<>(List.of("train", "--spec", run.specFile().toString(), "--events",
                "stdout"));
        args.addAll(more);
        return args;
    }

    private static List<String> resume(RunFolder run) {
        List<String> args = new ArrayList<>(List.of("train", "--resume", run.path().toString(), "--events",
                "stdout"));
        args.addAll(EVERY_20);
        return args;
    }

    private static RunHandle launch(Path dir, RunFolder run, List<String> args, Consumer<RunEvent> onEvent) {
        RunLauncher launcher = new RunLauncher(trainArgs -> RunLauncher.javaCommand(
                List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Xmx512m", "-Xshare:auto",
                        "-Dfinescope.cache=" + dir.resolve("cache")),
                RunLauncher.MAIN_CLASS, args), Duration.ofSeconds(60));
        return launcher.launch(run, new RunListener() {
            @Override
            public void onEvent(RunEvent event) {
                onEvent.accept(event);
            }

            @Override
            public void onOutputLine(String line) {
            }
        });
    }

    @Test
    void aRunKilledBetweenCheckpointsAndResumedEndsBitForBitAsTheRunNeverStopped() throws Exception {
        RunFolder run = RunFolder.prepare(TinyRuns.spec(masks(), HP, dir.resolve("b").resolve("run")));
        CountDownLatch killed = new CountDownLatch(1);
        RunHandle[] h = new RunHandle[1];
        // SIGKILL as soon as step 23 is heard: three steps after the checkpoint of step 20, 17 before the next
        h[0] = launch(dir, run, train(run, EVERY_20), e -> {
            if (e instanceof RunEvent.Step s && s.step() == 23) {
                ProcessHandle.of(h[0].pid()).ifPresent(ProcessHandle::destroyForcibly);
                killed.countDown();
            }
        });
        assertTrue(killed.await(TIMEOUT_S, TimeUnit.SECONDS), "no step 23; stderr: " + h[0].stderrTail());
        RunExit exit = h[0].exit().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(137, exit.exitCode());
        List<RunEvent> before = run.events().events();
        long lastStep = run.events().lastStep().orElseThrow().step();
        long lastCheckpoint = before.stream().filter(e -> e instanceof RunEvent.CheckpointSaved)
                .mapToLong(e -> ((RunEvent.CheckpointSaved) e).step()).max().orElseThrow();
        assertEquals(20, lastCheckpoint, before.toString());
        assertTrue(lastStep > lastCheckpoint && lastStep < 40, "killed at step " + lastStep + ", not a checkpoint's");
        // what follows the checkpoint: steps, perhaps a line cut off, and the failed event the launcher wrote
        List<String> lines = Files.readAllLines(run.eventsFile()).stream().filter(l -> !l.isBlank()).toList();
        int checkpointLine = lines.indexOf(lines.stream().filter(l -> l.startsWith("{\"type\":\"checkpoint\"")
                && l.contains("\"step\":20,")).findFirst().orElseThrow());

        RunExit resumed = launch(dir, run, resume(run), e -> { }).exit().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(0, resumed.exitCode(), resumed.stderrTail().toString());

        assertSameResult(run);
        List<RunEvent> after = run.events().events();
        RunEvent.Resumed r = (RunEvent.Resumed) after.stream().filter(e -> e instanceof RunEvent.Resumed)
                .findFirst().orElseThrow();
        assertEquals(20, r.step());
        assertEquals(lines.size() - checkpointLine - 1, r.discardedEvents(), "the steps after the checkpoint and "
                + "the launcher's failed event were removed");
        assertEquals(lines.subList(0, checkpointLine + 1), Files.readAllLines(run.eventsFile())
                .subList(0, checkpointLine + 1), "the events up to the checkpoint, as they were");
        assertEquals(1, after.stream().filter(RunEvent::isTerminal).count());
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "USR1"})
    void aSignalEndsTheStepSavesACheckpointWritesInterruptedAndExits75(String signal) throws Exception {
        RunFolder run = RunFolder.prepare(TinyRuns.spec(masks(), HP, dir.resolve("b").resolve("run")));
        CountDownLatch steps = new CountDownLatch(3);
        RunHandle h = launch(dir, run, train(run, EVERY_20), e -> {
            if (e instanceof RunEvent.Step) {
                steps.countDown();
            }
        });
        assertTrue(steps.await(TIMEOUT_S, TimeUnit.SECONDS), "no steps arrived; stderr: " + h.stderrTail());
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(h.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        RunExit exit = h.exit().get(TIMEOUT_S, TimeUnit.SECONDS);

        assertEquals(TrainCommand.INTERRUPTED, exit.exitCode(), exit.stderrTail().toString());
        assertEquals(75, exit.exitCode());
        assertTrue(exit.reportedByRun());
        RunEvent.Interrupted interrupted = assertInstanceOf(RunEvent.Interrupted.class, exit.terminal());
        List<RunEvent> events = run.events().events();
        long step = run.events().lastStep().orElseThrow().step();
        assertEquals(step, interrupted.step(), "the step under way was finished");
        assertTrue(step < HP.epochs() * 4L, "interrupted before the end");
        assertEquals(new RunEvent.CheckpointSaved(events.get(events.size() - 2).time(), step,
                TrainingCheckpoint.FILE), events.get(events.size() - 2));
        assertEquals(TrainingCheckpoint.FILE, interrupted.checkpoint());
        assertEquals(1, events.stream().filter(RunEvent::isTerminal).count());
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(run.path())) {
            s.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertEquals(Set.of("checkpoint.safetensors", "events.jsonl", "log.txt", "process.json", "spec.json"), files,
                "a checkpoint, no overlay, no temporary file");
        assertTrue(run.logTail(1).get(0).endsWith("interrupted after " + step + " steps; checkpoint "
                + run.path().resolve(TrainingCheckpoint.FILE) + "; go on with finescope train --resume "
                + run.path()), run.logTail(1).toString());
        try (TrainingCheckpoint c = TrainingCheckpoint.read(run.path().resolve(TrainingCheckpoint.FILE))) {
            assertEquals(step, c.step());
        }

        RunExit resumed = launch(dir, run, resume(run), e -> { }).exit().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(0, resumed.exitCode(), resumed.stderrTail().toString());
        assertSameResult(run);
        RunEvent.Resumed r = (RunEvent.Resumed) run.events().events().stream()
                .filter(e -> e instanceof RunEvent.Resumed).findFirst().orElseThrow();
        assertEquals(new RunEvent.Resumed(r.time(), step, TrainingCheckpoint.FILE, 1), r,
                "only the interrupted event was removed");
    }

    /** The overlay, the metrics and every step's loss and evaluation, bit for bit those of the reference. */
    private static void assertSameResult(RunFolder run) throws Exception {
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals(header(reference.overlayFile()), header(run.overlayFile()), "the overlay's header");
        assertArrayEquals(Files.readAllBytes(reference.overlayFile()), Files.readAllBytes(run.overlayFile()),
                "the overlay, byte for byte");
        assertArrayEquals(Files.readAllBytes(reference.metricsFile()), Files.readAllBytes(run.metricsFile()));
        assertEquals(outcomes(reference.events().events()), outcomes(run.events().events()));
        assertFalse(Files.exists(run.path().resolve(TrainingCheckpoint.FILE)), "a finished run keeps no checkpoint");
    }

    /** A safetensors file's JSON header. */
    private static String header(Path file) throws java.io.IOException {
        byte[] all = Files.readAllBytes(file);
        long n = java.nio.ByteBuffer.wrap(all, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(all, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Steps (but their speed), evaluations and the end, without times. */
    private static List<String> outcomes(List<RunEvent> events) {
        List<String> out = new ArrayList<>();
        for (RunEvent e : events) {
            if (e instanceof RunEvent.Step s) {
                out.add("step " + s.step() + "/" + s.totalSteps() + " epoch " + s.epoch() + " loss "
                        + Double.doubleToRawLongBits(s.loss()) + " rate " + s.learningRate());
            } else if (e instanceof RunEvent.Evaluation v) {
                out.add("evaluation " + v.step() + " " + v.split() + " " + v.metrics());
            } else if (e instanceof RunEvent.Finished f) {
                out.add("finished " + f.step() + " " + f.metrics() + " " + f.overlay());
            }
        }
        return out;
    }
}
