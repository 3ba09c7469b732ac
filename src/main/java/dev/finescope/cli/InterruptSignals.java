package dev.finescope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGUSR1 as a request to stop resumably: what a scheduler sends before it takes the machine away
 * (Slurm's preemption and time limit, {@code --signal=USR1@…}, Kubernetes, systemd, {@code docker stop}). While
 * installed, either signal only raises a flag; the training loop reads it, ends its current step, saves a
 * checkpoint and returns, and the command exits with {@link TrainCommand#INTERRUPTED}. The JVM's own SIGTERM
 * handling (shutdown hooks, exit 143) is back once this is closed. SIGINT (Ctrl-C, and the app's cancel) is left
 * alone: it cancels.
 */
final class InterruptSignals implements AutoCloseable, BooleanSupplier {

    private static final List<String> SIGNALS = List.of("TERM", "USR1");

    private final AtomicBoolean requested = new AtomicBoolean();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private InterruptSignals() {
    }

    /** Installs the handlers; a signal the JVM or the system keeps for itself is listed in {@link #problems()}. */
    static InterruptSignals install() {
        InterruptSignals s = new InterruptSignals();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                SignalHandler before = Signal.handle(signal, received -> s.requested.set(true));
                s.installed.add(signal);
                s.previous.add(before);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                s.problems.add("SIG" + name + " cannot be caught here (" + e.getMessage() + ")");
            }
        }
        return s;
    }

    /** True once SIGTERM or SIGUSR1 has arrived. */
    @Override
    public boolean getAsBoolean() {
        return requested.get();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            try {
                Signal.handle(installed.get(i), previous.get(i));
            } catch (IllegalArgumentException e) {
                // nothing to give back
            }
        }
        installed.clear();
        previous.clear();
    }
}
