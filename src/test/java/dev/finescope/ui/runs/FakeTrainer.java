package dev.finescope.ui.runs;

import dev.finescope.run.EventLog;
import dev.finescope.run.EventRewind;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Stands in for {@code finescope train} in the runs pane's tests: speaks the event protocol on standard output
 * and into the run folder, logs on standard error, and ends as asked. Usage:
 * {@code FakeTrainer MODE STEP_MILLIS --spec <run>/spec.json --events stdout}, MODE one of
 * <ul>
 * <li>{@code finish}: 6 steps with loss 1/step, a dev evaluation after steps 3 and 6 (accuracy 0.5 then 0.75),
 *     an overlay file, finished;</li>
 * <li>{@code slow}: steps until SIGTERM, then cancelled;</li>
 * <li>{@code crash}: one step, a stack trace on standard error, exit code 1 without a terminal event;</li>
 * <li>{@code interrupt}: 3 of 6 steps, a checkpoint, interrupted, exit code 75; resumed
 *     ({@code --resume <run>} instead of {@code --spec}), the events cut back to the checkpoint, resumed, steps 4
 *     to 6 and finished as {@code finish} does.</li>
 * </ul>
 */
public final class FakeTrainer {

    static final int FINISH_STEPS = 6;
    static final int INTERRUPT_STEP = 3;

    private FakeTrainer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        long stepMillis = Long.parseLong(args[1]);
        boolean resumed = args[2].equals("--resume");
        RunFolder folder = RunFolder.open(resumed ? Path.of(args[3]) : Path.of(args[3]).toAbsolutePath().getParent());
        if (resumed) {
            EventRewind.Result cut = EventRewind.toStep(folder.eventsFile(), INTERRUPT_STEP);
            EventLog log = EventLog.open(folder.eventsFile(), System.out);
            log.append(new RunEvent.Resumed(Instant.now(), INTERRUPT_STEP, RunFolder.CHECKPOINT_FILE, cut.discarded()));
            for (int step = INTERRUPT_STEP + 1; step <= FINISH_STEPS; step++) {
                Thread.sleep(stepMillis);
                log.append(new RunEvent.Step(Instant.now(), step, FINISH_STEPS, 0, 1.0 / step, 1e-5, 100));
            }
            log.append(new RunEvent.Evaluation(Instant.now(), FINISH_STEPS, "dev", Map.of("accuracy", 0.75)));
            Files.write(folder.overlayFile(), new byte[] {0});
            Files.delete(folder.path().resolve(RunFolder.CHECKPOINT_FILE));
            log.append(new RunEvent.Finished(Instant.now(), FINISH_STEPS, Map.of("accuracy", 0.75),
                    RunFolder.OVERLAY_FILE));
            System.exit(0);
        }
        EventLog log = EventLog.open(folder.eventsFile(), System.out);
        switch (mode) {
            case "interrupt" -> {
                log.append(new RunEvent.Started(Instant.now(), "cpu (fake)", 12, 4, 100, 1000, FINISH_STEPS));
                for (int step = 1; step <= INTERRUPT_STEP; step++) {
                    Thread.sleep(stepMillis);
                    log.append(new RunEvent.Step(Instant.now(), step, FINISH_STEPS, 0, 1.0 / step, 1e-5, 100));
                }
                Files.write(folder.path().resolve(RunFolder.CHECKPOINT_FILE), new byte[] {0});
                log.append(new RunEvent.CheckpointSaved(Instant.now(), INTERRUPT_STEP, RunFolder.CHECKPOINT_FILE));
                // a step the checkpoint does not hold, as when the signal came after it: the resume drops it
                log.append(new RunEvent.Step(Instant.now(), INTERRUPT_STEP + 1, FINISH_STEPS, 0, 9, 1e-5, 100));
                log.append(new RunEvent.Interrupted(Instant.now(), INTERRUPT_STEP, RunFolder.CHECKPOINT_FILE));
                System.exit(75);
            }
            case "finish" -> {
                log.append(new RunEvent.Started(Instant.now(), "cpu (fake)", 12, 4, 100, 1000, FINISH_STEPS));
                for (int step = 1; step <= FINISH_STEPS; step++) {
                    Thread.sleep(stepMillis);
                    System.err.println("fake step " + step);
                    log.append(new RunEvent.Step(Instant.now(), step, FINISH_STEPS, 0, 1.0 / step, 1e-5, 100));
                    if (step == 3 || step == FINISH_STEPS) {
                        double accuracy = step == 3 ? 0.5 : 0.75;
                        log.append(new RunEvent.Evaluation(Instant.now(), step, "dev", Map.of("accuracy", accuracy)));
                    }
                }
                Files.write(folder.overlayFile(), new byte[] {0});
                log.append(new RunEvent.Finished(Instant.now(), FINISH_STEPS, Map.of("accuracy", 0.75),
                        RunFolder.OVERLAY_FILE));
                System.exit(0);
            }
            case "slow" -> {
                log.append(new RunEvent.Started(Instant.now(), "cpu (fake)", 12, 4, 100, 1000, 1_000_000));
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong lastStep = new AtomicLong();
                CountDownLatch loopDone = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop.set(true);
                    try {
                        loopDone.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    log.append(new RunEvent.Cancelled(Instant.now(), lastStep.get()));
                }));
                for (long step = 1; !stop.get(); step++) {
                    Thread.sleep(stepMillis);
                    log.append(new RunEvent.Step(Instant.now(), step, 1_000_000, 0, 0.5, 1e-5, 100));
                    lastStep.set(step);
                }
                loopDone.countDown();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "crash" -> {
                log.append(new RunEvent.Started(Instant.now(), "cpu (fake)", 12, 4, 100, 1000, 10));
                log.append(new RunEvent.Step(Instant.now(), 1, 10, 0, 0.9, 1e-5, 100));
                System.err.println("Exception in thread \"main\" java.lang.IllegalStateException: "
                        + "CUDA out of memory (simulated)");
                System.err.println("\tat dev.finescope.train.Trainer.step(Trainer.java:42)");
                System.exit(1);
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    /** A launcher whose runs are this fake in {@code mode}, each step taking {@code stepMillis}. */
    static RunLauncher launcher(Supplier<String> mode, long stepMillis) {
        return new RunLauncher(args -> RunLauncher.javaCommand(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"),
                FakeTrainer.class.getName(), concat(List.of(mode.get(), Long.toString(stepMillis)), args)),
                Duration.ofSeconds(10));
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
