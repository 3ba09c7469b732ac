package dev.finescope.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run whose process this application started: follow it, ask it to stop, learn how it ended. Stopping is
 * polite first (SIGINT, as Ctrl-C, so the trainer finishes its step and writes {@code cancelled}; SIGTERM would
 * interrupt it with a checkpoint to resume from, which is not what a cancel means), forceful after a grace
 * period. The run folder always ends with a terminal event: when the process dies without writing one, the
 * handle appends it (failed, with the exit code and the last words on standard error; or cancelled when a
 * cancel was asked for).
 */
public final class RunHandle {

    private static final Logger LOGGER = LoggerFactory.getLogger(RunHandle.class);

    /** How long the readers may take to drain after the process ended (a grandchild may hold the pipes). */
    private static final long DRAIN_MILLIS = 5_000;
    static final int STDERR_TAIL_LINES = 50;
    static final int MAX_LINE_CHARS = 2_000;

    private final RunFolder folder;
    private final Process process;
    private final RunListener listener;
    private final Duration defaultGrace;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final CompletableFuture<RunExit> exit = new CompletableFuture<>();
    /** What the run's events add up to; written by the thread that reads them, and once at the end. */
    private volatile RunState state = RunState.initial();
    private Thread stdoutReader;
    private Thread stderrReader;

    RunHandle(RunFolder folder, Process process, RunListener listener, Duration defaultGrace) {
        this.folder = folder;
        this.process = process;
        this.listener = listener;
        this.defaultGrace = defaultGrace;
    }

    void start() {
        String name = "run-" + folder.path().getFileName();
        stdoutReader = daemon(name + "-events", this::readStdout);
        stderrReader = daemon(name + "-stderr", this::readStderr);
        daemon(name + "-exit", this::awaitExit);
    }

    public RunFolder folder() {
        return folder;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes once the process has ended and everything it said has been delivered. */
    public CompletableFuture<RunExit> exit() {
        return exit;
    }

    /** The latest event heard, if any. */
    public Optional<RunEvent> lastEvent() {
        return state.last();
    }

    /** Where the run stands after the events heard so far. */
    public RunState state() {
        return state;
    }

    /** The last lines of standard error so far, oldest first. */
    public List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    public boolean isCancelRequested() {
        return cancelRequested.get();
    }

    /** {@link #cancel(Duration)} with the launcher's grace period. */
    public CompletableFuture<RunExit> cancel() {
        return cancel(defaultGrace);
    }

    /**
     * Asks the run to stop: SIGINT now (SIGTERM where {@code kill} cannot be run), SIGKILL if the process still
     * lives after {@code grace}. Returns at once; the returned future completes when the process has ended. Asking
     * again does nothing more.
     */
    public CompletableFuture<RunExit> cancel(Duration grace) {
        if (cancelRequested.compareAndSet(false, true) && process.isAlive()) {
            LOGGER.info("Cancelling run {} (pid {})", folder.path(), process.pid());
            String signal = interrupt(process) ? "SIGINT" : "SIGTERM";
            daemon("run-" + folder.path().getFileName() + "-cancel", () -> {
                try {
                    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                        LOGGER.warn("Run {} did not stop within {} s of {}; killing it", folder.path(),
                                grace.toSeconds(), signal);
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return exit;
    }

    /** Sends SIGINT with the system's {@code kill}; false (and SIGTERM sent instead) where that cannot be done. */
    private static boolean interrupt(Process process) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return true;
            }
            kill.destroyForcibly();
        } catch (IOException e) {
            LOGGER.debug("kill -INT cannot be run: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        return false;
    }

    private void onEvent(RunEvent e) {
        state = state.apply(e);
        safely(() -> listener.onEvent(e));
    }

    private void readStdout() {
        try {
            EventReader.follow(process.getInputStream(), this::onEvent,
                    line -> safely(() -> listener.onOutputLine(line)));
        } catch (UncheckedIOException e) {
            LOGGER.debug("Standard output of {} closed: {}", folder.path(), e.getMessage());
        }
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String l = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
                synchronized (stderrTail) {
                    stderrTail.addLast(l);
                    while (stderrTail.size() > STDERR_TAIL_LINES) {
                        stderrTail.removeFirst();
                    }
                }
                safely(() -> listener.onErrorLine(l));
            }
        } catch (IOException e) {
            LOGGER.debug("Standard error of {} closed: {}", folder.path(), e.getMessage());
        }
    }

    private void awaitExit() {
        try {
            int code = process.waitFor();
            stdoutReader.join(DRAIN_MILLIS);
            stderrReader.join(DRAIN_MILLIS);
            exit.complete(finish(code));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit.completeExceptionally(e);
        } catch (RuntimeException e) {
            LOGGER.error("Following run {} failed", folder.path(), e);
            exit.completeExceptionally(e);
        }
    }

    private RunExit finish(int code) {
        RunEvent terminal = state.terminal().orElse(null);
        boolean reported = terminal != null;
        if (terminal == null) {
            Optional<RunEvent> inFile = folder.events().terminal();
            if (inFile.isPresent()) {
                terminal = inFile.get();
                reported = true;
            } else {
                terminal = cancelRequested.get() ? new RunEvent.Cancelled(Instant.now(), state.step())
                        : new RunEvent.Failed(Instant.now(), diedReason(code, stderrTail()));
                try (EventLog log = EventLog.open(folder.eventsFile())) {
                    log.append(terminal);
                } catch (RunException e) {
                    LOGGER.warn("Cannot record how run {} ended: {}", folder.path(), e.getMessage());
                }
            }
            RunEvent t = terminal;
            state = state.apply(t);
            safely(() -> listener.onEvent(t));
        }
        RunExit result = new RunExit(code, terminal, reported, stderrTail());
        LOGGER.info("Run {} ended: {} (exit code {})", folder.path(), result.status().label(), code);
        safely(() -> listener.onExit(result));
        return result;
    }

    /**
     * One line on why a process ended without a terminal event: its exit code and its last words, which for a
     * Java crash is the last unindented line of standard error (the exception, or its root cause).
     */
    static String diedReason(int code, List<String> stderr) {
        StringBuilder b = new StringBuilder("the training process ");
        if (code > 128) {
            int signal = code - 128;
            b.append("was killed by signal ").append(signal);
            if (signal == 9) {
                b.append(" (SIGKILL; often the system running out of memory)");
            } else if (signal == 15) {
                b.append(" (SIGTERM)");
            }
        } else {
            b.append("exited with code ").append(code);
        }
        b.append(" before reporting an end");
        String why = null;
        for (int i = stderr.size() - 1; i >= 0 && why == null; i--) {
            String l = stderr.get(i);
            if (!l.isBlank() && !Character.isWhitespace(l.charAt(0))) {
                why = l.strip();
            }
        }
        if (why != null) {
            b.append(": ").append(why);
        }
        return b.toString();
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOGGER.warn("A run listener failed", e);
        }
    }
}
