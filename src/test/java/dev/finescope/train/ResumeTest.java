package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.DType;
import dev.finescope.plan.MaskOptions;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunException;
import dev.finescope.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run of the tiny BERT (dropout on) stopped on the way and resumed from its checkpoint ends bit for bit as the
 * same run without a break: its overlay's bytes (weights, masks, head, metadata), {@code metrics.json}, and every
 * step's loss and every evaluation in its events. Stopped by an interrupt (checkpoint of that very step; in the
 * middle of an evaluation; during the closing evaluation) and by a cancel after a later step than the last
 * checkpoint, whose steps the resumed run does again.
 */
class ResumeTest {

    /** 32 examples in batches of 8 for 3 epochs: 12 steps, evaluations after steps 5 and 10 and at the end. */
    static final HyperParameters HP = TinyRuns.FEW_STEPS.toBuilder().epochs(3).maxSteps(0).evalEverySteps(5)
            .build();
    static final CheckpointCadence EVERY_4 = new CheckpointCadence(4, Duration.ZERO);

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

    static Plan masks() {
        return Presets.sparsifyEncoder(TrainingRunTest.layout(), 0.3).withName("masks at 30%, top-k")
                .withMask(new MaskOptions(MaskOptions.Mode.TOP_K, 0.02));
    }

    static HyperParameters hp(Plan plan) {
        return HP.toBuilder().scoreLearningRate(0.75 * plan.mask().scoreInit()).build();
    }

    /** Runs to the end uninterrupted in {@code folder}; the folder. */
    private RunFolder uninterrupted(Plan plan, Path folder) {
        try (TrainingRun run = TrainingRun.prepare(TinyRuns.spec(plan, hp(plan), folder))) {
            TrainingRun.Result r = run.runInFolder(null, null, control(() -> false, () -> false));
            assertEquals(TrainingRun.Status.FINISHED, r.status());
        }
        return RunFolder.open(folder);
    }

    private static Trainer.Control control(java.util.function.BooleanSupplier cancel,
            java.util.function.BooleanSupplier interrupt) {
        return new Trainer.Control(cancel, interrupt, EVERY_4, System::nanoTime);
    }

    /** How the first process of a run stops. */
    enum Stop { INTERRUPT, CANCEL }

    static Stream<Arguments> stops() {
        List<Arguments> out = new ArrayList<>();
        for (Plan plan : List.of(Presets.fullFineTuning(), masks())) {
            // after step 3 (no checkpoint there yet), after step 5 (its evaluation is cut short), after step 8 (a
            // checkpoint and an epoch's end), after the last step (during the closing evaluation)
            for (long step : List.of(3L, 5L, 8L, 12L)) {
                out.add(Arguments.of(plan.name(), plan, Stop.INTERRUPT, step));
            }
            // cancelled after step 7: the checkpoint of step 4 is the last; steps 5 to 7 are done again
            out.add(Arguments.of(plan.name(), plan, Stop.CANCEL, 7L));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {2} after step {3}")
    @MethodSource("stops")
    void aRunStoppedAndResumedEndsBitForBitAsTheRunWithoutABreak(String name, Plan plan, Stop stop, long after)
            throws Exception {
        RunFolder reference = uninterrupted(plan, dir.resolve("a").resolve("run"));

        Path folder = dir.resolve("b").resolve("run");
        AtomicBoolean stopNow = new AtomicBoolean();
        TrainingRun.Result first;
        try (TrainingRun run = TrainingRun.prepare(TinyRuns.spec(plan, hp(plan), folder))) {
            java.util.function.BooleanSupplier when = () -> {
                if (!stopNow.get()) {
                    stopNow.set(RunFolder.open(folder).events().lastStep().map(s -> s.step() >= after)
                            .orElse(false));
                }
                return stopNow.get();
            };
            first = stop == Stop.INTERRUPT ? run.runInFolder(null, null, control(() -> false, when))
                    : run.runInFolder(null, null, control(when, () -> false));
        }
        RunFolder stopped = RunFolder.open(folder);
        List<RunEvent> before = stopped.events().events();
        long resumeStep;
        if (stop == Stop.INTERRUPT) {
            assertEquals(TrainingRun.Status.INTERRUPTED, first.status());
            assertEquals(after, first.steps());
            RunEvent.Interrupted i = assertInstanceOf(RunEvent.Interrupted.class, before.get(before.size() - 1));
            assertEquals(after, i.step());
            assertEquals(TrainingCheckpoint.FILE, i.checkpoint());
            RunEvent.CheckpointSaved c = assertInstanceOf(RunEvent.CheckpointSaved.class,
                    before.get(before.size() - 2));
            assertEquals(after, c.step(), "the interrupt saved a checkpoint of the step it ended");
            resumeStep = after;
        } else {
            assertEquals(TrainingRun.Status.CANCELLED, first.status());
            resumeStep = 4;
        }
        try (TrainingCheckpoint c = TrainingCheckpoint.read(folder.resolve(TrainingCheckpoint.FILE))) {
            assertEquals(resumeStep, c.step());
            assertEquals(after == 5 && stop == Stop.INTERRUPT, c.position().evaluationPending());
        }

        TrainingRun.Result resumed;
        try (TrainingRun run = TrainingRun.prepareResume(folder)) {
            resumed = run.runInFolder(null, null, control(() -> false, () -> false));
        }
        assertEquals(TrainingRun.Status.FINISHED, resumed.status());
        assertEquals(12, resumed.steps());

        assertArrayEquals(Files.readAllBytes(reference.overlayFile()), Files.readAllBytes(stopped.overlayFile()),
                "the overlay, byte for byte");
        assertArrayEquals(Files.readAllBytes(reference.metricsFile()), Files.readAllBytes(stopped.metricsFile()));
        assertEquals(outcomes(reference.events().events()), outcomes(stopped.events().events()),
                "every step's loss and rate, every evaluation, the end");
        assertFalse(Files.exists(folder.resolve(TrainingCheckpoint.FILE)), "a finished run keeps no checkpoint");

        List<RunEvent> after2 = stopped.events().events();
        assertEquals(1, after2.stream().filter(e -> e instanceof RunEvent.Started).count());
        assertEquals(1, after2.stream().filter(RunEvent::isTerminal).count());
        RunEvent.Resumed r = (RunEvent.Resumed) after2.stream().filter(e -> e instanceof RunEvent.Resumed)
                .findFirst().orElseThrow();
        assertEquals(resumeStep, r.step());
        long later = before.stream().filter(e -> !(e instanceof RunEvent.Step s && s.step() <= resumeStep)
                && !(e instanceof RunEvent.Evaluation v && v.step() <= resumeStep)
                && !(e instanceof RunEvent.CheckpointSaved k && k.step() <= resumeStep)
                && !(e instanceof RunEvent.Started)).count();
        assertEquals(later, r.discardedEvents(), "what came after the checkpoint was removed: " + before);
        assertEquals(before.subList(0, before.size() - r.discardedEvents()), after2.subList(0, after2.indexOf(r)),
                "what came before it was kept as it was");
        assertEquals(RunFolder.open(folder).status(), dev.finescope.run.RunStatus.FINISHED);
    }

    /** The events that must not depend on a break: steps (but their speed), evaluations, the end; no times. */
    static List<String> outcomes(List<RunEvent> events) {
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

    @Test
    void theCheckpointHoldsTheTrainedTensorsTheMomentsAndThePlaceInItsVersionedFormat() throws Exception {
        Plan plan = masks();
        Path folder = dir.resolve("run");
        try (TrainingRun run = TrainingRun.prepare(TinyRuns.spec(plan, hp(plan), folder))) {
            long[] seen = new long[1];
            run.runInFolder(null, null, control(() -> false, () -> ++seen[0] > 6));
            List<ModelParameter> trained = run.plan().updated(run.model());
            try (Checkpoint c = Checkpoints.open(folder.resolve(TrainingCheckpoint.FILE));
                 TrainingCheckpoint t = TrainingCheckpoint.read(folder.resolve(TrainingCheckpoint.FILE))) {
                assertEquals(3 * trained.size() + 1, c.tensorNames().size());
                for (ModelParameter p : trained) {
                    assertArrayEquals(p.toFloatArray(), c.tensor("param/" + p.name()).toFloatArray(), p.name());
                    assertEquals(DType.F32, c.tensor("adam.m/" + p.name()).dtype());
                    assertArrayEquals(p.shape(), c.tensor("adam.v/" + p.name()).shape());
                }
                assertTrue(trained.stream().anyMatch(p -> p.name().endsWith(".mask_scores")));
                assertEquals(DType.I32, c.tensor("order").dtype());
                assertEquals(TrainingCheckpoint.FORMAT, t.metadata().get("format"));
                assertEquals("1", t.metadata().get("version"));
                assertEquals(Long.toString(t.step()), t.metadata().get("optimizer_steps"));
                assertEquals("7", t.metadata().get("seed"));
                assertEquals("12", t.metadata().get("total_steps"));
            }
        }
    }

    @Test
    void aCheckpointOfOtherSettingsOrANewerVersionIsRefused() throws Exception {
        Plan plan = Presets.fullFineTuning();
        Path folder = dir.resolve("run");
        try (TrainingRun run = TrainingRun.prepare(TinyRuns.spec(plan, hp(plan), folder))) {
            run.runInFolder(null, null, control(() -> false, () -> true));
        }
        Path file = folder.resolve(TrainingCheckpoint.FILE);
        // the same spec with another seed: its checkpoint does not fit
        RunFolder f = RunFolder.open(folder);
        f.spec().withHyperParameters(HP.toBuilder().seed(8).build()).write(f.specFile());
        RunException e = assertThrows(RunException.class, () -> TrainingRun.prepareResume(folder).close());
        assertTrue(e.getMessage().contains("was saved by a run with other settings"), e.getMessage());

        dev.finescope.checkpoint.SafetensorsWriter w = new dev.finescope.checkpoint.SafetensorsWriter();
        w.metadata("format", TrainingCheckpoint.FORMAT).metadata("version", "2");
        w.addRaw("order", DType.I32, new long[] {0}, new byte[0]);
        w.write(file);
        dev.finescope.checkpoint.CheckpointException newer = assertThrows(
                dev.finescope.checkpoint.CheckpointException.class, () -> TrainingCheckpoint.read(file).close());
        assertTrue(newer.getMessage().endsWith("is a training checkpoint of version 2; this FineScope reads "
                + "versions up to 1"), newer.getMessage());
    }

    @Test
    void dropoutSeedsDifferByStepAndBySeed() {
        assertEquals(Trainer.dropoutSeed(7, 3), Trainer.dropoutSeed(7, 3));
        assertTrue(Trainer.dropoutSeed(7, 3) != Trainer.dropoutSeed(7, 4));
        assertTrue(Trainer.dropoutSeed(7, 3) != Trainer.dropoutSeed(8, 3));
        assertTrue(Trainer.dropoutSeed(-1, Long.MAX_VALUE) >= 0);
    }
}
