package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.plan.Presets;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code finescope train} as the app launches it: a separate JVM on this class path, following a prepared
 * run folder, cancelled with SIGTERM in the middle of its steps.
 */
class TrainProcessTest {

    /** Starting a JVM and the engine on two busy cores can take a while. */
    private static final long TIMEOUT_S = 90;

    @TempDir
    Path dir;

    @Test
    void sigtermEndsTheCurrentStepRecordsCancelledAndLeavesAConsistentFolder() throws Exception {
        RunFolder run = RunFolder.prepare(TinyRuns.spec(Presets.fullFineTuning(),
                TinyRuns.FEW_STEPS.toBuilder().epochs(1000).maxSteps(0).build(), dir.resolve("run")));
        RunLauncher launcher = new RunLauncher(spec -> RunLauncher.javaCommand(
                List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Xmx512m", "-Xshare:auto",
                        "-Dfinescope.cache=" + dir.resolve("cache")),
                RunLauncher.MAIN_CLASS, List.of("train", "--spec", spec.toString(), "--events", "stdout")),
                Duration.ofSeconds(60));
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

        assertEquals(143, exit.exitCode(), "ended by SIGTERM, not killed: " + exit.stderrTail());
        assertTrue(exit.reportedByRun(), "the run wrote its own cancelled event");
        RunEvent.Cancelled cancelled = assertInstanceOf(RunEvent.Cancelled.class, exit.terminal());
        assertEquals(RunStatus.CANCELLED, run.status());
        List<RunEvent> written = run.events().events();
        // Process.destroy() closes the launcher's ends of the pipes, so what the run says after SIGTERM reaches
        // the launcher through events.jsonl: standard output carried a prefix of the file's events
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
}
