package dev.finescope.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.plan.Presets;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLauncherTest {

    /** Starting a JVM on two busy cores can take seconds; nothing here should take longer than this. */
    private static final long TIMEOUT_S = 60;

    @TempDir
    Path dir;
    private RunFolder run;

    @BeforeEach
    void prepareRun() throws IOException {
        Path base = Files.createDirectories(dir.resolve("base"));
        Path glue = Files.createDirectories(dir.resolve("glue"));
        run = RunFolder.prepare(new RunSpec("fake", base, DataSpec.glue(glue, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), HyperParameters.DEFAULTS, Device.CPU,
                dir.resolve("runs/one")));
    }

    private static RunLauncher fake(String mode, Duration grace) {
        return new RunLauncher(args -> RunLauncher.javaCommand(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"),
                FakeTrainMain.class.getName(), java.util.stream.Stream.concat(java.util.stream.Stream.of(mode),
                        args.stream()).toList()),
                grace);
    }

    /** Records what a listener hears, in order. */
    private static final class Recorder implements RunListener {
        final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        final List<String> output = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstStep = new CountDownLatch(1);
        volatile RunExit exit;

        @Override
        public void onEvent(RunEvent event) {
            events.add(event);
            if (event instanceof RunEvent.Step) {
                firstStep.countDown();
            }
        }

        @Override
        public void onOutputLine(String line) {
            output.add(line);
        }

        @Override
        public void onErrorLine(String line) {
            errors.add(line);
        }

        @Override
        public void onExit(RunExit e) {
            exit = e;
        }

        List<String> types() {
            synchronized (events) {
                return events.stream().map(RunEvent::type).toList();
            }
        }
    }

    @Test
    void theRealCommandIsFinescopeTrainOnThisJvmWithAnAbsoluteClassPath() {
        List<String> cmd = RunLauncher.forThisJvmCommand(List.of("-Xmx2g"),
                List.of("--spec", "/runs/a/spec.json", "--events", "stdout"));
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), cmd.get(0));
        assertEquals(List.of("-Xmx2g", "-cp"), cmd.subList(1, 3));
        for (String entry : cmd.get(3).split(File.pathSeparator)) {
            assertTrue(Path.of(entry).isAbsolute(), entry);
        }
        assertEquals(List.of("dev.finescope.Main", "train", "--spec", "/runs/a/spec.json", "--events", "stdout"),
                cmd.subList(4, cmd.size()));
        assertEquals("/work/x.jar" + File.pathSeparator + new File("lib/y.jar").getAbsolutePath(),
                RunLauncher.absoluteClassPath("/work/x.jar" + File.pathSeparator + "lib/y.jar"));
    }

    @Test
    void aNativeLauncherIsReplacedByTheJavaOfItsRuntime() {
        assertEquals("/opt/finescope/lib/runtime/bin/java", RunLauncher.javaExecutable(
                Optional.of("/opt/finescope/bin/FineScope"), "/opt/finescope/lib/runtime"));
        assertEquals("/usr/lib/jvm/17/bin/java", RunLauncher.javaExecutable(
                Optional.of("/usr/lib/jvm/17/bin/java"), "/elsewhere"));
        assertEquals("/jdk/bin/java", RunLauncher.javaExecutable(Optional.empty(), "/jdk"));
    }

    @Test
    void eventsArriveInOrderAndTheFinishIsDetected() throws Exception {
        Recorder r = new Recorder();
        RunHandle h = fake("finish", Duration.ofSeconds(5)).launch(run, r);
        RunExit exit = h.exit().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(0, exit.exitCode());
        assertTrue(exit.reportedByRun());
        assertEquals(RunStatus.FINISHED, exit.status());
        assertEquals(List.of("started", "step", "step", "step", "evaluation", "finished"), r.types());
        assertEquals(List.of(1L, 2L, 3L), r.events.stream().filter(e -> e instanceof RunEvent.Step)
                .map(e -> ((RunEvent.Step) e).step()).toList());
        assertEquals(List.of("Loading the fake engine"), r.output);
        assertEquals(exit, r.exit);
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals(r.events, run.events().events());
        assertFalse(run.isProcessAlive());
    }

    @Test
    void cancellingMidRunEndsWithTheRunsOwnCancelledEvent() throws Exception {
        Recorder r = new Recorder();
        RunHandle h = fake("slow", Duration.ofSeconds(30)).launch(run, r);
        assertTrue(r.firstStep.await(TIMEOUT_S, TimeUnit.SECONDS), "no step arrived");
        assertEquals(RunStatus.RUNNING, run.status());
        RunExit exit = h.cancel().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(130, exit.exitCode(), "SIGINT, not SIGKILL");
        assertTrue(exit.reportedByRun());
        RunEvent.Cancelled c = assertInstanceOf(RunEvent.Cancelled.class, exit.terminal());
        RunEvent.Step lastStep = run.events().lastStep().orElseThrow();
        assertEquals(lastStep.step(), c.step());
        assertEquals("cancelled", r.types().get(r.types().size() - 1));
        assertEquals(RunStatus.CANCELLED, run.status());
    }

    @Test
    void aProcessThatExitsWithAnErrorIsReportedWithItsLastWords() throws Exception {
        Recorder r = new Recorder();
        RunExit exit = fake("crash", Duration.ofSeconds(5)).launch(run, r).exit().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(1, exit.exitCode());
        assertFalse(exit.reportedByRun());
        assertEquals("the training process exited with code 1 before reporting an end: Exception in thread "
                + "\"main\" java.lang.IllegalStateException: CUDA out of memory (simulated)", exit.failureReason());
        assertTrue(exit.stderrTail().contains("\tat dev.finescope.train.Trainer.step(Trainer.java:42)"),
                exit.stderrTail().toString());
        assertEquals(List.of("started", "failed"), r.types());
        assertEquals(exit.terminal(), run.events().terminal().orElseThrow());
        assertEquals(RunStatus.FAILED, run.status());
    }

    @Test
    void aRunThatIgnoresSigtermIsKilledAfterTheGraceAndRecordedAsCancelled() throws Exception {
        Recorder r = new Recorder();
        RunHandle h = fake("stubborn", Duration.ofMillis(300)).launch(run, r);
        assertTrue(r.firstStep.await(TIMEOUT_S, TimeUnit.SECONDS), "no step arrived");
        RunExit exit = h.cancel().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(137, exit.exitCode());
        assertFalse(exit.reportedByRun());
        assertInstanceOf(RunEvent.Cancelled.class, exit.terminal());
        assertEquals(RunStatus.CANCELLED, run.status());
    }

    @Test
    void aCommandThatCannotStartIsNamed() {
        RunLauncher broken = new RunLauncher(args -> List.of(dir.resolve("no-java").toString()),
                Duration.ofSeconds(1));
        RunException e = assertThrows(RunException.class, () -> broken.launch(run, new Recorder()));
        assertTrue(e.getMessage().startsWith(run.path() + ": cannot start the training process ("
                + dir.resolve("no-java") + "): "), e.getMessage());
    }

    @Test
    void aFolderWithoutSpecIsNotLaunched() throws IOException {
        Files.delete(run.specFile());
        Files.writeString(run.eventsFile(), "");
        RunFolder bare = RunFolder.open(run.path());
        RunException e = assertThrows(RunException.class, () -> fake("finish", Duration.ofSeconds(1))
                .launch(bare, new Recorder()));
        assertEquals(run.path() + ": the run folder has no spec.json (prepare it with its spec first)",
                e.getMessage());
    }

    @Test
    void aDeathBySignalSaysSoAndHintsAtMemoryForSigkill() {
        assertEquals("the training process was killed by signal 9 (SIGKILL; often the system running out of memory) "
                + "before reporting an end", RunHandle.diedReason(137, List.of()));
        assertEquals("the training process exited with code 3 before reporting an end: Caused by: x",
                RunHandle.diedReason(3, List.of("java.lang.Error: a", "\tat b", "Caused by: x", "\tat c", "")));
    }
    @Test
    void aYieldingRunStartsUnderNiceWhereThereIsOne() {
        List<String> cmd = List.of("/opt/java/bin/java", "-cp", "x.jar", "dev.finescope.Main", "train");
        assertEquals(List.of("/usr/bin/nice", "-n", "10", "/opt/java/bin/java", "-cp", "x.jar", "dev.finescope.Main",
                "train"), RunLauncher.yielding(cmd, Optional.of(Path.of("/usr/bin/nice"))));
        assertEquals(cmd, RunLauncher.yielding(cmd, Optional.empty()));
    }

    @Test
    void aYieldingProcessRunsAtNicenessTenUnderItsOwnProcessId() throws Exception {
        Optional<Path> nice = RunLauncher.nice();
        org.junit.jupiter.api.Assumptions.assumeTrue(nice.isPresent() && Files.isDirectory(Path.of("/proc/self")),
                "a system with nice and /proc");
        Process p = new ProcessBuilder(RunLauncher.yielding(List.of("sleep", "30"), nice)).start();
        try {
            Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
            String comm = "";
            for (int i = 0; i < 100 && !comm.equals("sleep"); i++) {
                Thread.sleep(20);
                String s = Files.readString(stat);
                comm = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
            }
            assertEquals("sleep", comm, "nice hands its process over to the command");
            String s = Files.readString(stat);
            // fields after the command name: state is field 3, nice is field 19
            String[] after = s.substring(s.lastIndexOf(')') + 2).split(" ");
            int own = Integer.parseInt(Files.readString(Path.of("/proc/self/stat")).substring(
                    Files.readString(Path.of("/proc/self/stat")).lastIndexOf(')') + 2).split(" ")[16]);
            assertEquals(Math.min(19, own + 10), Integer.parseInt(after[16]));
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
