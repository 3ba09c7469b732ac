package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunSpec;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunHandle;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunListener;
import dev.finescope.run.RunStatus;
import dev.finescope.train.TinyRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code finescope train} as the app launches it: a separate JVM on this class path, following a prepared
 * run folder, cancelled (SIGINT, as the app's cancel sends) in the middle of its steps or during its closing
 * evaluation, and killed with SIGKILL while it writes its overlay.
 */
class TrainProcessTest {

    /** Starting a JVM and the engine on two busy cores can take a while. */
    private static final long TIMEOUT_S = 90;

    @TempDir
    Path dir;

    @Test
    void aCancelEndsTheCurrentStepRecordsCancelledAndLeavesAConsistentFolder() throws Exception {
        RunFolder run = RunFolder.prepare(TinyRuns.spec(Presets.fullFineTuning(),
                TinyRuns.FEW_STEPS.toBuilder().epochs(1000).maxSteps(0).build(), dir.resolve("run")));
        RunLauncher launcher = launcher();
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        List<String> otherOutput = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch steps = new CountDownLatch(3);
        RunHandle h = launcher.launch(run, new RunListener() {
            @Override
            public void onEvent(RunEvent event) {
                events.add(event);
                if (event instanceof RunEvent.Step) {
                    steps.countDown();
                }
            }

            @Override
            public void onOutputLine(String line) {
                otherOutput.add(line);
            }
        });
        assertTrue(steps.await(TIMEOUT_S, TimeUnit.SECONDS), "no steps arrived; stderr: " + h.stderrTail());
        RunExit exit = h.cancel().get(TIMEOUT_S, TimeUnit.SECONDS);

        assertEquals(130, exit.exitCode(), "ended by SIGINT, not killed: " + exit.stderrTail());
        assertTrue(exit.reportedByRun(), "the run wrote its own cancelled event");
        RunEvent.Cancelled cancelled = assertInstanceOf(RunEvent.Cancelled.class, exit.terminal());
        assertEquals(RunStatus.CANCELLED, run.status());
        List<RunEvent> written = run.events().events();
        // what the run says after the cancel may reach the launcher through events.jsonl only: standard output
        // carried a prefix of the file's events
        List<RunEvent> heard = events.subList(0, events.size() - 1);
        assertEquals(written.subList(0, heard.size()), heard);
        assertEquals(written.get(written.size() - 1), events.get(events.size() - 1));
        assertEquals(List.of(), otherOutput, "nothing but events on standard output");
        assertTrue(run.events().partialLastLine().isEmpty());
        assertEquals(cancelled.step(), run.events().lastStep().orElseThrow().step(),
                "the cancelled event counts the steps that were done");
        assertEquals(1, written.stream().filter(RunEvent::isTerminal).count());
        assertEquals("started", written.get(0).type());

        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(run.path())) {
            s.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertEquals(Set.of("events.jsonl", "log.txt", "process.json", "spec.json"), files,
                "no overlay, no metrics and no temporary file after a cancel");
        assertTrue(run.logTail(1).get(0).endsWith("cancelled after " + cancelled.step() + " steps; no overlay "
                + "written"), run.logTail(3).toString());
        assertFalse(run.isProcessAlive());
    }

    private RunLauncher launcher() {
        return new RunLauncher(args -> RunLauncher.javaCommand(
                List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Xmx512m", "-Xshare:auto",
                        "-Dfinescope.cache=" + dir.resolve("cache")),
                RunLauncher.MAIN_CLASS, java.util.stream.Stream.concat(java.util.stream.Stream.of("train"),
                        args.stream()).toList()),
                Duration.ofSeconds(60));
    }

    /** Launches {@code run} and hands each event to {@code onEvent}. */
    private RunHandle launch(RunFolder run, Consumer<RunEvent> onEvent) {
        return launcher().launch(run, new RunListener() {
            @Override
            public void onEvent(RunEvent event) {
                onEvent.accept(event);
            }

            @Override
            public void onOutputLine(String line) {
            }
        });
    }

    private static Set<String> files(Path folder) throws java.io.IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.forEach(p -> files.add(p.getFileName().toString()));
        }
        return files;
    }

    /**
     * The tiny task with a dev split of 12,000 sentences (its 12, a thousand times), whose evaluation lasts long
     * enough to be cancelled on the way.
     */
    private Path taskWithALongDevSplit() throws java.io.IOException {
        Path task = Files.createDirectories(dir.resolve("long-dev-task"));
        Files.copy(TinyRuns.TASK.resolve("train.tsv"), task.resolve("train.tsv"));
        List<String> dev = Files.readAllLines(TinyRuns.TASK.resolve("dev.tsv"));
        List<String> lines = new ArrayList<>(List.of(dev.get(0)));
        for (int i = 0; i < 1000; i++) {
            lines.addAll(dev.subList(1, dev.size()));
        }
        Files.write(task.resolve("dev.tsv"), lines);
        return task;
    }

    @Test
    void aCancelDuringTheClosingEvaluationKeepsTheTrainedWeightsAndFinishesWithoutMetrics() throws Exception {
        RunSpec spec = new RunSpec("closing", TinyRuns.BASE, DataSpec.glue(taskWithALongDevSplit(), "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, dir.resolve("run"));
        RunFolder run = RunFolder.prepare(spec);
        CountDownLatch lastStep = new CountDownLatch(1);
        RunHandle h = launch(run, e -> {
            if (e instanceof RunEvent.Step s && s.step() == s.totalSteps()) {
                lastStep.countDown();
            }
        });
        assertTrue(lastStep.await(TIMEOUT_S, TimeUnit.SECONDS), "no last step; stderr: " + h.stderrTail());
        // the weights are saved before the closing evaluation: cancel once they are, while it evaluates
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!Files.exists(run.overlayFile()) && h.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.exists(run.overlayFile()), "no overlay before the closing evaluation: " + files(run.path()));
        RunExit exit = h.cancel().get(TIMEOUT_S, TimeUnit.SECONDS);

        assertEquals(130, exit.exitCode(), "ended by SIGINT: " + exit.stderrTail());
        RunEvent.Finished finished = assertInstanceOf(RunEvent.Finished.class, exit.terminal());
        assertEquals(3, finished.step());
        assertEquals(java.util.Map.of(), finished.metrics(), "the cancelled evaluation measured nothing");
        assertEquals(List.of("started", "step", "step", "step", "finished"),
                run.events().events().stream().map(RunEvent::type).toList(), "no closing evaluation event");
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals(Set.of("events.jsonl", "log.txt", "overlay.safetensors", "process.json", "spec.json"),
                files(run.path()), "the overlay, no metrics.json and no temporary file");
        assertTrue(run.readMetrics().isEmpty());
        // the app finds the run with its weights: the overlay opens on its base as a trained model
        assertEquals(List.of(run), RunFolder.discover(dir).stream().filter(f -> f.equals(run)).toList());
        assertEquals(run.overlayFile(), run.resultOverlay().orElseThrow());
        try (Overlay o = Overlay.open(run.overlayFile());
             Checkpoint tuned = Checkpoints.open(run.overlayFile())) {
            assertEquals("{}", o.metricsJson());
            assertTrue(tuned.contains("classifier.weight"));
            assertTrue(tuned.contains("bert.encoder.layer.1.output.dense.weight"));
        }
        assertTrue(run.logTail(1).get(0).contains("the closing evaluation was cancelled, so the run has no metrics"),
                run.logTail(3).toString());
    }

    /**
     * The tiny BERT with 300,000 word embeddings (its 104 and random rows nobody looks up), so that a full
     * fine-tune's overlay takes a while to write (38 MB).
     */
    private Path wideBase() throws java.io.IOException {
        Path base = Files.createDirectories(dir.resolve("wide-base"));
        Files.copy(TinyRuns.BASE.resolve("vocab.txt"), base.resolve("vocab.txt"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(TinyRuns.BASE.resolve("config.json").toFile());
        int rows = 300_000;
        config.put("vocab_size", rows);
        json.writeValue(base.resolve("config.json").toFile(), config);
        SafetensorsWriter w = new SafetensorsWriter();
        try (Checkpoint tiny = Checkpoints.open(TinyRuns.BASE.resolve("model.safetensors"))) {
            for (String name : tiny.tensorNames()) {
                if (name.endsWith("word_embeddings.weight")) {
                    float[] small = tiny.tensor(name).toFloatArray();
                    int hidden = Math.toIntExact(tiny.tensor(name).shape()[1]);
                    float[] wide = new float[rows * hidden];
                    System.arraycopy(small, 0, wide, 0, small.length);
                    Random r = new Random(1);
                    for (int i = small.length; i < wide.length; i++) {
                        wide[i] = (float) (r.nextGaussian() * 0.02);
                    }
                    w.addFloats(name, DType.F32, new long[] {rows, hidden}, wide);
                } else {
                    w.addFloats(name, DType.F32, tiny.tensor(name).shape(), tiny.tensor(name).toFloatArray());
                }
            }
        }
        w.write(base.resolve("model.safetensors"));
        return base;
    }

    @Test
    void sigkillWhileTheOverlayIsWrittenLeavesAConsistentFolder() throws Exception {
        RunSpec spec = new RunSpec("killed", wideBase(), DataSpec.glue(TinyRuns.TASK, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, dir.resolve("run"));
        RunFolder run = RunFolder.prepare(spec);
        RunHandle h = launch(run, e -> { });
        // the overlay is written beside its name first: kill the process as soon as that file appears
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        boolean writing = false;
        while (!writing && h.isAlive() && System.nanoTime() < deadline) {
            writing = files(run.path()).stream().anyMatch(f -> f.startsWith(".overlay.safetensors."));
            if (!writing) {
                Thread.sleep(1);
            }
        }
        assertTrue(writing, "the overlay was never being written: " + files(run.path()) + "; " + h.stderrTail());
        ProcessHandle.of(h.pid()).orElseThrow().destroyForcibly();
        RunExit exit = h.exit().get(TIMEOUT_S, TimeUnit.SECONDS);

        assertEquals(137, exit.exitCode());
        assertFalse(exit.reportedByRun(), "a killed run cannot say so itself");
        assertFalse(Files.exists(run.overlayFile()), "no overlay under its name: it was killed while writing it");
        assertFalse(Files.exists(run.metricsFile()), "no metrics without a finished run");
        assertTrue(run.resultOverlay().isEmpty(), "the app lists no weights for it");
        List<RunEvent> events = run.events().events();
        assertTrue(run.events().partialLastLine().isEmpty());
        assertEquals(List.of("started", "step", "step", "step", "failed"),
                events.stream().map(RunEvent::type).toList(), "every step, then how it ended as the launcher saw it");
        assertEquals(exit.terminal(), events.get(events.size() - 1));
        assertTrue(exit.failureReason().startsWith("the training process was killed by signal 9 (SIGKILL"),
                exit.failureReason());
        assertEquals(RunStatus.FAILED, run.status());
        assertFalse(run.isProcessAlive());
        // what was cut off is a hidden temporary file only
        for (String f : files(run.path())) {
            assertTrue(Set.of("events.jsonl", "log.txt", "process.json", "spec.json").contains(f)
                    || f.matches("\\.overlay\\.safetensors\\.[0-9a-f]+\\.tmp"), f);
        }
    }
}
