package dev.finescope.sweep;

import dev.finescope.run.RunEvent;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunHandle;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunListener;
import dev.finescope.run.RunState;
import dev.finescope.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains what a sweep has not finished, up to N runs at a time, each as its own {@code finescope train} process
 * (so a run that crashes takes nothing else down): a pending run starts, a stopped one (interrupted, cancelled,
 * killed, failed) goes on from its checkpoint with {@code train --resume}, or starts over when it has none, and a
 * finished one is left alone. A run is trained only while its lock is held, and its state is read again once the
 * lock is taken, so starting the same sweep twice, at once or later, never trains a run twice and a second pass
 * over a finished sweep trains nothing.
 */
public final class SweepRunner {

    private static final Logger LOGGER = LoggerFactory.getLogger(SweepRunner.class);

    /** The command lines of a run's process. */
    public interface Commands {
        /** Trains the prepared run whose spec is {@code specFile}, events on standard output. */
        List<String> train(Path specFile);

        /** Goes on with the stopped run in {@code runFolder} from its checkpoint, events on standard output. */
        List<String> resume(Path runFolder);
    }

    /** How a run is started. */
    public enum Start {
        /** Its first start. */
        NEW,
        /** On from its checkpoint. */
        RESUMED,
        /** From the beginning again: it stopped before its first checkpoint. */
        RESTARTED
    }

    /** Hears the sweep's runs; called from the sweep's worker threads and the runs' reader threads. */
    public interface Listener {
        /** A run was skipped: finished already, or trained elsewhere now. */
        default void skipped(SweepRun run, String why) {
        }

        /** A run's process started. */
        default void started(SweepRun run, Start how, RunHandle handle) {
        }

        /** An event of a started run. */
        default void onEvent(SweepRun run, RunEvent event) {
        }

        /** A started run's process ended. */
        default void ended(SweepRun run, RunExit exit) {
        }
    }

    /**
     * What one pass did.
     *
     * @param alreadyFinished runs finished before this pass
     * @param busy            runs another process was training (their lock was held, or their process lives)
     * @param started         how each run started in this pass was started, in grid order
     * @param ended           how each run started in this pass ended, in grid order
     */
    public record Summary(int runs, int alreadyFinished, int busy, Map<SweepRun, Start> started,
            Map<SweepRun, RunStatus> ended) {

        /** True when every run of the sweep is finished now (none was busy, each started one finished). */
        public boolean allFinished() {
            return busy == 0 && ended.values().stream().allMatch(s -> s == RunStatus.FINISHED)
                    && alreadyFinished + ended.size() == runs;
        }
    }

    private final Commands commands;
    private final Duration cancelGrace;

    public SweepRunner(Commands commands, Duration cancelGrace) {
        this.commands = commands;
        this.cancelGrace = cancelGrace;
    }

    /**
     * One pass over the sweep, {@code parallel} runs at a time; returns when every run it started has ended.
     *
     * @throws InterruptedException when interrupted while waiting; the runs under way go on in their processes
     */
    public Summary run(SweepFolder sweep, int parallel, Listener listener) throws InterruptedException {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
        }
        List<SweepRun> runs = sweep.runs();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        Map<SweepRun, Start> started = Collections.synchronizedMap(new LinkedHashMap<>());
        Map<SweepRun, RunStatus> ended = Collections.synchronizedMap(new LinkedHashMap<>());
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "sweep-worker-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (SweepRun run : runs) {
                futures.add(pool.submit(() -> {
                    one(sweep, run, listener, finished, busy, started, ended);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(runs.size(), finished.get(), busy.get(), ordered(runs, started), ordered(runs, ended));
    }

    private static <V> Map<SweepRun, V> ordered(List<SweepRun> runs, Map<SweepRun, V> map) {
        Map<SweepRun, V> out = new LinkedHashMap<>();
        synchronized (map) {
            runs.stream().filter(map::containsKey).forEach(r -> out.put(r, map.get(r)));
        }
        return out;
    }

    private void one(SweepFolder sweep, SweepRun run, Listener listener, AtomicInteger finished, AtomicInteger busy,
            Map<SweepRun, Start> started, Map<SweepRun, RunStatus> ended) throws InterruptedException {
        Path dir = sweep.runPath(run);
        if (isFinished(dir)) {
            finished.incrementAndGet();
            listener.skipped(run, "finished");
            return;
        }
        Optional<SweepFolder.RunLock> lock = sweep.tryLock(run);
        if (lock.isEmpty()) {
            busy.incrementAndGet();
            listener.skipped(run, "being trained by another sweep process");
            return;
        }
        try (SweepFolder.RunLock held = lock.get()) {
            RunFolder folder = RunFolder.open(dir);
            Start how = Start.NEW;
            if (Files.isRegularFile(folder.eventsFile())) {
                RunState state = folder.events().state();
                if (state.status() == RunStatus.FINISHED) {
                    finished.incrementAndGet();
                    listener.skipped(run, "finished");
                    return;
                }
                if (state.terminal().isEmpty() && folder.isProcessAlive()) {
                    busy.incrementAndGet();
                    listener.skipped(run, "its process still runs");
                    return;
                }
                if (Files.isRegularFile(dir.resolve(RunFolder.CHECKPOINT_FILE))) {
                    how = Start.RESUMED;
                } else {
                    how = Start.RESTARTED;
                    startOver(folder);
                }
            }
            Start mode = how;
            RunLauncher launcher = new RunLauncher(trainArguments -> mode == Start.RESUMED ? commands.resume(dir)
                    : commands.train(folder.specFile()), cancelGrace);
            RunHandle handle = launcher.launch(folder, new RunListener() {
                @Override
                public void onEvent(RunEvent event) {
                    listener.onEvent(run, event);
                }
            });
            started.put(run, how);
            listener.started(run, how, handle);
            RunExit exit;
            try {
                exit = handle.exit().get();
            } catch (ExecutionException e) {
                throw new SweepException(dir, "following the run failed: " + e.getCause(), e.getCause());
            }
            ended.put(run, exit.status());
            listener.ended(run, exit);
        }
    }

    private static boolean isFinished(Path dir) {
        if (!Files.isRegularFile(dir.resolve(RunFolder.EVENTS_FILE))) {
            return false;
        }
        return RunFolder.open(dir).events().terminal().filter(e -> e instanceof RunEvent.Finished).isPresent();
    }

    /** Leaves a run that stopped before its first checkpoint as it was prepared: its spec, and its lock. */
    private static void startOver(RunFolder folder) {
        LOGGER.info("Run {} stopped before its first checkpoint; it starts over", folder.path());
        try (Stream<Path> files = Files.list(folder.path())) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (!name.equals(RunFolder.SPEC_FILE) && !name.equals(RunFolder.LOCK_FILE)
                        && Files.isRegularFile(p)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new SweepException(folder.path(), "cannot clear the run folder to start it over: "
                    + e.getMessage(), e);
        }
    }
}
