package dev.finescope.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.EventLog;
import dev.finescope.run.EventReader;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.OnFx;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.RecordingWorkspace;
import dev.finescope.ui.testing.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runs view model with a same-thread executor, launching {@link FakeTrainer} processes. */
class RunsViewModelTest {

    /** Starting a JVM on two busy cores can take seconds. */
    private static final Duration PROCESS = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final AtomicReference<String> mode = new AtomicReference<>("finish");
    private RecordingWorkspace workspace;
    private RecordingDialogs dialogs;
    private RunsViewModel vm;
    private ModelFolder base;
    private Path runsFolder;

    @BeforeAll
    static void startFx() {
        OnFx.start();
    }

    @BeforeEach
    void openWorkspace() {
        base = TinyBert.base();
        runsFolder = dir.resolve("runs");
        OnFx.run(() -> {
            workspace = new RecordingWorkspace();
            dialogs = new RecordingDialogs();
            workspace.baseProperty().set(base);
            workspace.runsFolderProperty().set(runsFolder);
            vm = new RunsViewModel(workspace, UiExecutor.sameThread(), dialogs, FakeTrainer.launcher(mode::get, 20));
        });
    }

    @AfterEach
    void close() {
        OnFx.run(() -> {
            vm.cancelAll();
            vm.dispose();
        });
        base.close();
    }

    private LaunchViewModel glueForm() {
        return OnFx.call(() -> {
            LaunchViewModel form = vm.newLaunchForm();
            form.glueFolderProperty().set(TinyBert.GLUE);
            form.glueTaskProperty().set("SST-2");
            return form;
        });
    }

    private RunItem launch(String how) {
        mode.set(how);
        LaunchViewModel form = glueForm();
        OnFx.run(() -> vm.launch(form));
        OnFx.await("the run to appear", PROCESS, () -> !vm.runs().isEmpty());
        return OnFx.call(() -> vm.runs().get(0));
    }

    private static void awaitStatus(RunItem item, RunStatus status) {
        OnFx.await("status " + status + " of " + item, PROCESS, () -> item.status() == status);
    }

    @Test
    void aFinishedRunShowsItsCurvesAndJoinsTheWorkspace() throws Exception {
        Plan plan = Presets.fullFineTuning().with(MatrixCell.layer(0, GridColumn.Q), Action.sparsify(0.2));
        OnFx.run(() -> {
            vm.planProperty().set(plan);
            vm.setCurvesSize(600, 300);
        });
        RunItem run = launch("finish");
        OnFx.run(() -> assertEquals(run, vm.selectedProperty().get()));
        awaitStatus(run, RunStatus.FINISHED);
        OnFx.settle();
        OnFx.run(() -> {
            assertEquals(1.0, run.progressProperty().get());
            assertEquals(List.of(1.0, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.0 / 5, 1.0 / 6),
                    run.lossPoints().stream().map(p -> p[1]).toList());
            List<double[]> accuracy = run.metricPoints().get("accuracy");
            assertEquals(List.of(3.0, 6.0), accuracy.stream().map(p -> p[0]).toList());
            assertEquals(List.of(0.5, 0.75), accuracy.stream().map(p -> p[1]).toList());
            assertEquals("finished at step 6 · accuracy 0.7500", run.summaryProperty().get());
            assertEquals("cpu (fake)", run.device());
        });
        OnFx.await("the log", PROCESS, () -> run.logTextProperty().get().contains("fake step 6"));
        OnFx.await("the run to join the workspace", PROCESS, () -> !workspace.tunedModels.isEmpty());
        assertEquals(List.of(run.folder().resolve(RunFolder.OVERLAY_FILE)), OnFx.call(() -> workspace.tunedModels));
        RunSpec spec = RunFolder.open(run.folder()).spec();
        assertEquals(plan, spec.plan().inline());
        assertEquals(DataSpec.glue(TinyBert.GLUE.toAbsolutePath().normalize(), "SST-2"), spec.data());
        assertEquals(base.path(), spec.base());
        // the plan, its sparsity, the seed and the time tell this run from others
        assertTrue(spec.name().matches("SST-2 · full fine-tuning · masks 20 % · seed 42 · \\d\\d:\\d\\d"),
                spec.name());
        assertEquals(List.of(run.nameProperty().get()), OnFx.call(() -> workspace.tunedLabels),
                "a finished run joins the workspace by its own name, not as overlay.safetensors");
        assertEquals(runsFolder.toAbsolutePath().normalize(), spec.output().getParent());
        assertFalse(OnFx.call(vm::hasRunningRuns));
        OnFx.await("the curves", PROCESS, () -> vm.curvesImageProperty().get() != null
                && vm.curvesImageProperty().get().getWidth() == 600);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void curvesThatAreNotShownAreDrawnWhenShown() {
        OnFx.run(() -> {
            vm.curvesShownProperty().set(false);
            vm.setCurvesSize(500, 300);
        });
        RunItem run = launch("finish");
        awaitStatus(run, RunStatus.FINISHED);
        OnFx.settle();
        assertNull(OnFx.call(() -> vm.curvesImageProperty().get()), "nothing drawn while not shown");
        OnFx.run(() -> vm.curvesShownProperty().set(true));
        OnFx.await("the curves", PROCESS, () -> vm.curvesImageProperty().get() != null
                && vm.curvesImageProperty().get().getWidth() == 500);
    }

    @Test
    void aCancelledRunStopsAfterItsStepAndSaysSo() {
        RunItem run = launch("slow");
        OnFx.await("a first step", PROCESS, () -> run.progressProperty().get() > 0 || run.lossPoints().size() > 0);
        assertTrue(OnFx.call(vm::hasRunningRuns));
        OnFx.run(() -> {
            assertTrue(run.cancellableProperty().get());
            vm.cancelSelected();
            assertTrue(run.summaryProperty().get().startsWith("cancelling… "), run.summaryProperty().get());
        });
        awaitStatus(run, RunStatus.CANCELLED);
        OnFx.run(() -> {
            assertFalse(vm.hasRunningRuns());
            assertFalse(run.cancellableProperty().get());
            assertTrue(run.summaryProperty().get().startsWith("cancelled at step "), run.summaryProperty().get());
        });
        assertEquals(List.of(), workspace.tunedModels);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void anInterruptedRunIsResumedFromItsCheckpointAndFinishesAsOneRun() {
        RunItem run = launch("interrupt");
        awaitStatus(run, RunStatus.INTERRUPTED);
        OnFx.await("the process to end", PROCESS, () -> run.resumableProperty().get());
        OnFx.run(() -> {
            assertEquals("interrupted at step 3, checkpoint saved: Resume goes on from it",
                    run.summaryProperty().get());
            assertFalse(run.cancellableProperty().get());
            vm.resumeSelected();
        });
        awaitStatus(run, RunStatus.FINISHED);
        OnFx.settle();
        OnFx.run(() -> {
            assertFalse(run.resumableProperty().get());
            assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), run.lossPoints().stream().map(p -> p[0]).toList(),
                    "one curve: the step the checkpoint did not hold is gone, the resumed steps follow");
            assertEquals(1.0 / 4, run.lossPoints().get(3)[1]);
            assertEquals("finished at step 6 · accuracy 0.7500", run.summaryProperty().get());
        });
        OnFx.await("the resume in the log", PROCESS,
                () -> run.logTextProperty().get().contains("resumed from the checkpoint at step 3"));
        List<RunEvent> events = EventReader.readAll(run.folder().resolve(RunFolder.EVENTS_FILE)).events();
        assertEquals(1, events.stream().filter(RunEvent::isTerminal).count(), events.toString());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void aRunWithoutACheckpointCannotBeResumed() {
        RunItem run = launch("crash");
        awaitStatus(run, RunStatus.FAILED);
        OnFx.settle();
        OnFx.run(() -> assertFalse(run.resumableProperty().get(), "failed, and no checkpoint"));
    }

    @Test
    void aRunWhoseProcessDiesShowsWhyAndTheAppGoesOn() {
        RunItem run = launch("crash");
        awaitStatus(run, RunStatus.FAILED);
        OnFx.await("the error message", PROCESS, () -> !dialogs.errors.isEmpty());
        String why = "the training process exited with code 1 before reporting an end: Exception in thread \"main\" "
                + "java.lang.IllegalStateException: CUDA out of memory (simulated)";
        OnFx.run(() -> assertEquals(why, run.problemProperty().get()));
        assertEquals(List.of(new RecordingDialogs.Message("Run failed", run.nameProperty().get() + ": " + why)),
                OnFx.call(() -> List.copyOf(dialogs.errors)));
        OnFx.await("the stack trace in the log", PROCESS,
                () -> run.logTextProperty().get().contains("at dev.finescope.train.Trainer.step"));
        RunItem next = launch("finish");
        awaitStatus(next, RunStatus.FINISHED);
    }

    @Test
    void runsOfEarlierSessionsAreFoundAgainWithTheirHistory() throws Exception {
        Path finished = prepareRun("earlier", Presets.fullFineTuning());
        Instant t0 = Instant.parse("2025-01-31T14:05:00Z");
        try (EventLog log = EventLog.open(finished.resolve(RunFolder.EVENTS_FILE))) {
            log.append(new RunEvent.Started(t0, "cpu", 10, 2, 5, 10, 2));
            log.append(new RunEvent.Step(t0.plusSeconds(1), 1, 2, 0, 0.7, 1e-5, 10));
            log.append(new RunEvent.Step(t0.plusSeconds(2), 2, 2, 0, 0.6, 1e-5, 10));
            log.append(new RunEvent.Finished(t0.plusSeconds(3), 2, Map.of("accuracy", 0.5), RunFolder.OVERLAY_FILE));
        }
        Files.write(finished.resolve(RunFolder.OVERLAY_FILE), new byte[] {0});
        Path crashed = prepareRun("crashed", Presets.biasesOnly());
        Files.writeString(crashed.resolve(RunFolder.LOG_FILE), "loading\nout of memory\n");

        OnFx.run(vm::rediscover);
        OnFx.settle();
        List<RunItem> runs = OnFx.call(() -> List.copyOf(vm.runs()));
        assertEquals(2, runs.size());
        RunItem f = runs.stream().filter(r -> r.folder().endsWith("earlier")).findFirst().orElseThrow();
        RunItem c = runs.stream().filter(r -> r.folder().endsWith("crashed")).findFirst().orElseThrow();
        OnFx.run(() -> {
            assertEquals(RunStatus.FINISHED, f.status());
            assertEquals("earlier", f.nameProperty().get());
            assertEquals(List.of(0.7, 0.6), f.lossPoints().stream().map(p -> p[1]).toList());
            assertEquals(RunStatus.CRASHED, c.status());
            assertEquals("loading\nout of memory", c.logTextProperty().get());
            assertFalse(c.cancellableProperty().get());
        });
        assertEquals(List.of(), workspace.tunedModels, "found runs are shown, not added again");
        OnFx.run(() -> vm.addToWorkspace(f));
        assertEquals(List.of(finished.resolve(RunFolder.OVERLAY_FILE).toAbsolutePath().normalize()),
                workspace.tunedModels);
    }

    private Path prepareRun(String name, Plan plan) {
        return RunFolder.prepare(new RunSpec(name, TinyBert.BASE, DataSpec.glue(TinyBert.GLUE, "SST-2"),
                PlanSource.of(plan), HyperParameters.DEFAULTS, Device.CPU, runsFolder.resolve(name))).path();
    }

    @Test
    void dataThatIsNotThereStopsTheLaunchWithOneMessage() {
        LaunchViewModel form = glueForm();
        OnFx.run(() -> {
            form.glueFolderProperty().set(dir.resolve("no-glue"));
            assertEquals("GLUE data folder " + dir.resolve("no-glue") + " does not exist.",
                    form.problemTextBinding().get());
            vm.launch(form);
        });
        OnFx.settle();
        assertEquals("Cannot launch the run", dialogs.errors.get(0).title());
        OnFx.run(() -> assertTrue(vm.runs().isEmpty()));
    }

    @Test
    void aPlanForAnotherModelIsRefusedBeforeAnyProcessStarts() {
        OnFx.run(() -> vm.planProperty().set(
                Presets.fullFineTuning().with(MatrixCell.layer(5, GridColumn.V), Action.FREEZE)));
        LaunchViewModel form = glueForm();
        OnFx.run(() -> vm.launch(form));
        OnFx.settle();
        assertEquals("the run cannot start: the plan does not fit base: layer 5 does not exist (the model has 2 "
                + "layers: 0–1)", dialogs.errors.get(0).text());
        OnFx.run(() -> assertTrue(vm.runs().isEmpty()));
    }

    @Test
    void aNewFormNeverAsksForMoreTokensThanTheBaseHasPositions() {
        LaunchViewModel form = glueForm();
        assertEquals(64, OnFx.call(() -> form.hyperParametersProperty().get().maxLength()));
    }

    @Test
    void moreTokensThanTheBaseHasPositionsAreRefusedBeforeAnyProcessStarts() {
        OnFx.run(() -> vm.planProperty().set(Presets.fullFineTuning()));
        LaunchViewModel form = glueForm();
        OnFx.run(() -> {
            form.hyperParametersProperty().set(form.hyperParametersProperty().get().toBuilder().maxLength(100)
                    .build());
            vm.launch(form);
        });
        OnFx.settle();
        assertEquals("the run cannot start: the maximum length 100 is longer than base's 64 positions",
                dialogs.errors.get(0).text());
        OnFx.run(() -> assertTrue(vm.runs().isEmpty()));
    }

    @Test
    void withoutABaseModelTheLaunchSaysWhatIsMissing() {
        OnFx.run(() -> {
            workspace.baseProperty().set(null);
            assertEquals("Open a base model to train from.", vm.launchBlockerBinding().get());
        });
        LaunchViewModel form = glueForm();
        OnFx.run(() -> vm.launch(form));
        assertEquals("Open a base model to train from.", dialogs.errors.get(0).text());
    }

    @Test
    void theFirstFormStartsFromTheWorkspacesTaskData() throws Exception {
        Path table = Files.writeString(dir.resolve("task.csv"), "sentence,label\ngood,1\n");
        OnFx.run(() -> {
            LaunchViewModel none = vm.newLaunchForm();
            assertEquals(DataSpec.Kind.GLUE, none.dataKindProperty().get());
            assertNull(none.glueFolderProperty().get());
            workspace.dataProperty().set(TinyBert.GLUE);
            LaunchViewModel glue = vm.newLaunchForm();
            assertEquals(DataSpec.Kind.GLUE, glue.dataKindProperty().get());
            assertEquals(TinyBert.GLUE, glue.glueFolderProperty().get());
            workspace.dataProperty().set(table);
            LaunchViewModel file = vm.newLaunchForm();
            assertEquals(DataSpec.Kind.FILE, file.dataKindProperty().get());
            assertEquals(table, file.dataFileProperty().get());
            assertNull(file.glueFolderProperty().get());
        });
    }

    @Test
    void twoRunsOfOnePlanGetTwoNames() {
        RunItem first = launch("finish");
        awaitStatus(first, RunStatus.FINISHED);
        LaunchViewModel form = glueForm();
        OnFx.run(() -> vm.launch(form));
        OnFx.await("the second run to appear", PROCESS, () -> vm.runs().size() == 2);
        RunItem second = OnFx.call(() -> vm.runs().get(0));
        awaitStatus(second, RunStatus.FINISHED);
        String a = OnFx.call(() -> first.nameProperty().get());
        String b = OnFx.call(() -> second.nameProperty().get());
        assertTrue(a.startsWith("SST-2 · full fine-tuning · seed 42 · "), a);
        assertTrue(!a.equals(b), a + " and " + b);
        // launched within the same minute, the second says it is the second
        assertTrue(b.equals(a + " (2)") || !b.startsWith(a), b);
        OnFx.await("both to join the workspace", PROCESS, () -> workspace.tunedLabels.size() == 2);
        assertEquals(List.of(a, b), OnFx.call(() -> workspace.tunedLabels));
    }

    @Test
    void aFinishedRunIsComparedWithTheWorkspacesHeadOnlyModel() throws Exception {
        Path headOnly = dir.resolve("head-only");
        Files.createDirectories(headOnly);
        Files.writeString(headOnly.resolve("metrics.json"), "{\"version\": 1, \"metrics\": {\"accuracy\": 0.75}}");
        OnFx.run(() -> workspace.getTunedModels().add(new dev.finescope.ui.common.TunedModel("head only",
                headOnly.resolve("overlay.safetensors"), dev.finescope.ui.common.TunedModel.Kind.OVERLAY)));
        RunItem run = launch("finish");
        awaitStatus(run, RunStatus.FINISHED);
        OnFx.await("the verdict", PROCESS, () -> !run.verdictProperty().get().isEmpty());
        assertEquals("accuracy 0.750 — no better than the head-only baseline (0.750)",
                OnFx.call(() -> run.verdictProperty().get()));
    }

    @Test
    void aSecondFormStartsFromTheFirstLaunchsChoices() {
        RunItem run = launch("finish");
        awaitStatus(run, RunStatus.FINISHED);
        OnFx.run(() -> {
            LaunchViewModel again = vm.newLaunchForm();
            assertEquals(TinyBert.GLUE, again.glueFolderProperty().get());
            // the defaults, with at most as many tokens as the tiny base has positions
            assertEquals(HyperParameters.DEFAULTS.toBuilder().maxLength(64).build(),
                    again.hyperParametersProperty().get());
            assertNotNull(again.runName());
        });
    }
}
