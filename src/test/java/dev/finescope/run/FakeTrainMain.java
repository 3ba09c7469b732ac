package dev.finescope.run;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for {@code finescope train} that speaks the same event protocol without training anything, so the
 * launcher can be tested on processes that finish, get cancelled, crash, or ignore SIGTERM. Usage:
 * {@code FakeTrainMain MODE --spec <run>/spec.json --events stdout}, MODE one of finish, slow, crash, stubborn.
 */
public final class FakeTrainMain {

    private FakeTrainMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path spec = Path.of(args[2]);
        RunFolder folder = RunFolder.open(spec.toAbsolutePath().getParent());
        EventLog log = EventLog.open(folder.eventsFile(), System.out);
        log.append(new RunEvent.Started(Instant.now(), "cpu (fake)", 12, 4, 100, 1000, 3));
        switch (mode) {
            case "finish" -> {
                System.out.println("Loading the fake engine");
                System.out.flush();
                for (int step = 1; step <= 3; step++) {
                    Thread.sleep(10);
                    log.append(new RunEvent.Step(Instant.now(), step, 3, 0, 1.0 / step, 1e-5, 100));
                }
                log.append(new RunEvent.Evaluation(Instant.now(), 3, "dev", Map.of("accuracy", 0.75)));
                log.append(new RunEvent.Finished(Instant.now(), 3, Map.of("accuracy", 0.75), RunFolder.OVERLAY_FILE));
                System.exit(0);
            }
            case "slow" -> {
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
                    Thread.sleep(20);
                    log.append(new RunEvent.Step(Instant.now(), step, 1_000_000, 0, 0.5, 1e-5, 100));
                    lastStep.set(step);
                }
                loopDone.countDown();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "crash" -> {
                System.err.println("Exception in thread \"main\" java.lang.IllegalStateException: "
                        + "CUDA out of memory (simulated)");
                System.err.println("\tat dev.finescope.train.Trainer.step(Trainer.java:42)");
                System.exit(1);
            }
            case "stubborn" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                for (long step = 1; ; step++) {
                    Thread.sleep(20);
                    log.append(new RunEvent.Step(Instant.now(), step, 1_000_000, 0, 0.5, 1e-5, 100));
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }
}
